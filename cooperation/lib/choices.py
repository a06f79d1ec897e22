"""A model field's choice labels, looked up in a table made once per field and language:
Django's get_FOO_display() rebuilds and hashes every choice on each call, and a list page or an
export asks thousands of times."""

import inspect
from functools import partialmethod

from django.db import models
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.translation import get_language


def choice_label(record: models.Model, field_name: str):
    """record.get_<field_name>_display(), from a table of labels made once per field and
    language instead of on every call (Django rebuilds and hashes every choice each time)."""
    field = record._meta.get_field(field_name)
    return display_label(field, getattr(record, field.attname))


_LABELS: dict[tuple, dict] = {}


def _labels(field: models.Field) -> dict:
    """The field's labels by (hashable) value in the current language, made once."""
    key = (field.model, field.name, get_language())
    labels = _LABELS.get(key)
    if labels is None:
        labels = _LABELS[key] = dict(make_hashable(field.flatchoices))
    return labels


def display_label(field: models.Field, value):
    # Exactly Model._get_FIELD_display().
    return force_str(_labels(field).get(make_hashable(value), value), strings_only=True)


def choice_labels(field: models.Field) -> dict:
    """The field's labels by value in the current language, as plain strings: what
    display_label() gives for each hashable value (a value not among them is shown as it is)."""
    return {value: force_str(label, strings_only=True) for value, label in _labels(field).items()}


def has_default_display(model: type, field_name: str) -> bool:
    """Whether get_<field>_display is Django's own (not a method the model defines)."""
    method = inspect.getattr_static(model, f"get_{field_name}_display", None)
    return isinstance(method, partialmethod) and method.func is models.Model._get_FIELD_display
