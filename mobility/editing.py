"""Entering a program with its participants, and the one-click changes on its page."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.generic import View
from django.views.generic.detail import SingleObjectMixin

from cooperation.lib.views import ChangePermissionMixin, RecordWithRowsEditView
from mobility.forms import ProgramForm, ProgramParticipantFormSet
from mobility.models import Participant, Program
from mobility.services import participant_change_status


class ParticipantStatusView(ChangePermissionMixin, SingleObjectMixin, View):
    """POST: move a participant one step along the pipeline (or withdraw them)."""

    model = Program
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        program = self.get_object()
        participant = get_object_or_404(Participant, pk=kwargs["participant_pk"], program=program)
        try:
            participant_change_status(participant=participant, status=request.POST.get("status", ""), user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("%(name)s: %(status)s.")
                % {"name": participant.full_name, "status": participant.get_status_display()},
            )
        return redirect(participant)


class ProgramEditView(RecordWithRowsEditView):
    model = Program
    form_class = ProgramForm
    template_name = "mobility/program_form.html"
    new_title = _lazy("New program")
    edit_title = _lazy("Edit program")
    list_url_name = "mobility:program-list"
    list_title = _lazy("Mobility programs")
    formset_classes = {"participants": ProgramParticipantFormSet}
    owner_field = "unit"
    saved_message = _("The program is saved.")
    not_saved_message = _("The program was not saved: correct the fields marked below.")
