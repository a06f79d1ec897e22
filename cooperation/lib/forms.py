"""Form pieces shared by the apps' entry pages."""

from django import forms
from django.db import models


def https_formfield(model_field, **kwargs):
    """A ModelForm's formfield_callback: a web address typed without a scheme ("gazi.edu.tr") is
    https today; passing it when the field is made also silences Django 5's warning about the
    default changing in 6.0."""
    if isinstance(model_field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return model_field.formfield(**kwargs)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class RowFormMixin:
    """A form shown as one table row: Bootstrap classes on each input, and its label as the
    input's accessible name (the column header is not a <label>)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select form-select-sm"
            else:
                css = "form-control form-control-sm"
            widget.attrs.setdefault("class", css)
            widget.attrs.setdefault("aria-label", str(field.label))
