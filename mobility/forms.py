"""Entering a mobility program with the people in it, in one page."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cooperation.lib.forms import DateInput, EntryFormMixin, RowFormMixin
from mobility.models import Participant, Program
from partners.autocomplete import AutocompleteSelect, AutocompleteSelectMultiple
from partners.colleagues import ColleagueChoiceField, active_colleagues
from partners.models import Institution, Unit


class ProgramForm(EntryFormMixin, forms.ModelForm):
    partners = forms.ModelMultipleChoiceField(
        Institution.objects.current(),
        label=_("Partners"),
        required=False,
        widget=AutocompleteSelectMultiple("partners:institution-autocomplete"),
    )

    class Meta:
        model = Program
        field_classes = {"coordinator": ColleagueChoiceField}
        fields = [
            "title",
            "kind",
            "degree_structure",
            "direction",
            "academic_year",
            "unit",
            "coordinator",
            "partners",
            "agreement",
            "places",
            "funding_source",
            "application_deadline",
            "nomination_deadline",
            "description",
        ]
        widgets = {
            "application_deadline": DateInput(),
            "nomination_deadline": DateInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.keep_current_choice("unit", Unit.objects.filter(is_active=True))
        self.keep_current_choice("coordinator", active_colleagues())


class ProgramParticipantForm(RowFormMixin, forms.ModelForm):
    class Meta:
        model = Participant
        fields = ["full_name", "kind", "direction", "partner_institution", "level", "starts_on", "ends_on", "email"]
        widgets = {
            "partner_institution": AutocompleteSelect("partners:institution-autocomplete"),
            "starts_on": DateInput(),
            "ends_on": DateInput(),
        }


class BaseProgramParticipantFormSet(forms.BaseInlineFormSet):
    def save_new(self, form, commit=True):
        # A participant entered with the program belongs to the program's unit.
        participant = form.save(commit=False)
        participant.program = self.instance
        participant.unit = self.instance.unit
        if commit:
            participant.save()
        return participant


ProgramParticipantFormSet = forms.inlineformset_factory(
    Program,
    Participant,
    form=ProgramParticipantForm,
    formset=BaseProgramParticipantFormSet,
    extra=2,
    can_delete=True,
)
