"""Entering a partner institution with its names in other scripts, and its contacts."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cooperation.lib.forms import EntryFormMixin, RowFormMixin, https_formfield
from partners.autocomplete import AutocompleteSelect
from partners.models import Contact, Institution, InstitutionName

IDENTIFIERS = {"erasmus_code": "erasmus_code__iexact", "pic": "pic", "schac_id": "schac_id__iexact"}


class InstitutionForm(EntryFormMixin, forms.ModelForm):
    confirm_not_duplicate = forms.BooleanField(
        label=_("This is a different institution: save it anyway"), required=False
    )

    class Meta:
        model = Institution
        fields = [
            "name",
            "short_name",
            "kind",
            "country",
            "city",
            "parent",
            "status",
            "website",
            "erasmus_code",
            "pic",
            "schac_id",
            "tags",
            "is_public",
            "latitude",  # where the university website's map puts a published partner
            "longitude",
            "notes",
        ]
        widgets = {
            "notes": forms.Textarea(attrs={"rows": 3}),
            "tags": forms.CheckboxSelectMultiple,
            # Thousands of partners: never rendered as <option>s, found by any of their names.
            "parent": AutocompleteSelect("partners:institution-autocomplete"),
        }
        formfield_callback = https_formfield

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = Institution.objects.current().exclude(pk=self.instance.pk)

    def clean_parent(self):
        parent = self.cleaned_data.get("parent")
        # The database refuses only an institution that is its own parent; a longer loop
        # (A under B under A) would make "part of" endless.
        ancestor, seen = parent, set()
        while ancestor is not None and self.instance.pk and ancestor.pk not in seen:
            if ancestor.pk == self.instance.pk:
                raise forms.ValidationError(
                    _("%(institution)s is already part of this institution."),
                    code="parent_loop",
                    params={"institution": parent.name},
                )
            seen.add(ancestor.pk)
            ancestor = ancestor.parent
        return parent

    def _clean_identifier(self, field: str):
        value = self.cleaned_data.get(field, "").strip()
        if value:
            holder = Institution.objects.filter(**{IDENTIFIERS[field]: value}).exclude(pk=self.instance.pk).first()
            if holder:
                raise forms.ValidationError(
                    _("%(value)s already belongs to %(institution)s."),
                    code="duplicate_identifier",
                    params={"value": value, "institution": holder.name},
                )
        return value

    def clean_erasmus_code(self):
        return self._clean_identifier("erasmus_code")

    def clean_pic(self):
        return self._clean_identifier("pic")

    def clean_schac_id(self):
        return self._clean_identifier("schac_id")


class InstitutionNameForm(RowFormMixin, forms.ModelForm):
    class Meta:
        model = InstitutionName
        fields = ["name", "language", "kind"]


InstitutionNameFormSet = forms.inlineformset_factory(
    Institution, InstitutionName, form=InstitutionNameForm, extra=3, can_delete=True
)


class ContactForm(EntryFormMixin, forms.ModelForm):
    class Meta:
        model = Contact
        fields = [
            "honorific",
            "full_name",
            "native_name",
            "position",
            "email",
            "phone",
            "languages",
            "is_active",
            "notes",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}
