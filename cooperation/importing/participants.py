"""Importing mobility participants into one program (chosen on the upload page, or --program).

A row is a participant of that program on record when it has the same e-mail address or the
same name (case and accents aside): updated where it changes something, a duplicate otherwise.
The direction and our unit default to the program's; the partner institution is named by any
of its names or an identifier."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import pgettext_lazy

from agreements.models import Direction, Quota
from cooperation.importing.agreements import UnitReference
from cooperation.importing.base import (
    DUPLICATE,
    ERROR,
    NEW,
    UPDATE,
    Column,
    ImportKind,
    Row,
    changed_fields,
    describe_changes,
)
from cooperation.importing.institutions import InstitutionReference
from cooperation.importing.readers import CellError, ImportFileError, parse_choice, parse_date, parse_decimal
from cooperation.lib.text import fold
from mobility.models import Participant, Program

FIELDS = (
    "kind",
    "direction",
    "email",
    "unit_id",
    "partner_institution_id",
    "field_of_study",
    "isced_code",
    "level",
    "quota_category",
    "starts_on",
    "ends_on",
    "status",
    "grant_amount",
    "grant_currency",
    "documents_due_on",
    "notes",
)


def _choice(choices):
    return lambda value: parse_choice(value, choices)


def _currency(value):
    text = str(value or "").strip().upper()
    if text and (len(text) != 3 or not text.isalpha()):
        raise CellError(_("'%(value)s' is not a currency code (KZT, EUR, USD, CNY).") % {"value": value})
    return text


class ParticipantImport(ImportKind):
    key = "participants"
    model = Participant
    title = _lazy("Mobility participants")
    sheet_name = pgettext_lazy("sheet", "Participants")
    parsed_fields = ("kind", "direction", "level", "quota_category", "status")
    field_columns = {
        "unit": "unit",
        "unit_id": "unit",
        "partner_institution": "partner_institution",
        "partner_institution_id": "partner_institution",
    }
    columns = [
        Column("full_name", _lazy("Full name"), required=True, example="Aigerim Nurlanovna Seitkali"),
        Column("partner_institution", _lazy("Partner institution"), required=True, example="Hacettepe University"),
        Column("direction", _lazy("Direction"), _choice(Direction.choices), example=Direction.OUTGOING.label),
        Column("kind", _lazy("Student or staff"), _choice(Participant.Kind.choices), example=_lazy("Student")),
        Column("email", _lazy("E-mail"), example="a.seitkali@university.example"),
        Column("unit", _lazy("Our unit"), example="Faculty of Engineering"),
        Column("field_of_study", _lazy("Field of study"), example="Computer science"),
        Column("isced_code", _lazy("ISCED-F code"), example="0613"),
        Column("level", _lazy("Level"), _choice(Participant.Level.choices), example=_lazy("Bachelor")),
        Column(
            "quota_category",
            _lazy("Quota category"),
            _choice(Quota.Category.choices),
            example=Quota.Category.STUDENT_STUDIES.label,
        ),
        Column("starts_on", _lazy("Starts on"), parse_date, example="01.09.2025"),
        Column("ends_on", _lazy("Ends on"), parse_date, example="31.01.2026"),
        Column("status", _lazy("Status"), _choice(Participant.Status.choices), example=_lazy("Nominated")),
        Column("grant_amount", _lazy("Grant amount"), parse_decimal, example="2500"),
        Column("grant_currency", _lazy("Currency"), _currency, example="EUR"),
        Column("documents_due_on", _lazy("Documents due on"), parse_date, example=""),
        Column("notes", _lazy("Notes"), example=""),
    ]

    def program(self) -> Program:
        program = Program.objects.filter(pk=self.options.get("program")).select_related("unit").first()
        if program is None:
            raise ImportFileError(_("Choose the program the participants go into."))
        return program

    def check(self, rows: list[Row]) -> None:
        program = self.program()
        partners, units = InstitutionReference(), UnitReference()
        for row in rows:
            if row.status != ERROR:
                self._resolve(row, program, partners, units)
        people: dict[tuple, Participant] = {}
        for person in Participant.objects.filter(program=program):
            people.setdefault(("name", fold(person.full_name)), person)
            if person.email:
                people.setdefault(("email", person.email.lower()), person)
        seen: dict[object, Row] = {}
        for row in rows:
            if row.status == ERROR:
                continue
            values = row.values
            keys = [("name", fold(values["full_name"]))]
            if values.get("email"):
                keys.insert(0, ("email", values["email"].lower()))
            person = next((people[key] for key in keys if key in people), None)
            if person is not None:
                keys.append(person.pk)
            first = next((seen[key] for key in keys if key in seen), None)
            if first is not None:
                row.status = DUPLICATE
                row.message = _("the same person as row %(row)s") % {"row": first.number}
                continue
            for key in keys:
                seen[key] = row
            wanted = {name: values.get(name) for name in FIELDS}
            if person is None:
                person = Participant(
                    program=program,
                    full_name=values["full_name"],
                    **{name: value for name, value in wanted.items() if value not in (None, "")},
                )
                self.validate(row, person, exclude=("program",))
                if row.status != ERROR:
                    row.status = NEW
                    row.write = lambda recorder, person=person: recorder.create(person)
                continue
            changes = changed_fields(person, wanted)
            if not changes:
                row.status = DUPLICATE
                row.message = _("already in the program, nothing to change")
                continue
            row.status = UPDATE
            row.message = describe_changes(self, changes)
            self.validate_changed(row, person, changes, exclude=("program",))
            row.write = lambda recorder, person=person, changes=changes: recorder.update(person, changes)

    def _resolve(self, row: Row, program: Program, partners, units) -> None:
        values = row.values
        row.label = values["full_name"]
        try:
            values["partner_institution_id"] = partners.find(values["partner_institution"])
        except CellError as error:
            row.error(self.column("partner_institution").label, error)
        if values.get("unit"):
            try:
                values["unit_id"] = units.find(values["unit"])
            except CellError as error:
                row.error(self.column("unit").label, error)
        else:
            values["unit_id"] = program.unit_id
        if not values.get("direction"):
            if program.direction == Program.ProgramDirection.BOTH:
                row.error(self.column("direction").label, _("the program goes both ways: say outgoing or incoming."))
            else:
                values["direction"] = program.direction
