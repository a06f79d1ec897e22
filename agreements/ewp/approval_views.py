"""The page that records an approval of an EWP IIA copy: the partner approved ours, or we
approved theirs (agreements/ewp/approval.py does it)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.generic import FormView
from django.views.generic.detail import SingleObjectMixin

from agreements.ewp.approval import (
    agreement_record_our_approval,
    agreement_record_partner_approval,
    party_iia_hashes,
    their_copy_hash,
)
from agreements.ewp.documents import DocumentError, refuse_if_too_large
from agreements.ewp.export import exported_agreement
from agreements.models import Agreement, AgreementParty, IiaApproval
from cooperation.lib.views import ChangePermissionMixin, ErrorSummaryMixin


class IiaApprovalForm(forms.Form):
    party = forms.ModelChoiceField(queryset=AgreementParty.objects.none(), label=_lazy("Partner"), empty_label=None)
    side = forms.ChoiceField(
        label=_lazy("Approval"),
        choices=IiaApproval.Side.choices,
        initial=IiaApproval.Side.PARTNER,
        widget=forms.RadioSelect,
    )
    iia_hash = forms.CharField(
        label=_lazy("iia-hash"),
        required=False,
        max_length=100,
        help_text=_lazy(
            "The partner's approval: leave it empty for our copy as it is now. Ours: paste the hash of their "
            "copy, or upload their document below."
        ),
    )
    document = forms.FileField(label=_lazy("The partner's IIA document (XML)"), required=False)
    approved_on = forms.DateField(label=_lazy("Approved on"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, agreement: Agreement, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party"].queryset = agreement.parties.filter(institution__isnull=False).select_related(
            "institution"
        )
        self.fields["party"].label_from_instance = lambda party: str(party.institution)
        self.fields["approved_on"].initial = timezone.localdate()

    def clean_document(self):
        uploaded = self.cleaned_data.get("document")
        if uploaded:
            try:
                refuse_if_too_large(uploaded.size)  # before reading it
            except DocumentError as error:
                raise ValidationError(str(error)) from None
            return uploaded.read()
        return None

    def clean(self):
        cleaned = super().clean()
        party, data = cleaned.get("party"), cleaned.get("document")
        if cleaned.get("side") == IiaApproval.Side.OURS and party is not None:
            if data:
                try:
                    cleaned["iia_hash"] = their_copy_hash(data, party=party)
                except DocumentError as error:
                    self.add_error("document", str(error))
            elif not cleaned.get("iia_hash", "").strip():
                self.add_error("iia_hash", _("Paste the iia-hash of the partner's copy, or upload their document."))
        elif data:
            self.add_error("document", _("A document is read for our approval of the partner's copy only."))
        return cleaned


class IiaApprovalView(ChangePermissionMixin, ErrorSummaryMixin, SingleObjectMixin, FormView):
    model = Agreement  # whoever may change the agreement records its approvals
    form_class = IiaApprovalForm
    template_name = "agreements/iia_approval_form.html"

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        return super().post(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "agreement": self.object}

    def get_context_data(self, **kwargs):
        agreement = exported_agreement(self.object.pk)
        hashes = party_iia_hashes(agreement)
        current = [(party.institution, hashes[party.pk]) for party in agreement.parties.all() if party.pk in hashes]
        return super().get_context_data(agreement=self.object, current_hashes=current, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            if data["side"] == IiaApproval.Side.PARTNER:
                approval = agreement_record_partner_approval(
                    party=data["party"],
                    iia_hash=data["iia_hash"],
                    approved_on=data["approved_on"],
                    user=self.request.user,
                )
            else:
                approval = agreement_record_our_approval(
                    party=data["party"],
                    iia_hash=data["iia_hash"],
                    approved_on=data["approved_on"],
                    user=self.request.user,
                )
        except ValidationError as error:
            errors = error.message_dict if hasattr(error, "error_dict") else {None: error.messages}
            for field, field_messages in errors.items():
                for message in field_messages:
                    form.add_error(field if field in form.fields else None, message)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Recorded: %(approval)s, iia-hash %(hash)s.")
            % {"approval": approval.get_side_display(), "hash": approval.iia_hash},
        )
        return redirect(approval)
