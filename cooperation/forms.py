"""Forms that enter a whole visit at once: the visit, its participants, what was agreed,
the follow-up actions and the gifts."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from agreements.models import AreaOfCooperation
from cooperation.lib.forms import DateInput, RowFormMixin, https_formfield
from cooperation.models import FollowUpAction, Gift, Outcome, Visit, VisitParticipant
from partners.autocomplete import AutocompleteSelect, AutocompleteSelectMultiple
from partners.models import Contact, Institution, Unit


class VisitForm(forms.ModelForm):
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
        self.fields["host_unit"].queryset = Unit.objects.filter(is_active=True)
        self.fields["responsible_person"].queryset = get_user_model().objects.filter(is_active=True)


class ParticipantForm(RowFormMixin, forms.ModelForm):
    class Meta:
        model = VisitParticipant
        fields = ["side", "role", "contact", "user", "full_name", "position"]
        widgets = {"contact": AutocompleteSelect("partners:contact-autocomplete")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = Contact.objects.select_related("institution")
        self.fields["user"].queryset = get_user_model().objects.filter(is_active=True)


ParticipantFormSet = forms.inlineformset_factory(
    Visit, VisitParticipant, form=ParticipantForm, extra=3, can_delete=True
)


class OutcomeForm(RowFormMixin, forms.ModelForm):
    class Meta:
        model = Outcome
        fields = ["text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}


class FollowUpActionForm(RowFormMixin, forms.ModelForm):
    class Meta:
        model = FollowUpAction
        fields = ["description", "owner", "due_on"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2}), "due_on": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = get_user_model().objects.filter(is_active=True)


class GiftForm(RowFormMixin, forms.ModelForm):
    class Meta:
        model = Gift
        fields = ["direction", "description", "counterpart"]


OutcomeFormSet = forms.inlineformset_factory(Visit, Outcome, form=OutcomeForm, extra=2, can_delete=True)
FollowUpActionFormSet = forms.inlineformset_factory(
    Visit, FollowUpAction, form=FollowUpActionForm, extra=1, can_delete=True
)
GiftFormSet = forms.inlineformset_factory(Visit, Gift, form=GiftForm, extra=1, can_delete=True)
