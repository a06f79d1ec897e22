"""Importing agreements with their parties: partners by any of their names or an identifier
(several separated by ";"), our units by name in any language, areas of cooperation by code or
name.

A row is an agreement on record when it has the same registration number, or the same title
with the same partners: updated with the row's non-blank values (and any partner or area it
adds), a duplicate when nothing would change. Parties are only added, never removed: an import
completes the register, the agreement's page edits it."""

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import pgettext_lazy

from agreements.models import Agreement, AgreementParty, AreaOfCooperation
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
from cooperation.importing.readers import (
    CellError,
    parse_bool,
    parse_choice,
    parse_date,
    parse_int,
    split_list,
)
from cooperation.lib.text import fold
from partners.models import Unit

FIELDS = (
    "kind",
    "status",
    "registration_number",
    "responsible_unit_id",
    "signed_on",
    "valid_from",
    "expires_on",
    "auto_renews",
    "renewal_term_months",
    "renewal_notice_days",
    "purpose",
    "notes",
)


def _kind(value):
    return parse_choice(value, Agreement.Kind.choices)


def _status(value):
    return parse_choice(value, Agreement.Status.choices)


class UnitReference:
    """One of our units by its name in any of our languages or its short name."""

    def __init__(self):
        self.units: dict[str, int] = {}
        language_fields = [f"name_{code}" for code, _name in settings.LANGUAGES]
        for unit_id, short_name, *names in Unit.objects.values_list("id", "short_name", *language_fields):
            for name in (short_name, *names):
                if name:
                    self.units.setdefault(fold(name), unit_id)

    def find(self, text: str) -> int:
        unit_id = self.units.get(fold(str(text)))
        if unit_id is None:
            raise CellError(_("'%(name)s' is not one of our units.") % {"name": text})
        return unit_id


class AreaReference:
    def __init__(self):
        self.areas: dict[str, int] = {}
        language_fields = [f"name_{code}" for code, _name in settings.LANGUAGES]
        for area_id, code, *names in AreaOfCooperation.objects.values_list("id", "code", *language_fields):
            for name in (code, *names):
                if name:
                    self.areas.setdefault(fold(name), area_id)

    def find(self, text: str) -> int:
        area_id = self.areas.get(fold(str(text)))
        if area_id is None:
            raise CellError(_("'%(name)s' is not an area of cooperation on the list.") % {"name": text})
        return area_id


