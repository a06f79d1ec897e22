"""Forms that enter a whole agreement at once: the agreement, its parties with their
signatories, its quotas and a first document."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from agreements.models import (
    RENEWAL_TERMS_NEED_AUTO_RENEWAL,
    Agreement,
    AgreementDocument,
    AreaOfCooperation,
    NoticeUnit,
    Quota,
)
from cooperation.lib.documents import validate_document
from cooperation.lib.forms import DateInput, EntryFormMixin, RowFormMixin
from partners.autocomplete import AutocompleteSelect
from partners.colleagues import ColleagueChoiceField, active_colleagues
from partners.models import Institution, Unit

DAYS, MONTHS = NoticeUnit.DAYS, NoticeUnit.MONTHS
# Past ten years a notice period in months is a typing slip (and a date before the year 1).
MAX_NOTICE_MONTHS = 120


class NoticePeriodWidget(forms.MultiWidget):
    def __init__(self):
        inline = {"class": "d-inline-block w-auto"}
        super().__init__(
            [forms.NumberInput(attrs={**inline, "min": 0}), forms.Select(attrs=inline, choices=NoticeUnit.choices)]
        )

    def decompress(self, value):
        return list(value) if value else [None, DAYS]


class NoticePeriodField(forms.MultiValueField):
    """A notice period as the agreement states it: a number of days or of calendar months,
    cleaned to (number, DAYS or MONTHS), or None when not given."""

    widget = NoticePeriodWidget

    def __init__(self, **kwargs):
        fields = (
            forms.IntegerField(min_value=0, max_value=32767, required=False),
            forms.ChoiceField(choices=NoticeUnit.choices, required=False),
        )
        super().__init__(fields, require_all_fields=False, required=False, **kwargs)

    def has_changed(self, initial, data):
        # No period stored is what the page renders for none: no number, the unit's first choice.
        return super().has_changed(self.widget.decompress(initial), data)

    def compress(self, data_list):
        if not data_list or data_list[0] is None:
            return None
        amount, unit = data_list[0], data_list[1] or DAYS
        if unit == MONTHS and amount > MAX_NOTICE_MONTHS:
            raise ValidationError(
                _("A notice period is at most %(months)s months.") % {"months": MAX_NOTICE_MONTHS}, code="max_value"
            )
        return amount, unit


class AgreementForm(EntryFormMixin, forms.ModelForm):
    areas = forms.ModelMultipleChoiceField(
        AreaOfCooperation.objects.all(),
        label=_("Areas of cooperation"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    renewal_notice = NoticePeriodField(
        label=_("Notice period"),
        help_text=_(
            "Notice of non-renewal must be given this long before the term ends: in days, or in calendar months."
        ),
    )

    class Meta:
        model = Agreement
        field_classes = {"responsible_person": ColleagueChoiceField}
        fields = [
            "title",
            "kind",
            "status",
            "registration_number",
            "purpose",
            "areas",
            "responsible_unit",
            "responsible_person",
            "signed_on",
            "valid_from",
            "expires_on",
            "auto_renews",
            "renewal_term_months",
            "renewal_notice",  # the model's renewal_notice_days or renewal_notice_months
            "notes",
        ]
        widgets = {
            "signed_on": DateInput(),
            "valid_from": DateInput(),
            "expires_on": DateInput(),
            "purpose": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.keep_current_choice("responsible_unit", Unit.objects.filter(is_active=True))
        self.keep_current_choice("responsible_person", active_colleagues())
        self.initial.setdefault("renewal_notice", self.instance.notice_period())
        if self.instance.pk:
            # Once entered, the status moves only by the actions on the agreement's page
            # (sign, terminate, renew), each with its own rule.
            del self.fields["status"]
        else:
            # An agreement is entered as a draft, while negotiated, or after it was signed.
            self.fields["status"].choices = [
                (value, label)
                for value, label in Agreement.Status.choices
                if value in {Agreement.Status.DRAFT, Agreement.Status.NEGOTIATION, Agreement.Status.SIGNED}
            ]

    def clean(self):
        cleaned = super().clean()
        amount, unit = cleaned.get("renewal_notice") or (None, None)
        self.instance.renewal_notice_days = amount if unit == DAYS else None
        self.instance.renewal_notice_months = amount if unit == MONTHS else None
        if amount is not None and "auto_renews" in cleaned and not cleaned["auto_renews"]:
            self.add_error("renewal_notice", RENEWAL_TERMS_NEED_AUTO_RENEWAL)
        return cleaned


class PartyForm(RowFormMixin, forms.Form):
    """A signing party and the person who signs for it: a partner institution or one of our units."""

    institution = forms.ModelChoiceField(
        Institution.objects.current(),
        label=_("Partner institution"),
        required=False,
        widget=AutocompleteSelect("partners:institution-autocomplete"),
    )
    unit = forms.ModelChoiceField(Unit.objects.filter(is_active=True), label=_("or our unit"), required=False)
    signatory_name = forms.CharField(label=_("Signed by"), max_length=200, required=False)
    signatory_position = forms.CharField(label=_("Position"), max_length=255, required=False)
    signed_on = forms.DateField(label=_("Signed on"), required=False, widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.keep_current_choice("unit", Unit.objects.filter(is_active=True))

    def clean(self):
        cleaned = super().clean()
        institution, unit = cleaned.get("institution"), cleaned.get("unit")
        if institution and unit:
            raise ValidationError(_("Choose either a partner institution or one of our units, not both."))
        if not institution and not unit and (cleaned.get("signatory_name") or cleaned.get("signatory_position")):
            raise ValidationError(_("Choose the party this person signs for."))
        if (cleaned.get("signatory_position") or cleaned.get("signed_on")) and not cleaned.get("signatory_name"):
            self.add_error("signatory_name", _("Name the person who signed."))
        return cleaned

    @property
    def party(self):
        return self.cleaned_data.get("institution") or self.cleaned_data.get("unit")


class BasePartyFormSet(forms.BaseFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        seen = set()
        partners = 0
        for index, form in enumerate(self.forms):
            if self.can_delete and form.cleaned_data.get("DELETE"):
                continue
            party = form.party
            if party is None:
                if index < self.initial_form_count():
                    # A party leaves the agreement only through its Remove box.
                    form.add_error("institution", _("Choose the party, or tick Remove to take it off the agreement."))
                continue
            key = (type(party).__name__, party.pk)
            if key in seen:
                raise ValidationError(_("%(party)s is listed twice.") % {"party": party})
            seen.add(key)
            partners += isinstance(party, Institution)
        if any(self.errors):
            return
        if partners == 0:
            raise ValidationError(_("Add at least one partner institution."))

    def rows(self) -> list[dict]:
        """Every party the page lists and does not remove, in order, as plain data for
        agreements.services: a row the user did not touch is kept as it is, not dropped."""
        return [
            {
                "institution": form.cleaned_data.get("institution"),
                "unit": form.cleaned_data.get("unit"),
                "signatory_name": form.cleaned_data.get("signatory_name", ""),
                "signatory_position": form.cleaned_data.get("signatory_position", ""),
                "signed_on": form.cleaned_data.get("signed_on"),
            }
            for form in self.forms
            if form.party and not (self.can_delete and form.cleaned_data.get("DELETE"))
        ]


PartyFormSet = forms.formset_factory(PartyForm, formset=BasePartyFormSet, extra=2, can_delete=True)


class QuotaForm(RowFormMixin, forms.ModelForm):
    class Meta:
        model = Quota
        fields = ["academic_year", "direction", "category", "places", "total_months", "total_days", "subject_area"]


QuotaFormSet = forms.inlineformset_factory(
    Agreement,
    Quota,
    form=QuotaForm,
    fields=["academic_year", "direction", "category", "places", "total_months", "total_days", "subject_area"],
    extra=1,
    can_delete=True,
)


class DocumentUploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=AgreementDocument.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=255, required=False)
    file = forms.FileField(label=_("File"), help_text=_("PDF, Word or an image (scan)."))
    comment = forms.CharField(label=_("Comment"), max_length=255, required=False)

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        self.content_type = validate_document(uploaded)
        return uploaded
