"""A record's choice label, as get_FOO_display() gives it, from the field's labels read once per
language: Django's own builds and hashes every label of the field on each call (each a gettext),
and a partner's page asks for a hundred of them."""

from functools import lru_cache

from django.db import models
from django.utils.encoding import force_str
from django.utils.translation import get_language


@lru_cache(maxsize=256)
def _labels(field: models.Field, language: str | None) -> dict:
    return {value: force_str(label, strings_only=True) for value, label in field.flatchoices}


def choice_label(record: models.Model, field_name: str):
    """record.get_<field_name>_display(): the label of the record's value in the current language,
    or the value itself when it is not among the choices."""
    field = record._meta.get_field(field_name)
    value = getattr(record, field.attname)
    return _labels(field, get_language()).get(value, value)
