"""Form pieces shared by the apps' entry pages."""

from django import forms


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
