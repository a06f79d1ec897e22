"""What every kind of import shares: its columns, the verdict on each row, checking a record the
way the database would, and writing while remembering what was there before (for the undo).

A kind (institutions.py, contacts.py, agreements.py, participants.py) says which columns it
reads and, in check(), decides for every row whether it is new, an update of a record (naming
it), a duplicate (naming it) or an error, and leaves a `write` callable on each row it will
write. Nothing is written while checking: the writes run only when no row has an error."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from cooperation import activity
from cooperation.importing.readers import header_names, parse_text
from cooperation.lib.history import save_with_history, set_many_with_history

NEW, UPDATE, DUPLICATE, ERROR = "new", "update", "duplicate", "error"
# What the user may choose for a row that matched an existing record (Row.choices).
SKIP = "skip"


@dataclass
class Column:
    key: str
    label: Any  # a lazy translation: the header is written in the user's language
    parse: Callable = parse_text
    required: bool = False
    example: Any = ""  # the second row of the downloadable template

    def header(self) -> str:
        return f"{self.label} *" if self.required else str(self.label)


@dataclass
class Row:
    """One row of the file: what was read, and the verdict."""

    number: int
    values: dict = field(default_factory=dict)  # parsed, by column key
    status: str = NEW
    label: str = ""  # what the row is, for the preview ("Gazi University")
    message: str = ""  # the match it names, or what it will change
    errors: list[tuple[str, str]] = field(default_factory=list)  # (column, message)
    write: Callable | None = None  # write(recorder): runs at confirmation
    # A row that matched an existing record: how ("through its variant 'Hacetteppe University'"),
    # what it would change ([field, old, new] for each field), whether a change needs the user's
    # confirmation, and what the user may do instead (UPDATE, NEW, SKIP) and has chosen.
    match: str = ""
    changes: list[list[str]] = field(default_factory=list)
    needs_confirmation: bool = False
    choices: list[str] = field(default_factory=list)
    decision: str = ""

    def error(self, column, message) -> None:
        self.errors.append((str(column) if column else "", str(message)))
        self.status = ERROR

    def describe_errors(self) -> list[str]:
        """ "row 14, Country: 'Turkye' is not a country; did you mean Türkiye (TR)?\""""
        return [
            _("row %(row)s, %(column)s: %(message)s") % {"row": self.number, "column": column, "message": message}
            if column
            else _("row %(row)s: %(message)s") % {"row": self.number, "message": message}
            for column, message in self.errors
        ]

    def as_json(self) -> dict:
        return {
            "number": self.number,
            "status": self.status,
            "label": self.label,
            "message": self.message,
            "errors": self.describe_errors(),
            "match": self.match,
            "changes": self.changes,
            "needs_confirmation": self.needs_confirmation,
            "choices": self.choices,
            "decision": self.decision,
        }


