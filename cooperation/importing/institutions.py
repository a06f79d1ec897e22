"""Importing partner institutions with their names in Russian, Kazakh and other scripts.

Each row is matched before anything is created:
- by an identifier (Erasmus code, PIC, SCHAC id): it is that institution, updated with the
  row's non-blank values ("update"), or "duplicate" when nothing would change;
- by the same name in the same country, any case, accents or script variant on record: the
  same, updated where the row adds something;
- by the same website domain, or by a resembling name (a misspelling, a transliteration, with
  or without "University", partners.names): "duplicate", naming the match, and not imported
  unless the user chooses to update that partner or to create a new one, because a near-match
  is a question for a person, not a reason to overwrite a record;
- otherwise "new". Rows of the same file are matched against each other too.

The preview shows how each matched row matched and what it would change, field by field; a
blank cell never erases a value. The user may switch any matched row to "create a new partner"
or "skip", and a change of an official name, status or country applies only to the rows the
user confirmed (base.RowDecisions).
"""

from dataclasses import dataclass

from django.db.models import prefetch_related_objects
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import pgettext_lazy

from cooperation.importing.base import (
    DUPLICATE,
    ERROR,
    NEW,
    SKIP,
    UPDATE,
    Column,
    ImportKind,
    Row,
    changed_fields,
    describe_changes,
    display_value,
)
from cooperation.importing.readers import CellError, parse_choice, parse_country, split_list
from cooperation.lib.text import fold, website_domain
from partners.models import REBUILT_FIELDS, Institution, InstitutionName
from partners.selectors import InstitutionNameIndex

IDENTIFIERS = ("erasmus_code", "pic", "schac_id")
SUGGESTION_THRESHOLD = 0.6
# The fields a row sets (the names and identifiers are handled on their own).
FIELDS = ("short_name", "kind", "country", "city", "website", "status", "notes")


# The changes a user confirms row by row before they apply.
NEEDS_CONFIRMATION = {"name", "status", "country"}


@dataclass(frozen=True)
class Match:
    """How a row matched an existing partner: by an identifier, by one of its names, by its
    website's domain, or by an alike name (with the score)."""

    kind: str  # "identifier", "name", "website", "similar"
    field: str = ""
    value: str = ""
    score: float = 1.0

    def default_decision(self) -> str:
        # An identifier or a name on record is that partner; a domain or an alike name is a
        # question for the user, and not imported until they answer it.
        return UPDATE if self.kind in ("identifier", "name") else SKIP

    def describe(self, importer, institution) -> str:
        if self.kind == "identifier" or self.kind == "website":
            return _("by its %(field)s %(value)s") % {
                "field": importer.label_of_field(self.field) or self.field,
                "value": self.value,
            }
        if self.kind == "name" and fold(self.value) == fold(institution.name):
            return _("by its name")
        if self.kind == "name":
            return _("through its variant '%(name)s'") % {"name": self.value}
        return _("similar %(score)s to '%(name)s'") % {"score": self.score, "name": self.value}


def _kind(value):
    return parse_choice(value, Institution.Kind.choices)


def _status(value):
    return parse_choice(value, Institution.Status.choices)


def _website(value):
    text = str(value or "").strip()
    # As on the partner form: a website typed without a scheme ("gazi.edu.tr") is https.
    return f"https://{text}" if text and "://" not in text else text


