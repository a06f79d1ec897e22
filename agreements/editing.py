"""Entering and editing a whole agreement in one page: the agreement, its parties with their
signatories, and its cooperation conditions. Everything is saved in one transaction or nothing is."""

from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.generic import UpdateView

from agreements.forms import AgreementForm, PartyFormSet, QuotaFormSet
from agreements.models import Agreement
from agreements.services import agreement_set_parties
from cooperation.lib.permissions import is_office, user_unit_id
from cooperation.lib.views import ChangePermissionMixin, FormPageMixin
from partners.models import Unit


class AgreementEditView(ChangePermissionMixin, FormPageMixin, UpdateView):
    model = Agreement
    form_class = AgreementForm
    template_name = "agreements/agreement_form.html"
    new_title = _lazy("New agreement")
    edit_title = _lazy("Edit agreement")
    list_url_name = "agreements:agreement-list"
    list_title = _lazy("Agreements")

    def get_object(self, queryset=None):
        return super().get_object(queryset) if self.kwargs.get("pk") else None

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if not is_office(self.request.user):
            # A coordinator enters agreements of their own unit only.
            form.fields["responsible_unit"].queryset = Unit.objects.filter(pk=user_unit_id(self.request.user))
        return form

    def get_formsets(self):
        data = self.request.POST if self.request.method == "POST" else None
        agreement = self.object or Agreement()
        initial_parties = [
            {
                "institution": party.institution,
                "unit": party.unit,
                "signatory_name": signatory.full_name if signatory else "",
                "signatory_position": signatory.position if signatory else "",
                "signed_on": signatory.signed_on if signatory else None,
                "signatory_email": signatory.email if signatory else "",
            }
            for party in (agreement.parties.prefetch_related("signatories") if agreement.pk else [])
            for signatory in [next(iter(party.signatories.all()), None)]
        ]
        party_formset = PartyFormSet(data, prefix="parties", initial=initial_parties or None)
        quota_formset = QuotaFormSet(data, instance=agreement, prefix="quotas")
        quota_formset.limit_partners(party_formset.institution_ids())
        return party_formset, quota_formset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if "party_formset" not in context:
            context["party_formset"], context["quota_formset"] = self.get_formsets()
        return context

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        form = self.get_form()
        party_formset, quota_formset = self.get_formsets()
        valid = form.is_valid() and party_formset.is_valid() and quota_formset.is_valid()
        if valid:
            valid = quota_formset.check_partners(party_formset.rows())
        if not valid:
            messages.error(request, _("The agreement was not saved: correct the fields marked below."))
            return self.render_to_response(
                self.get_context_data(form=form, party_formset=party_formset, quota_formset=quota_formset)
            )
        with transaction.atomic():
            if self.object is None:
                form.instance.created_by = request.user
            agreement = form.save_record(user=request.user)
            agreement_set_parties(agreement=agreement, rows=party_formset.rows(), user=request.user)
            quota_formset.instance = agreement
            quota_formset.save()
        messages.success(request, _("The agreement is saved."))
        return redirect(agreement)