class ImportKind:
    """Subclasses set key, model, title and columns and implement check()."""

    key = ""
    model: type[models.Model]
    title = ""
    # The template workbook's sheet: a name made to fit Excel's 31 characters in every language.
    sheet_name = ""
    columns: list[Column] = []
    # The model field each column fills when its name differs from the column's key.
    field_columns: dict[str, str] = {}
    # Fields whose values come from a parser that already checked them (choices, countries).
    parsed_fields: tuple[str, ...] = ()

    def __init__(self, *, user, options: dict | None = None):
        self.user = user
        self.options = options or {}
        self.decisions = RowDecisions()

    def set_decisions(self, decisions: "RowDecisions") -> None:
        """What the user chose on the preview, for the check at confirmation."""
        self.decisions = decisions

    def check(self, rows: list[Row]) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def write(self, rows: list[Row], recorder: "Recorder") -> None:
        """Write the checked rows (none has an error), in the order of the file."""
        for row in rows:
            if row.write is not None:
                row.write(recorder)

    def column(self, key: str) -> Column:
        return next(column for column in self.columns if column.key == key)

    def label_of_field(self, field_name: str) -> str:
        key = self.field_columns.get(field_name, field_name)
        for column in self.columns:
            if column.key == key:
                return str(column.label)
        return ""

    def validate(self, row: Row, obj: models.Model, exclude: tuple[str, ...] = ()) -> None:
        """Check a record as its model and the database would (field rules, clean(), check
        constraints), and put each problem on the row under the column it came from. Unique
        constraints are the kind's business: it matches on the unique values instead."""
        exclude = list(exclude)
        try:
            # The parsers have already checked the choices and countries (and Django's own
            # check of a country, against 249 choices, is the slowest part of a large import).
            obj.clean_fields(exclude=[*exclude, *self.parsed_fields])
            obj.clean()
        except ValidationError as error:
            self._add_errors(row, error)
            return
        for constraint in obj._meta.constraints:
            if isinstance(constraint, models.CheckConstraint) and self._applies(constraint, obj):
                try:
                    constraint.validate(type(obj), obj, exclude=exclude)
                except ValidationError as error:
                    self._add_errors(row, error)

    def validate_changed(self, row: Row, obj: models.Model, changes: dict, exclude: tuple[str, ...] = ()) -> None:
        """Check a record as it would be after the update, then put it back as it is (the write
        happens only on confirm, through the recorder)."""
        current = {name: getattr(obj, name) for name in changes}
        for name, value in changes.items():
            setattr(obj, name, value)
        try:
            self.validate(row, obj, exclude=exclude)
        finally:
            for name, value in current.items():
                setattr(obj, name, value)

    @staticmethod
    def _applies(constraint, obj) -> bool:
        """A check on fields that are all empty here (no parent, no coordinates) cannot fail for
        a row that sets none of them; the others cost a query each, so they are left out."""
        names = constraint.condition.referenced_base_fields
        return any(getattr(obj, obj._meta.get_field(name).attname, None) not in (None, "") for name in names)

    def _add_errors(self, row: Row, error: ValidationError) -> None:
        if not hasattr(error, "error_dict"):
            for message in error.messages:
                row.error("", message)
            return
        for field_name, errors in error.message_dict.items():
            column = "" if field_name == NON_FIELD_ERRORS else self.label_of_field(field_name) or field_name
            for message in errors:
                row.error(column, message)


@dataclass
class RowDecisions:
    """The user's answers on the preview, by row number: UPDATE, NEW or SKIP for a row that
    matched an existing record, and the rows whose changes of an official name, status or
    country they confirmed. `confirming`: the check before writing, where a change nobody
    confirmed is not applied (in the preview it is only marked)."""

    chosen: dict[int, str] = field(default_factory=dict)
    confirmed: set[int] = field(default_factory=set)
    confirming: bool = False

    @classmethod
    def from_form(cls, data) -> "RowDecisions":
        """From the preview's controls: row-<number> (a choice) and confirm-<number> (a box)."""
        chosen, confirmed = {}, set()
        for name, value in data.items():
            kind, _dash, number = name.partition("-")
            if not (number.isascii() and number.isdigit()) or len(number) > 9:
                continue
            if kind == "row":
                chosen[int(number)] = str(value)
            elif kind == "confirm":
                confirmed.add(int(number))
        return cls(chosen=chosen, confirmed=confirmed, confirming=True)


def display_value(obj: models.Model, field_name: str, value) -> str:
    """A field's value as the preview shows it: a choice by its label, a country by its name."""
    if value in (None, ""):
        return ""
    model_field = obj._meta.get_field(field_name)
    if model_field.choices:
        code = getattr(value, "code", value)
        return str(dict(model_field.flatchoices).get(code, code))
    return str(value)


