"""Forms that enter a whole agreement at once: the agreement, its parties with their
signatories, its cooperation conditions and a first document."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from agreements.isced import isced_choices
from agreements.language_skills import format_language_skills, parse_language_skills
from agreements.models import Agreement, AgreementDocument, AreaOfCooperation, Quota
from cooperation.lib.documents import validate_document
from cooperation.lib.forms import DateInput, EntryFormMixin, RowFormMixin
from partners.autocomplete import AutocompleteSelect
from partners.colleagues import ColleagueChoiceField, active_colleagues
from partners.models import Institution, Unit

CONDITION_FIELDS = ["category", "direction", "partner", "our_unit", "partner_unit", *Quota.TERMS]


class AgreementForm(EntryFormMixin, forms.ModelForm):
    areas = forms.ModelMultipleChoiceField(
        AreaOfCooperation.objects.all(),
        label=_("Areas of cooperation"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
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
            "renewal_notice_days",
            "renewal_notice_months",
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
    signatory_email = forms.EmailField(label=_("Signatory's e-mail"), required=False)

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
        if (
            cleaned.get("signatory_position") or cleaned.get("signed_on") or cleaned.get("signatory_email")
        ) and not cleaned.get("signatory_name"):
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

    def institution_ids(self) -> list[int]:
        """The partner institutions the page lists: as sent when it is submitted, else as stored."""
        if not self.is_bound:
            return [row["institution"].pk for row in self.initial or [] if row.get("institution")]
        ids = []
        for form in self.forms:
            value = form["institution"].data
            # ASCII digits only ("¹" is a digit to str.isdigit, not to int), and an id an integer
            # column holds: anything else is the party row's own error.
            if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) < 10:
                ids.append(int(value))
        return ids

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
                "signatory_email": form.cleaned_data.get("signatory_email", ""),
            }
            for form in self.forms
            if form.party and not (self.can_delete and form.cleaned_data.get("DELETE"))
        ]


PartyFormSet = forms.formset_factory(PartyForm, formset=BasePartyFormSet, extra=2, can_delete=True)


class QuotaForm(RowFormMixin, forms.ModelForm):
    """A cooperation condition, one block of the agreement's page. The partner is one of the
    agreement's partner institutions (those of the parties sent in the same form: see
    `limit_partners`)."""

    subject_areas = forms.MultipleChoiceField(label=_("Subject areas (ISCED-F)"), required=False, choices=isced_choices)
    eqf_levels = forms.TypedMultipleChoiceField(
        label=_("EQF levels"),
        required=False,
        coerce=int,
        choices=[(level, str(level)) for level in Quota.EQF_LEVELS],
        widget=forms.CheckboxSelectMultiple,
    )
    language_skills = forms.CharField(
        label=_("Recommended language skills"),
        required=False,
        max_length=500,
        help_text=_("Language code, CEFR level, ISCED-F code if for one subject: “en B2; kk C1 0413”."),
    )

    class Meta:
        model = Quota
        fields = CONDITION_FIELDS
        widgets = {"other_info": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subject_areas"].widget.attrs["size"] = 4
        self.keep_current_choice("our_unit", Unit.objects.filter(is_active=True))
        if self.instance.pk:
            self.initial["language_skills"] = format_language_skills(self.instance.language_skills)

    def field_changed(self, name: str) -> bool:
        if name == "language_skills":  # the same skills written otherwise are the same skills
            try:
                return parse_language_skills(self[name].data or "") != self.instance.language_skills
            except ValidationError:
                return True
        return super().field_changed(name)

    def limit_partners(self, institution_ids) -> None:
        self.keep_current_choice("partner", Institution.objects.filter(pk__in=institution_ids))

    def clean_language_skills(self):
        return parse_language_skills(self.cleaned_data["language_skills"])

    def clean(self):
        cleaned = super().clean()
        # Lists kept as stored unless changed: a browser sends the chosen options in the page's
        # order, and the skills come back as text.
        for name in ("subject_areas", "eqf_levels", "language_skills"):
            if name in cleaned and name not in self.changed_data:
                cleaned[name] = getattr(self.instance, name)
        self.instance.ewp_kept = self.kept_values_still_true()
        return cleaned

    def kept_values_still_true(self) -> dict:
        """The EWP values kept from a partner's document (Quota.ewp_kept) that still hold: a
        value flagged not-yet-defined, an ISCED code's v6-value, a clarification per subject
        area, our unit's EWP id, each holds only while what it qualifies is untouched (IIA v7
        says to drop the flag once the value is set by a person)."""
        kept = dict(self.instance.ewp_kept or {})
        changed = set(self.changed_data)
        if "places" in changed:
            kept.pop("places_not_yet_defined", None)
        if "language_skills" in changed:
            kept.pop("language_skills_not_yet_defined", None)
        if changed & {"subject_areas", "subject_clarification"}:
            kept.pop("v6_values", None)
            kept.pop("clarifications", None)
        if "our_unit" in changed:
            kept.pop("our_ounit_id", None)
        for name in ("total_months", "total_days"):
            if name in changed:
                kept.pop(f"{name}_as_written", None)
        return kept


class BaseQuotaFormSet(forms.BaseInlineFormSet):
    def limit_partners(self, institution_ids) -> None:
        self.partner_ids = institution_ids
        for form in self.forms:
            form.limit_partners(institution_ids)

    @property
    def empty_form(self):
        form = super().empty_form
        form.limit_partners(getattr(self, "partner_ids", []))
        return form

    def check_partners(self, party_rows: list[dict]) -> bool:
        """Each condition's partner is a partner party the agreement keeps (one removed in the
        same form cannot stay named by a condition)."""
        kept = {row["institution"].pk for row in party_rows if row["institution"]}
        valid = True
        for form in self.forms:
            partner = form.cleaned_data.get("partner")
            if partner and partner.pk not in kept and not form.cleaned_data.get("DELETE"):
                form.add_error("partner", _("Choose a partner institution of this agreement."))
                valid = False
        return valid


QuotaFormSet = forms.inlineformset_factory(
    Agreement, Quota, form=QuotaForm, formset=BaseQuotaFormSet, fields=CONDITION_FIELDS, extra=1, can_delete=True
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
