"""The upload form of an import: the file, and for participants the program they go into."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cooperation.importing.readers import encoding_choices
from cooperation.lib.permissions import changeable_by
from mobility.models import Program


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("An Excel workbook (.xlsx) or a CSV file, with the column headers in the first row."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def __init__(self, *args, kind: str, user, **kwargs):
        super().__init__(*args, **kwargs)
        if kind == "participants":
            self.fields["program"] = forms.ModelChoiceField(
                label=_("Program"),
                queryset=changeable_by(user, Program.objects.order_by("-academic_year", "title")),
                help_text=_("The participants are added to this program."),
            )
            self.order_fields(["program", "file"])

    def options(self) -> dict:
        program = self.cleaned_data.get("program")
        return {"program": program.pk} if program else {}


class EncodingForm(forms.Form):
    """The preview's choice of the encoding a CSV file is read in."""

    encoding = forms.ChoiceField(
        label=_("Read the file as"), widget=forms.Select(attrs={"class": "form-select form-select-sm w-auto"})
    )

    def __init__(self, *args, current: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["encoding"].choices = encoding_choices(current)
        self.fields["encoding"].initial = current