def map_headers(kind: ImportKind, headers: list[str]) -> tuple[dict[int, Column], list[str]]:
    """Which column of the file is which of ours, recognised in English, Russian or Kazakh
    (with or without the asterisk of a required column) or by its key; and the problems: an
    unknown header, a column given twice, a required column missing."""
    from cooperation.lib.text import fold

    known = {}
    for column in kind.columns:
        for name in header_names(column.label) | {fold(column.key)}:
            known[name] = column
    mapping: dict[int, Column] = {}
    problems = []
    for index, header in enumerate(headers):
        if not header:
            continue
        column = known.get(fold(header))  # fold() drops the asterisk of a required column
        if column is None:
            problems.append(
                _("The column '%(header)s' is not one of this import's columns: %(columns)s.")
                % {"header": header, "columns": ", ".join(str(c.label) for c in kind.columns)}
            )
        elif column in mapping.values():
            problems.append(_("The column '%(header)s' is given twice.") % {"header": header})
        else:
            mapping[index] = column
    for column in kind.columns:
        if column.required and column not in mapping.values():
            problems.append(_("The required column '%(column)s' is missing.") % {"column": column.label})
    return mapping, problems


def serialize(obj: models.Model, field_name: str):
    """A field's value as JSON can hold it, to be given back by restore()."""
    model_field = obj._meta.get_field(field_name)
    if model_field.many_to_many:
        return sorted(getattr(obj, field_name).values_list("pk", flat=True))
    value = getattr(obj, model_field.attname)
    return None if value is None else model_field.value_to_string(obj)


def restore(obj: models.Model, before: dict) -> list[str]:
    """Put the serialized values back on the record; the many-to-many names are returned (they
    are set after the record is saved)."""
    many = []
    for field_name, value in before.items():
        model_field = obj._meta.get_field(field_name)
        if model_field.many_to_many:
            many.append(field_name)
            continue
        setattr(obj, model_field.attname, None if value is None else model_field.to_python(value))
    return many


class Recorder:
    """Writes the records of a confirmed import with its history, and remembers what it created
    and what each updated record held before."""

    def __init__(self, *, user, reason: str):
        self.user = user
        self.reason = reason
        self.created: list[list] = []
        self.updated: list[dict] = []

    def create(self, obj: models.Model) -> models.Model:
        if hasattr(obj, "history"):
            save_with_history(obj, user=self.user, reason=self.reason)
        else:
            obj.save()
        self.created.append([obj._meta.label_lower, obj.pk])
        return obj

    def create_many(self, objs: list[models.Model]) -> list[models.Model]:
        """Insert many records of one model with their history in a few queries: what makes
        a 500-row import take seconds rather than tens of seconds. Their save() is not called:
        the caller does what it would have done."""
        if not objs:
            return objs
        objs = bulk_create_with_history(
            objs, type(objs[0]), batch_size=500, default_user=self.user, default_change_reason=self.reason
        )
        self.created += [[obj._meta.label_lower, obj.pk] for obj in objs]
        # What their saves would have computed (the dashboard's kept figures and counts).
        activity.written_without_signals(type(objs[0]), [obj.pk for obj in objs])
        return objs

    def update(self, obj: models.Model, changes: dict) -> models.Model:
        """Set the changed fields ({field name: new value}; many-to-many ones get their new list
        of objects) and save, keeping the old values."""
        before = {name: serialize(obj, name) for name in changes}
        many = {}
        for name, value in changes.items():
            if obj._meta.get_field(name).many_to_many:
                many[name] = value
            else:
                setattr(obj, name, value)
        save_with_history(obj, user=self.user, reason=self.reason)
        for name, value in many.items():
            set_many_with_history(obj, name, value, user=self.user, reason=self.reason)
        self.updated.append({"model": obj._meta.label_lower, "pk": obj.pk, "before": before})
        return obj


def changed_fields(obj: models.Model, values: dict) -> dict:
    """The values that differ from the record's (a blank cell changes nothing)."""
    changes = {}
    for name, value in values.items():
        if value in (None, ""):
            continue
        current = getattr(obj, name)
        if current != value:
            changes[name] = value
    return changes


def describe_changes(kind: ImportKind, changes: dict) -> str:
    return _("changes: %(fields)s") % {"fields": ", ".join(kind.label_of_field(name) or name for name in changes)}
