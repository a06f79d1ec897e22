"""Saving a record so that its audit history (django-simple-history) says who did it and why."""

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _


def save_with_history(obj, *, user: AbstractBaseUser | None, reason: str, **save_kwargs) -> None:
    """Save and record who did it and why. The markers are removed afterwards so that a later,
    unrelated save of the same instance is not attributed to this change."""
    obj._history_user = user
    obj._change_reason = reason
    try:
        obj.save(**save_kwargs)
    finally:
        del obj._history_user
        del obj._change_reason


def delete_with_history(obj, *, user: AbstractBaseUser | None, reason: str) -> None:
    """Delete, and record who did it and why in the deletion's history entry."""
    obj._history_user = user
    obj._change_reason = reason
    obj.delete()


def set_many_with_history(obj, field_name: str, values, *, user: AbstractBaseUser | None, reason: str) -> None:
    """Set a many-to-many field whose changes are in the record's history (an agreement's areas),
    so that the history row they write names who and why too, as save_with_history's does."""
    obj._history_user = user
    obj._change_reason = reason
    try:
        getattr(obj, field_name).set(values)
    finally:
        del obj._history_user
        del obj._change_reason


@dataclass
class FieldChange:
    field: str  # the field's verbose name
    old: str
    new: str


@dataclass
class HistoryEntry:
    when: datetime.datetime
    who: str
    kind: str  # "+" created, "~" changed, "-" deleted
    reason: str
    changes: list[FieldChange]


# Computed, not entered: a change of them is no one's edit.
HIDDEN_FIELDS = {"search_text", "name_keys", "updated_at", "created_at", "first_signed_on"}


def change_log(obj, limit: int = 25) -> list[HistoryEntry]:
    """The record's last changes, newest first: who, when, and each field's old and new value.
    One query (plus one for the entry before the oldest shown, to diff it)."""
    records = list(obj.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1])
    entries = []
    for index, record in enumerate(records[:limit]):
        previous = records[index + 1] if index + 1 < len(records) else None
        changes = []
        if previous is not None and record.history_type == "~":
            # Fields of the row only: diffing the many-to-many fields costs queries per entry.
            delta = record.diff_against(
                previous, included_fields=[name for name in _field_names(record) if name not in HIDDEN_FIELDS]
            )
            for change in delta.changes:
                field = obj._meta.get_field(change.field)
                changes.append(
                    FieldChange(
                        str(field.verbose_name),
                        _display(record, field, change.old),
                        _display(record, field, change.new),
                    )
                )
        user = record.history_user
        entries.append(
            HistoryEntry(
                when=record.history_date,
                who=(user.get_full_name() or user.get_username()) if user else "",
                kind=record.history_type,
                reason=record.history_change_reason or "",
                changes=changes,
            )
        )
    return entries


def _field_names(record) -> list[str]:
    """The record's fields that its history keeps (some, like created_by, are left out of it)."""
    kept = {field.name for field in record._meta.fields}
    # (Not the fields nobody edits, such as created_by: the diff cannot read them.)
    return [field.name for field in record.instance_type._meta.fields if field.name in kept and field.editable]


def _display(record, field, value) -> str:
    if value in (None, ""):
        return "—"
    if field.many_to_many:
        # simple_history keeps the through rows: {"visit": 1, "institution": 3, ...}.
        target = field.m2m_reverse_field_name()
        ids = [row.get(target) for row in value if isinstance(row, dict)]
        return ", ".join(str(item) for item in field.related_model._default_manager.filter(pk__in=ids)) or "—"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field.is_relation:
        # A foreign key's history keeps the id only; the name is looked up for display.
        related = field.related_model._default_manager.filter(pk=value).first()
        return str(related) if related else f"#{value}"
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, datetime.date):
        return date_format(value)
    text = str(value)
    return text if len(text) <= 200 else text[:199] + "…"
