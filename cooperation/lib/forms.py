"""Form pieces shared by the apps' entry pages."""

import re
from dataclasses import dataclass

from django import forms
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

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


# In the blank row a formset keeps for "add a row", where the row's number goes (formset.js
# writes it in, as it writes the row's index for Django's __prefix__).
ROW_NUMBER_PLACEHOLDER = "__row__"


class RowFormMixin(EntryFormMixin):
    """A form shown as one table row: Bootstrap classes on each input, and its label with the
    row's number as the input's accessible name (the column header is not a <label>, and a
    screen reader must tell "Position, row 2" from "Position, row 3")."""

    @property
    def row_number(self) -> str:
        """The row's number as people count (1 for Django's index 0), from the form's prefix."""
        index = (self.prefix or "").rpartition("-")[2]
        if index.isdigit():
            return str(int(index) + 1)
        return ROW_NUMBER_PLACEHOLDER if index == "__prefix__" else ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        row = self.row_number
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select form-select-sm"
            else:
                css = "form-control form-control-sm"
            widget.attrs.setdefault("class", css)
            label = str(field.label)
            name = _("%(field)s, row %(row)s") % {"field": label, "row": row} if row else label
            if isinstance(widget, forms.RadioSelect):  # radios and checkboxes: one name each
                widget.create_option = _options_named(widget.create_option, name)
            else:
                widget.attrs.setdefault("aria-label", name)


def _options_named(create_option, field_name: str):
    """A choice widget's create_option() whose every radio or checkbox is named by its own label
    and the field's ("Level 6 — EQF levels, row 2"): one name for the whole group would name
    eight boxes alike."""

    def named(name, value, label, selected, index, subindex=None, attrs=None):
        option = create_option(name, value, label, selected, index, subindex=subindex, attrs=attrs)
        option["attrs"] = {**option["attrs"], "aria-label": f"{label} — {field_name}"}
        return option

    return named


@dataclass(frozen=True)
class FormError:
    """One line of the error summary at the top of an entry page: what is wrong, and the id of
    the control it concerns (its link)."""

    label: str
    message: str
    target: str


def formset_errors_id(formset) -> str:
    return f"{formset.prefix}-errors"


def row_errors_id(form) -> str:
    return f"{form.prefix}-row-errors"


def field_error_id(bound_field) -> str:
    return f"{bound_field.auto_id}_error"


def error_summary(forms_and_formsets) -> list[FormError]:
    """Every error of an entry page's forms and formsets, in page order, each with the control
    it concerns; and each control of a table row that has an error described by it
    (aria-describedby), as crispy-forms already does for the record's own fields. An error of
    a whole row, or of the whole formset ("add at least one partner"), is tied to the row's or
    the table's first control. Call before the page is rendered."""
    summary = []
    for item in forms_and_formsets:
        if isinstance(item, forms.BaseFormSet):
            first_form = item.forms[0] if item.forms else None
            for message in item.non_form_errors():
                target = _first_control(first_form)
                if target is not None:
                    _describe_by(target, formset_errors_id(item))
                    summary.append(FormError(_label(target), message, target.auto_id))
            for form in item.forms:
                summary += _form_errors(form, row_errors=isinstance(form, RowFormMixin))
        elif isinstance(item, forms.BaseForm):
            summary += _form_errors(item, row_errors=False)
    return summary


def _form_errors(form, *, row_errors: bool) -> list[FormError]:
    if not form.is_bound or not form.errors:
        return []
    found = []
    first = _first_control(form)
    for message in form.non_field_errors():
        if first is not None:
            if row_errors:
                _describe_by(first, row_errors_id(form))
            found.append(FormError(_label(first), message, first.auto_id))
    for bound_field in form.visible_fields():
        for message in bound_field.errors:
            if row_errors:
                _describe_by(bound_field, field_error_id(bound_field))
            found.append(FormError(_label(bound_field), message, bound_field.auto_id))
    return found


def _first_control(form):
    if form is None:
        return None
    return next((field for field in form.visible_fields() if field.name != "DELETE"), None)


def _label(bound_field) -> str:
    return str(bound_field.field.widget.attrs.get("aria-label") or bound_field.label)


def _describe_by(bound_field, element_id: str) -> None:
    attrs = bound_field.field.widget.attrs
    described = attrs.get("aria-describedby", "").split()
    if element_id not in described:
        attrs["aria-describedby"] = " ".join([*described, element_id])
    attrs["aria-invalid"] = "true"
