"""Entering and editing a whole visit in one page: the visit, its participants, what was agreed,
the follow-up actions and the gifts. Everything is saved in one transaction or nothing is."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.generic import View
from django.views.generic.detail import SingleObjectMixin

from cooperation.lib.views import ChangePermissionMixin, RecordWithRowsEditView
from cooperation.visits.forms import FollowUpActionFormSet, GiftFormSet, OutcomeFormSet, ParticipantFormSet, VisitForm
from cooperation.visits.models import FollowUpAction, Visit
from cooperation.visits.services import action_mark_done

FORMSETS = {
    "participants": ParticipantFormSet,
    "outcomes": OutcomeFormSet,
    "actions": FollowUpActionFormSet,
    "gifts": GiftFormSet,
}


class VisitEditView(RecordWithRowsEditView):
    model = Visit
    form_class = VisitForm
    template_name = "cooperation/visit_form.html"
    new_title = _lazy("New visit or event")
    edit_title = _lazy("Edit visit")
    list_url_name = "cooperation:visit-list"
    list_title = _lazy("Visits and events")
    formset_classes = FORMSETS
    owner_field = "host_unit"  # a coordinator enters the visits their own unit hosts
    saved_message = _("The visit is saved.")
    not_saved_message = _("The visit was not saved: correct the fields marked below.")

    def get_form(self, form_class=None):
        self.visit_form = super().get_form(form_class)
        return self.visit_form

    def get_formsets(self) -> dict:
        formsets = super().get_formsets()
        # An outcome may name only a partner of the visit as submitted in the same form.
        formsets["outcomes"].visit_partners = self.submitted_partners
        return formsets

    def submitted_partners(self):
        """The partners the visit form was sent with; None before it is, or when they are not valid."""
        form = getattr(self, "visit_form", None)
        if form is None or not form.is_bound or "partners" in form.errors:
            return None
        return form.cleaned_data.get("partners")


class ActionDoneView(ChangePermissionMixin, SingleObjectMixin, View):
    """POST: a follow-up action of the visit is done. Whoever may change the visit may mark it."""

    model = Visit
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        visit = self.get_object()
        action = get_object_or_404(FollowUpAction, pk=kwargs["action_pk"], visit=visit)
        action_mark_done(action=action, user=request.user)
        messages.success(request, _("The action is marked done."))
        return redirect(visit.get_absolute_url() + "#actions-heading")
