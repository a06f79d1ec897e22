"""Form pieces shared by the apps' entry pages."""

import re

from django import forms
from django.db import models
from django.utils.functional import cached_property

from cooperation.lib.history import save_with_history


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


class EntryFormMixin:
    """What every entry form (a record's, or one of its rows') does so that a page saved as it
    was rendered keeps the record as it was:

    - A text that comes back with other line breaks is unchanged: browsers send a textarea's line
      breaks as CRLF whatever was stored, and a one-line box's value without its line breaks (an
      Excel cell wrapped with Alt+Enter keeps one through an import). A text field the user did
      not change keeps its stored value to the letter (not stripped, not re-broken, not joined),
      even when another field changed.
    - A choice limited to what is current (active units, active users) still offers the value the
      record holds, so a record whose unit was closed or whose responsible person left keeps them
      (`keep_current_choice`).
    """

    @cached_property
    def changed_data(self):
        return [name for name in self.fields if self.field_changed(name)]

    def field_changed(self, name: str) -> bool:
        field, bound = self.fields[name], self[name]
        if field.disabled:
            return False
        if isinstance(field, forms.CharField):
            initial = bound.initial
            if isinstance(initial, str) and _is_one_line_box(field.widget):
                initial = _as_a_browser_sends(initial)
            try:
                initial, data = field.to_python(initial), field.to_python(bound.data)
            except forms.ValidationError:
                return True
            return _one_line_break(initial) != _one_line_break(data)
        return field.has_changed(bound.initial, bound.data)

    def clean(self):
        cleaned = super().clean()
        for name, field in self.fields.items():
            if isinstance(field, forms.CharField) and name in cleaned and name not in self.changed_data:
                stored = self.get_initial_for_field(field, name)
                if isinstance(stored, str):
                    cleaned[name] = stored
        return cleaned

    def save_record(self, *, user):
        """The form's record, saved with who did it in its history, only when it is new or
        something changed: a save with no change is no change (no history entry, no new
        updated_at). Set what the form does not hold on `self.instance` first."""
        new = self.instance.pk is None
        record = self.save(commit=False)
        if new or self.has_changed():
            save_with_history(record, user=user, reason="Entered" if new else "Edited")
            self.save_m2m()
        return record

    def keep_current_choice(self, name: str, choices: models.QuerySet) -> None:
        """Offer `choices`, and the record's own value(s) of the field even if not among them."""
        current = self.get_initial_for_field(self.fields[name], name)
        current = current if isinstance(current, list | tuple) else [current]
        ids = [getattr(item, "pk", item) for item in current if item not in (None, "")]
        self.fields[name].queryset = (choices | choices.model._default_manager.filter(pk__in=ids)) if ids else choices


def _one_line_break(text):
    return re.sub(r"\r\n?", "\n", text) if isinstance(text, str) else text


# <input> types whose value a browser sends without line breaks (the HTML value sanitization
# algorithm); a hidden input sends its value as it is.
ONE_LINE_INPUTS = {"text", "search", "tel", "password", "email", "url"}


def _is_one_line_box(widget) -> bool:
    return isinstance(widget, forms.widgets.Input) and widget.input_type in ONE_LINE_INPUTS


def _as_a_browser_sends(text: str) -> str:
    return text.replace("\r", "").replace("\n", "")


class RowFormMixin(EntryFormMixin):
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