class InstitutionImport(ImportKind):
    key = "institutions"
    model = Institution
    title = _lazy("Partner institutions")
    sheet_name = pgettext_lazy("sheet", "Partners")
    parsed_fields = ("kind", "country", "status")
    columns = [
        Column("name", _lazy("Official name"), required=True, example="Hacettepe University"),
        Column("short_name", _lazy("Short name or acronym"), example="HU"),
        Column("kind", _lazy("Kind"), _kind, example=Institution.Kind.UNIVERSITY.label),
        Column("country", _lazy("Country"), parse_country, required=True, example="Türkiye"),
        Column("city", _lazy("City"), example="Ankara"),
        Column("website", _lazy("Website"), _website, example="https://www.hacettepe.edu.tr"),
        Column("status", _lazy("Status"), _status, example=Institution.Status.ACTIVE.label),
        Column("erasmus_code", _lazy("Erasmus code"), example="TR ANKARA03"),
        Column("pic", _lazy("PIC"), example="999866523"),
        Column("schac_id", _lazy("SCHAC id"), example="hacettepe.edu.tr"),
        Column("parent", _lazy("Part of"), example=""),
        Column("name_ru", _lazy("Name in Russian"), example="Университет Хаджеттепе"),
        Column("name_kk", _lazy("Name in Kazakh"), example="Хаджеттепе университеті"),
        Column("other_names", _lazy("Other names (separated by ;)"), split_list, example="Hacettepe Üniversitesi"),
        Column("notes", _lazy("Notes"), example=""),
    ]

    def check(self, rows: list[Row]) -> None:
        index = InstitutionNameIndex()
        existing = Institution.objects.current().values_list("id", "country", "website", *IDENTIFIERS)
        country_of: dict = {}
        by_identifier: dict[tuple[str, str], object] = {}
        for institution_id, country, website, *identifiers in existing.iterator(chunk_size=2000):
            country_of[institution_id] = country
            for name, value in zip(IDENTIFIERS, identifiers, strict=True):
                if value:
                    by_identifier[(name, value.lower())] = institution_id
            if website_domain(website):
                by_identifier.setdefault(("website", website_domain(website)), institution_id)
        row_of_owner: dict[object, Row] = {}  # an earlier row of this file, by its owner key
        matched_rows: dict[int, Row] = {}  # existing institution id -> the row that matched it

        for row in rows:
            if row.status == ERROR:
                continue
            values = row.values
            row.label = values["name"]
            names = self._row_names(values)
            # 1. The identifiers: each names at most one institution, and all the same one.
            found = {}
            for name in IDENTIFIERS:
                if values.get(name):
                    owner = by_identifier.get((name, values[name].lower()))
                    if owner is not None:
                        found[name] = owner
            if len(set(found.values())) > 1:
                row.error(
                    "",
                    _("its identifiers belong to different institutions: %(which)s.")
                    % {
                        "which": "; ".join(
                            f"{self.label_of_field(name)} → {self._owner_label(owner, row_of_owner)}"
                            for name, owner in found.items()
                        )
                    },
                )
                continue
            how = Match("identifier", field=next(iter(found)), value=values[next(iter(found))]) if found else None
            owner = next(iter(found.values())) if found else None
            if owner is not None and not any(
                index.similar(candidate, limit=1, accept=lambda o, owner=owner: o == owner) for candidate in names
            ):
                # An identifier with a name that is none of its institution's: one of the two is
                # wrong, and guessing which would rename a partner or attach the wrong one.
                name = next(iter(found))
                row.error(
                    self.label_of_field(name),
                    _("%(value)s belongs to %(institution)s, not to '%(name)s'.")
                    % {
                        "value": values[name],
                        "institution": self._owner_label(owner, row_of_owner),
                        "name": values["name"],
                    },
                )
                continue
            if owner is None:
                owner, how = self._match_by_name(values, names, index, country_of, by_identifier)

            if owner is None:
                self._plan_new(row, names)
            elif owner in row_of_owner or owner in matched_rows:
                earlier = row_of_owner.get(owner) or matched_rows[owner]
                row.status = DUPLICATE
                row.message = _("the same institution as row %(row)s (%(name)s)") % {
                    "row": earlier.number,
                    "name": earlier.label,
                }
            else:
                if how.default_decision() == UPDATE:
                    # A partner matched for sure is this row's; an alike one stays open to a
                    # later row that names it exactly.
                    matched_rows[owner] = row
                row.values["_match"] = owner
                row.values["_how"] = how
            # Later rows match a new one: by its names and identifiers.
            if owner is None and row.status == NEW:
                key = ("row", row.number)
                row_of_owner[key] = row
                country_of[key] = values["country"]
                for candidate in names:
                    index.add(key, candidate)
                for name in IDENTIFIERS:
                    if values.get(name):
                        by_identifier[(name, values[name].lower())] = key
                if website_domain(values.get("website") or ""):
                    by_identifier.setdefault(("website", website_domain(values["website"])), key)

        self._plan_updates([row for row in rows if row.status != ERROR and "_how" in row.values])
        self._resolve_parents(rows, index, country_of)
        for row in rows:
            if row.status == NEW:
                self._validate_new(row)

    def _row_names(self, values) -> list[str]:
        # Not the short name: two institutions may well share an acronym.
        names = [values["name"], values.get("name_ru"), values.get("name_kk")]
        return [name for name in [*names, *(values.get("other_names") or [])] if name]

    def _match_by_name(self, values, names, index, country_of, by_identifier):
        """(owner, Match) of the best name match in the row's country, exact or alike, or of
        the same website domain; (None, None) when nothing matches."""
        country = values["country"]
        best = None
        for candidate in names:
            for match_owner, matched_name, score in index.similar(
                candidate, limit=1, accept=lambda o, country=country: country_of.get(o) == country
            ):
                if best is None or score > best[2]:
                    best = (match_owner, matched_name, score)
        if best is not None and best[2] == 1.0:
            return best[0], Match("name", value=best[1], score=1.0)
        domain = website_domain(values.get("website") or "")
        if domain and ("website", domain) in by_identifier:
            return by_identifier[("website", domain)], Match("website", field="website", value=domain)
        if best is not None:
            return best[0], Match("similar", value=best[1], score=best[2])
        return None, None

    def _owner_label(self, owner, row_of_owner) -> str:
        if owner in row_of_owner:
            return _("row %(row)s (%(name)s)") % {"row": row_of_owner[owner].number, "name": row_of_owner[owner].label}
        institution = Institution.objects.filter(pk=owner).only("name", "country").first()
        return f"{institution.name} ({institution.country.code})" if institution else str(owner)

    def _variants(self, values) -> list[InstitutionName]:
        variants = []
        if values.get("name_ru"):
            variants.append(InstitutionName(name=values["name_ru"], language="ru"))
        if values.get("name_kk"):
            variants.append(InstitutionName(name=values["name_kk"], language="kk"))
        for other in values.get("other_names") or []:
            variants.append(InstitutionName(name=other))
        unique, seen = [], {fold(values["name"])}
        for variant in variants:
            if fold(variant.name) not in seen:
                seen.add(fold(variant.name))
                unique.append(variant)
        return unique

    def _plan_new(self, row: Row, names) -> None:
        values = row.values
        institution = Institution(
            name=values["name"],
            **{name: values[name] for name in FIELDS if values.get(name) not in (None, "")},
            **{name: values[name] for name in IDENTIFIERS if values.get(name)},
        )
        row.status = NEW
        row.values["_record"] = institution  # written by write(), all new rows at once

    def write(self, rows: list[Row], recorder) -> None:
        new = [row for row in rows if row.status == NEW]
        institutions = []
        for row in new:
            institution = row.values["_record"]
            institution.parent_id = row.values.get("_parent")
            institution.refresh_search_text()  # what save() does; bulk creation skips it
            institutions.append(institution)
        recorder.create_many(institutions)
        variants = []
        for row, institution in zip(new, institutions, strict=True):
            for variant in self._variants(row.values):
                variant.institution = institution
                variants.append(variant)
        recorder.create_many(variants)
        # What InstitutionName.save() does for each: the search text with the new names.
        named = list({variant.institution_id: variant.institution for variant in variants}.values())
        prefetch_related_objects(named, "names")
        for institution in named:
            institution.refresh_search_text()
        Institution.objects.bulk_update(named, REBUILT_FIELDS, batch_size=500)
        super().write([row for row in rows if row.status != NEW], recorder)

    def _plan_updates(self, rows: list[Row]) -> None:
        """The rows that matched an existing partner: how, what they would change (blank cells
        change nothing), and what the user chose (self.decisions): update it, create a new
        partner, or skip the row. A change of an official name, status or country applies only
        to the rows the user confirmed."""
        institutions = Institution.objects.in_bulk([row.values["_match"] for row in rows])
        names_of: dict[int, set[str]] = {pk: set() for pk in institutions}
        for institution_id, name in InstitutionName.objects.filter(institution__in=institutions).values_list(
            "institution_id", "name"
        ):
            names_of[institution_id].add(fold(name))
        for row in rows:
            institution = institutions[row.values.pop("_match")]
            how: Match = row.values.pop("_how")
            values = row.values
            wanted = {name: values.get(name) for name in FIELDS}
            wanted |= {name: values.get(name) for name in IDENTIFIERS}
            # The official name is never changed by an import (the partner form does that); a
            # new spelling in the row's name columns is added as a name variant.
            changes = changed_fields(institution, wanted)
            known = names_of[institution.pk] | {fold(institution.name), fold(changes.get("name", ""))}
            # The row's own spelling of the name too ("Hacettepe Universty"), kept as a variant.
            spellings = [InstitutionName(name=values["name"]), *self._variants(values)]
            variants = list({fold(v.name): v for v in spellings if fold(v.name) not in known}.values())
            row.label = institution.name
            row.match = how.describe(self, institution)
            row.changes = self._change_table(institution, changes, variants)
            row.needs_confirmation = bool(set(changes) & NEEDS_CONFIRMATION)
            # A partner's identifiers are its own: a row that has one cannot be another partner.
            row.choices = [UPDATE, SKIP] if how.kind == "identifier" else [UPDATE, NEW, SKIP]
            decision = self.decisions.chosen.get(row.number, how.default_decision())
            if decision not in row.choices:
                row.error("", _("'%(choice)s' is not a choice for this row.") % {"choice": decision})
                continue
            row.decision = decision
            label = f"{institution.name} ({institution.country.code})"
            if decision == NEW:
                self._plan_new(row, self._row_names(values))
                row.label = values["name"]
                row.message = _("a new partner, although it matched %(institution)s") % {"institution": label}
                continue
            if decision == SKIP:
                row.status = DUPLICATE
                row.message = (
                    _("not imported, as chosen")
                    if row.number in self.decisions.chosen
                    else _(
                        "looks like %(institution)s: not imported unless you choose to update it or to create "
                        "a new partner"
                    )
                    % {"institution": label}
                )
                continue
            if not changes and not variants:
                row.status = DUPLICATE
                row.message = _("already recorded as %(institution)s, nothing to change") % {"institution": label}
                continue
            if row.needs_confirmation and self.decisions.confirming and row.number not in self.decisions.confirmed:
                row.status = DUPLICATE
                row.message = _("%(institution)s is not changed: the change of %(fields)s was not confirmed") % {
                    "institution": label,
                    "fields": ", ".join(self.label_of_field(name) for name in changes if name in NEEDS_CONFIRMATION),
                }
                continue
            row.status = UPDATE
            parts = [describe_changes(self, changes)] if changes else []
            if variants:
                parts.append(_("adds the names: %(names)s") % {"names": ", ".join(v.name for v in variants)})
            row.message = _("updates %(institution)s: %(what)s") % {"institution": label, "what": "; ".join(parts)}
            self.validate_changed(row, institution, changes, exclude=("parent", "merged_into"))

            def write(recorder, institution=institution, changes=changes, variants=variants):
                if changes:
                    recorder.update(institution, changes)
                for variant in variants:
                    variant.institution = institution
                    recorder.create(variant)

            row.write = write

    def _change_table(self, institution, changes: dict, variants) -> list[list[str]]:
        """[field, old value, new value] for each change, as the preview shows it."""
        table = [
            [
                self.label_of_field(name),
                display_value(institution, name, getattr(institution, name)),
                display_value(institution, name, value),
            ]
            for name, value in changes.items()
        ]
        if variants:
            table.append([str(_lazy("Name variants")), "", "; ".join(variant.name for variant in variants)])
        return table

    def _resolve_parents(self, rows, index, country_of) -> None:
        for row in rows:
            parent_name = row.values.get("parent")
            if row.status != NEW or not parent_name:
                continue
            exact = [owner for owner, _name, score in index.similar(parent_name, limit=3) if score == 1.0]
            exact = [owner for owner in exact if isinstance(owner, int)]
            if len(exact) == 1:
                row.values["_parent"] = exact[0]
            else:
                row.error(
                    self.column("parent").label,
                    _("no partner institution is recorded under the name '%(name)s'") % {"name": parent_name}
                    if not exact
                    else _("'%(name)s' names several institutions") % {"name": parent_name},
                )

    def _validate_new(self, row: Row) -> None:
        institution = row.values["_record"]
        self.validate(row, institution, exclude=("parent", "merged_into"))
        for variant in self._variants(row.values):
            self.validate(row, variant, exclude=("institution",))


