"""Forms that enter a whole visit at once: the visit, its participants, what was agreed,
the follow-up actions and the gifts."""

from django import forms
from django.utils.translation import gettext_lazy as _

from agreements.models import AreaOfCooperation
from cooperation.lib.forms import DateInput, EntryFormMixin, RowFormMixin, https_formfield
from cooperation.visits.models import FollowUpAction, Gift, Outcome, Visit, VisitParticipant
from partners.autocomplete import AutocompleteSelect, AutocompleteSelectMultiple
from partners.colleagues import ColleagueChoiceField, active_colleagues
from partners.models import Contact, Institution, Unit


class VisitForm(EntryFormMixin, forms.ModelForm):
    partners = forms.ModelMultipleChoiceField(
        Institution.objects.current(),
        label=_("Partners"),
        required=False,
        widget=AutocompleteSelectMultiple("partners:institution-autocomplete"),
    )
    areas = forms.ModelMultipleChoiceField(
        AreaOfCooperation.objects.all(), label=_("Areas discussed"), required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Visit
        field_classes = {"responsible_person": ColleagueChoiceField}
        formfield_callback = https_formfield
        fields = [
            "title",
            "kind",
            "status",
            "starts_on",
            "ends_on",
            "places",
            "city",
            "country",
            "host_unit",
            "responsible_person",
            "purpose",
            "partners",
            "areas",
            "topics",
            "news_url",
            "notes",
        ]
        widgets = {
            "starts_on": DateInput(),
            "ends_on": DateInput(),
            "purpose": forms.Textarea(attrs={"rows": 3}),
            "topics": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.keep_current_choice("host_unit", Unit.objects.filter(is_active=True))
        self.keep_current_choice("responsible_person", active_colleagues())


class ParticipantForm(RowFormMixin, forms.ModelForm):
    class Meta:
        model = VisitParticipant
        field_classes = {"user": ColleagueChoiceField}
        fields = ["side", "role", "contact", "user", "full_name", "position"]
        widgets = {"contact": AutocompleteSelect("partners:contact-autocomplete")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = Contact.objects.select_related("institution")
        self.keep_current_choice("user", active_colleagues())


ParticipantFormSet = forms.inlineformset_factory(
    Visit, VisitParticipant, form=ParticipantForm, extra=3, can_delete=True
)


class OutcomeForm(RowFormMixin, forms.ModelForm):
    class Meta:
        model = Outcome
        fields = ["text", "institution"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 2}),
            "institution": AutocompleteSelect("partners:institution-autocomplete"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = Institution.objects.current()


class BaseOutcomeFormSet(forms.BaseInlineFormSet):
    """What was agreed: a point names one of the visit's partners, or none for the whole visit.
    The partners are those sent in the same submission, which only the page sees: its view sets
    `visit_partners`, a function that gives them (None when they are not valid themselves)."""

    visit_partners = None

    def clean(self):
        super().clean()
        partners = self.visit_partners() if self.visit_partners else None
        if partners is None:
            return
        for form in self.forms:
            institution = getattr(form, "cleaned_data", {}).get("institution")
            if institution is None or form.cleaned_data.get("DELETE") or institution in partners:
                continue
            form.add_error(
                "institution",
                _("%(partner)s is not one of the visit's partners: add it under Partners first.")
                % {"partner": institution.name},
            )


class FollowUpActionForm(RowFormMixin, forms.ModelForm):
    class Meta:
        model = FollowUpAction
        field_classes = {"owner": ColleagueChoiceField}
        fields = ["description", "owner", "due_on"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2}), "due_on": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.keep_current_choice("owner", active_colleagues())


class GiftForm(RowFormMixin, forms.ModelForm):
    class Meta:
        model = Gift
        fields = ["direction", "description", "counterpart"]


OutcomeFormSet = forms.inlineformset_factory(
    Visit, Outcome, form=OutcomeForm, formset=BaseOutcomeFormSet, extra=2, can_delete=True
)
FollowUpActionFormSet = forms.inlineformset_factory(
    Visit, FollowUpAction, form=FollowUpActionForm, extra=1, can_delete=True
)
GiftFormSet = forms.inlineformset_factory(Visit, Gift, form=GiftForm, extra=1, can_delete=True)
