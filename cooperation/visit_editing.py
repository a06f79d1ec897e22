"""Entering and editing a whole visit in one page: the visit, its participants, what was agreed,
the follow-up actions and the gifts. Everything is saved in one transaction or nothing is."""

from django.contrib import messages
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.generic import UpdateView, View
from django.views.generic.detail import SingleObjectMixin

from cooperation.forms import FollowUpActionFormSet, GiftFormSet, OutcomeFormSet, ParticipantFormSet, VisitForm
from cooperation.lib.history import save_with_history
from cooperation.lib.permissions import is_office, user_unit_id
from cooperation.lib.views import ChangePermissionMixin
from cooperation.models import FollowUpAction, Visit
from cooperation.services import action_mark_done
from partners.models import Unit

FORMSETS = {
    "participants": ParticipantFormSet,
    "outcomes": OutcomeFormSet,
    "actions": FollowUpActionFormSet,
    "gifts": GiftFormSet,
}


class VisitEditView(ChangePermissionMixin, UpdateView):
    model = Visit
    form_class = VisitForm
    template_name = "cooperation/visit_form.html"

    def get_object(self, queryset=None):
        return super().get_object(queryset) if self.kwargs.get("pk") else None

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if not is_office(self.request.user):
            # A coordinator enters the visits their own unit hosts.
            form.fields["host_unit"].queryset = Unit.objects.filter(pk=user_unit_id(self.request.user))
        return form

    def get_formsets(self) -> dict:
        data = self.request.POST if self.request.method == "POST" else None
        visit = self.object or Visit()
        return {
            prefix: formset_class(data, instance=visit, prefix=prefix) for prefix, formset_class in FORMSETS.items()
        }

    def get_context_data(self, **kwargs):
        kwargs.setdefault("formsets", self.get_formsets())
        return super().get_context_data(**kwargs)

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        form = self.get_form()
        formsets = self.get_formsets()
        if not form.is_valid() or not all(formset.is_valid() for formset in formsets.values()):
            messages.error(request, _("The visit was not saved: correct the fields marked below."))
            return self.render_to_response(self.get_context_data(form=form, formsets=formsets))
        with transaction.atomic():
            visit = form.save(commit=False)
            save_with_history(visit, user=request.user, reason="Edited" if self.object else "Entered")
            form.save_m2m()
            for formset in formsets.values():
                formset.instance = visit
                formset.save()
        messages.success(request, _("The visit is saved."))
        return redirect(visit)


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