class InstitutionReference:
    """Finds the partner a cell names, for the imports that refer to partners (contacts,
    agreements, participants): by Erasmus code, PIC or SCHAC id, or by any of its names in any
    script, exactly (case and accents aside). A near-miss is an error that suggests the match:
    attaching a contract to the wrong partner is worse than asking."""

    def __init__(self):
        self.index = InstitutionNameIndex()
        self.by_identifier: dict[str, int] = {}
        rows = Institution.objects.current().values_list("id", *IDENTIFIERS)
        for institution_id, *identifiers in rows.iterator(chunk_size=2000):
            for value in identifiers:
                if value:
                    self.by_identifier[value.lower()] = institution_id
        self._names: dict[int, str] = {}

    def find(self, text: str) -> int:
        """The institution's id; raises CellError saying what is wrong."""
        text = str(text).strip()
        if text.lower() in self.by_identifier:
            return self.by_identifier[text.lower()]
        # A lower bar than for duplicates: this only suggests, it never decides.
        matches = self.index.similar(text, limit=3, threshold=SUGGESTION_THRESHOLD)
        exact = [owner for owner, _name, score in matches if score == 1.0]
        if len(exact) == 1:
            return exact[0]
        if len(exact) > 1:
            raise CellError(
                _("'%(name)s' is the name of several partners; give its Erasmus code, PIC or SCHAC id.")
                % {"name": text}
            )
        if matches:
            raise CellError(
                _("no partner is recorded as '%(name)s'; did you mean %(match)s?")
                % {"name": text, "match": self.name(matches[0][0])}
            )
        raise CellError(_("no partner is recorded as '%(name)s'; import or enter it first.") % {"name": text})

    def name(self, institution_id: int) -> str:
        if institution_id not in self._names:
            self._names[institution_id] = (
                Institution.objects.filter(pk=institution_id).values_list("name", flat=True).first()
            )
        return self._names[institution_id]