class AgreementImport(ImportKind):
    key = "agreements"
    model = Agreement
    title = _lazy("Agreements")
    sheet_name = pgettext_lazy("sheet", "Agreements")
    parsed_fields = ("kind", "status")
    field_columns = {"responsible_unit": "responsible_unit", "responsible_unit_id": "responsible_unit"}
    columns = [
        Column("title", _lazy("Title"), required=True, example="Memorandum of understanding with Hacettepe University"),
        Column("kind", _lazy("Kind"), _kind, required=True, example=Agreement.Kind.MOU.label),
        Column("status", _lazy("Status"), _status, example=Agreement.Status.SIGNED.label),
        Column("registration_number", _lazy("Registration number"), example="MOU-2025-014"),
        Column("responsible_unit", _lazy("Responsible unit"), required=True, example="Faculty of Engineering"),
        Column(
            "partners", _lazy("Partners (separated by ;)"), split_list, required=True, example="Hacettepe University"
        ),
        Column("our_parties", _lazy("Our signing units (separated by ;)"), split_list, example=""),
        Column("signed_on", _lazy("Signed on"), parse_date, example="01.09.2025"),
        Column("valid_from", _lazy("In force from"), parse_date, example="01.09.2025"),
        Column("expires_on", _lazy("Expires on"), parse_date, example="31.08.2030"),
        Column("auto_renews", _lazy("Renews automatically"), parse_bool, example=_lazy("no")),
        Column("renewal_term_months", _lazy("Renewal term (months)"), parse_int, example=""),
        Column("renewal_notice_days", _lazy("Notice period (days)"), parse_int, example=""),
        Column("areas", _lazy("Areas of cooperation (separated by ;)"), split_list, example=""),
        Column("purpose", _lazy("Purpose"), example=""),
        Column("notes", _lazy("Notes"), example=""),
    ]

    def check(self, rows: list[Row]) -> None:
        partners, units, areas = InstitutionReference(), UnitReference(), AreaReference()
        for row in rows:
            if row.status != ERROR:
                self._resolve(row, partners, units, areas)
        live = [row for row in rows if row.status != ERROR]
        numbers = {row.values["registration_number"] for row in live if row.values.get("registration_number")}
        titles = {fold(row.values["title"]) for row in live}
        on_record = list(
            Agreement.objects.filter(registration_number__in=numbers)
            | Agreement.objects.filter(title__in={row.values["title"] for row in live})
        )
        # Titles differing only in case or accents are found too, by the folded title.
        on_record += [
            agreement
            for agreement in Agreement.objects.exclude(pk__in=[a.pk for a in on_record]).only("id", "title")
            if fold(agreement.title) in titles
        ]
        agreements = Agreement.objects.prefetch_related("parties", "areas").in_bulk([a.pk for a in on_record])
        by_number = {a.registration_number: a for a in agreements.values() if a.registration_number}
        by_title: dict[tuple, Agreement] = {}
        for agreement in agreements.values():
            partner_ids = frozenset(p.institution_id for p in agreement.parties.all() if p.institution_id)
            by_title.setdefault((fold(agreement.title), partner_ids), agreement)
        seen: dict[object, Row] = {}
        for row in live:
            values = row.values
            title_key = (fold(values["title"]), frozenset(values["_partners"]))
            number = values.get("registration_number")
            agreement = by_number.get(number) if number else None
            agreement = agreement or by_title.get(title_key)
            keys = [title_key, *([("number", number)] if number else [])]
            if agreement is not None:
                keys.append(agreement.pk)
            first = next((seen[key] for key in keys if key in seen), None)
            if first is not None:
                row.status = DUPLICATE
                row.message = _("the same agreement as row %(row)s") % {"row": first.number}
                continue
            for key in keys:
                seen[key] = row
            if agreement is None:
                self._plan_new(row)
            else:
                self._plan_update(row, agreement)

    def _resolve(self, row: Row, partners, units, areas) -> None:
        values = row.values
        row.label = values["title"]
        values["_partners"] = []
        for name in values.get("partners") or []:
            try:
                institution_id = partners.find(name)
            except CellError as error:
                row.error(self.column("partners").label, error)
                continue
            if institution_id not in values["_partners"]:
                values["_partners"].append(institution_id)
        for key, reference in (("our_parties", units), ("areas", areas)):
            values[f"_{key}"] = []
            for name in values.get(key) or []:
                try:
                    found = reference.find(name)
                except CellError as error:
                    row.error(self.column(key).label, error)
                    continue
                if found not in values[f"_{key}"]:
                    values[f"_{key}"].append(found)
        try:
            values["responsible_unit_id"] = units.find(values["responsible_unit"])
        except CellError as error:
            row.error(self.column("responsible_unit").label, error)

    def _scalar_values(self, values) -> dict:
        return {name: values.get(name) for name in FIELDS}

    def _plan_new(self, row: Row) -> None:
        values = row.values
        status = values.get("status")
        if status is None:
            # A register of agreements lists signed ones; without a date it is still a draft.
            status = Agreement.Status.SIGNED if values.get("signed_on") else Agreement.Status.DRAFT
        agreement = Agreement(
            title=values["title"],
            status=status,
            created_by=self.user,
            **{
                name: value
                for name, value in self._scalar_values(values).items()
                if value not in (None, "") and name != "status"
            },
        )
        self.validate(row, agreement, exclude=("renews", "responsible_person"))
        if row.status == ERROR:
            return
        row.status = NEW
        partner_ids, unit_ids, area_ids = values["_partners"], values["_our_parties"], values["_areas"]

        def write(recorder, agreement=agreement):
            recorder.create(agreement)
            order = 0
            for unit_id in unit_ids:
                recorder.create(AgreementParty(agreement=agreement, unit_id=unit_id, order=order))
                order += 1
            for institution_id in partner_ids:
                recorder.create(AgreementParty(agreement=agreement, institution_id=institution_id, order=order))
                order += 1
            if area_ids:
                agreement.areas.set(area_ids)

        row.write = write

    def _plan_update(self, row: Row, agreement: Agreement) -> None:
        values = row.values
        scalars = self._scalar_values(values)
        changes = changed_fields(agreement, {"title": values["title"], **scalars})
        parties = list(agreement.parties.all())
        have_institutions = {p.institution_id for p in parties if p.institution_id}
        have_units = {p.unit_id for p in parties if p.unit_id}
        new_partners = [pk for pk in values["_partners"] if pk not in have_institutions]
        new_units = [pk for pk in values["_our_parties"] if pk not in have_units]
        have_areas = {area.pk for area in agreement.areas.all()}
        new_areas = [pk for pk in values["_areas"] if pk not in have_areas]
        if new_areas:
            changes["areas"] = sorted(have_areas | set(new_areas))
        if not changes and not new_partners and not new_units:
            row.status = DUPLICATE
            row.message = _("already recorded as '%(title)s', nothing to change") % {"title": agreement.title}
            return
        row.status = UPDATE
        parts = [describe_changes(self, changes)] if changes else []
        if new_partners or new_units:
            parts.append(_("adds %(count)s parties") % {"count": len(new_partners) + len(new_units)})
        row.message = _("updates '%(title)s': %(what)s") % {"title": agreement.title, "what": "; ".join(parts)}
        scalar_changes = {name: value for name, value in changes.items() if name != "areas"}
        self.validate_changed(row, agreement, scalar_changes, exclude=("renews", "responsible_person"))
        start = len(parties)

        def write(recorder, agreement=agreement, changes=changes):
            if changes:
                recorder.update(agreement, changes)
            order = start
            for unit_id in new_units:
                recorder.create(AgreementParty(agreement=agreement, unit_id=unit_id, order=order))
                order += 1
            for institution_id in new_partners:
                recorder.create(AgreementParty(agreement=agreement, institution_id=institution_id, order=order))
                order += 1

        row.write = write
