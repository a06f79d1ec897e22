"""Importing contacts: people at partner institutions named by any of their names or an
identifier. A row is the same person as a contact on record at that institution with the same
e-mail address or the same name (case and accents aside): updated where it adds or changes
something, a duplicate otherwise."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import pgettext_lazy

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
from cooperation.importing.readers import CellError
from cooperation.lib.text import fold
from partners.models import Contact

FIELDS = ("native_name", "honorific", "position", "email", "phone", "languages", "notes")


class ContactImport(ImportKind):
    key = "contacts"
    model = Contact
    title = _lazy("Contacts")
    sheet_name = pgettext_lazy("sheet", "Contacts")
    columns = [
        Column("institution", _lazy("Institution"), required=True, example="Hacettepe University"),
        Column("full_name", _lazy("Full name"), required=True, example="Ayşe Yılmaz"),
        Column("native_name", _lazy("Name in native script"), example=""),
        Column("honorific", _lazy("Title"), example="Prof. Dr."),
        Column("position", _lazy("Position"), example="Head of the International Office"),
        Column("email", _lazy("E-mail"), example="international@hacettepe.edu.tr"),
        Column("phone", _lazy("Phone"), example="+90 312 305 1008"),
        Column("languages", _lazy("Languages"), example="tr, en"),
        Column("notes", _lazy("Notes"), example=""),
    ]

    def check(self, rows: list[Row]) -> None:
        partners = InstitutionReference()
        for row in rows:
            if row.status == ERROR:
                continue
            try:
                row.values["_institution"] = partners.find(row.values["institution"])
            except CellError as error:
                row.error(self.column("institution").label, error)
        institution_ids = {row.values["_institution"] for row in rows if row.status != ERROR}
        people: dict[tuple, Contact] = {}
        for contact in Contact.objects.filter(institution__in=institution_ids):
            people.setdefault((contact.institution_id, "name", fold(contact.full_name)), contact)
            if contact.email:
                people.setdefault((contact.institution_id, "email", contact.email.lower()), contact)
        seen: dict[object, Row] = {}  # a contact on record or a new row -> the first row for it
        for row in rows:
            if row.status == ERROR:
                continue
            values = row.values
            institution_id = values["_institution"]
            row.label = f"{values['full_name']} ({partners.name(institution_id)})"
            keys = [(institution_id, "name", fold(values["full_name"]))]
            if values.get("email"):
                keys.insert(0, (institution_id, "email", values["email"].lower()))
            contact = next((people[key] for key in keys if key in people), None)
            first = seen.get(contact.pk if contact else None) or next((seen[k] for k in keys if k in seen), None)
            if first is not None:
                row.status = DUPLICATE
                row.message = _("the same person as row %(row)s") % {"row": first.number}
                continue
            if contact is None:
                contact = Contact(
                    institution_id=institution_id,
                    full_name=values["full_name"],
                    **{name: values[name] for name in FIELDS if values.get(name)},
                )
                self.validate(row, contact, exclude=("institution",))
                if row.status != ERROR:
                    row.status = NEW
                    row.write = lambda recorder, contact=contact: recorder.create(contact)
                for key in keys:
                    seen[key] = row
                continue
            seen[contact.pk] = row
            changes = changed_fields(contact, {name: values.get(name) for name in FIELDS})
            if not changes:
                row.status = DUPLICATE
                row.message = _("already recorded, nothing to change")
                continue
            row.status = UPDATE
            row.message = describe_changes(self, changes)
            self.validate_changed(row, contact, changes)
            row.write = lambda recorder, contact=contact, changes=changes: recorder.update(contact, changes)
