"""What the dashboard reads kept on the rows instead of searched for on every drawing, each
computed from the records whenever a write moves it:

- an agreement's last activity (Agreement.last_activity_on): the latest day anything happened,
  or is planned to happen, under it, so that "dormant" (no activity for two years,
  AgreementQuerySet.dormant) compares one column instead of searching the mobility and the
  visits of every agreement;
- a partner's first agreement signed (Institution.first_signed_on): the earliest signing day
  of the agreements ever signed it is a party to, so that "a partner by" a day
  (partners.models.partner_by_condition) compares a column instead of searching its parties;
- a condition's use in each academic year of its span (QuotaUse): the participants recorded for
  it and the places left, so that the dashboard's unused quotas come from an index instead of
  counting every participant of the year;
- an agreement's partners' countries and kinds (Agreement.partner_countries, .partner_kinds):
  the country and the kind of every institution that is a party to it, so that the dashboard's
  partner filters (a country, a region, a kind) test a column of the agreement instead of
  searching its parties and their institutions; copied onto its conditions' uses; and a
  visit's likewise (Visit.partner_countries, .partner_kinds), of the partners it was with.

What counts as activity, here and nowhere else:
- a participant, not withdrawn, of a program resting on the agreement: the day they start or,
  when that is not known, the last day of the program's academic year;
- a visit, not cancelled, at which the agreement was signed, or with one of its partners (an
  institution that is a party to it): the day the visit starts.
What a condition's recorded participants are is said in `quota_uses_of()`.

When they are computed again (the invalidation rules, all in this module):
- a participant, program, visit, agreement party, condition or agreement saved or deleted, a
  visit's partners or agreements signed changed: every agreement the row touched before the
  write and after it (its last activity and its conditions' uses), and every partner that is or
  was a party of a written agreement party or agreement (its first signing), in the write's
  transaction (`connect()`; the import, the merge, the admin, the demo loader and the entry
  pages all write through save() and the related managers); a saved partner is computed again
  too, in case it wrote back a value read before, and so are the partner sets of the agreements
  it is a party to and of the visits it was at (its country or kind may have changed); a saved
  visit and a visit's partners changed move the visit's;
- writes that send no signals call `refresh_kept()` themselves: `seed_bulk` for everything,
  the backup restore likewise after loading (`recomputed_at_the_end()`);
- `manage.py refresh_kept` computes everything afresh (after a manual fix in SQL);
- last, in the same transaction, the dashboard's kept counts of what was touched
  (cooperation/dashboard/tallies.py `recount`): the agreements and the partners above, the
  participants written or whose program, partner institution or unit moved, and the visits; a
  unit moved under another parent touches its agreements, their partners, its participants and
  its visits.

Mobility and visits live in apps above agreements, so the rules live here, above all three.
"""

import contextlib
import datetime
import threading
from dataclasses import dataclass, field
from dataclasses import fields as dataclass_fields

from django.db import connection, transaction
from django.db.models import Count, Max, Min, Q
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

from agreements.models import Agreement, AgreementParty, Quota, QuotaUse
from cooperation.dashboard import tallies
from cooperation.lib.academic_years import academic_year_bounds
from cooperation.visits.models import Visit
from mobility.models import Participant, Program
from partners.models import Institution, Unit

BATCH_SIZE = 1000

_state = threading.local()


@dataclass
class Touched:
    """What writes touched: the agreements whose last activity and conditions' uses, the
    partners whose first signing, the agreements whose partner sets (and then their conditions'
    uses, which copy them) and the visits whose partner sets are to be computed again; and the
    participants whose counts in the dashboard's tallies (cooperation/dashboard/tallies.py, with
    those of the agreements and partners above)."""

    agreements: set[int] = field(default_factory=set)
    institutions: set[int] = field(default_factory=set)
    partnered: set[int] = field(default_factory=set)
    visits: set[int] = field(default_factory=set)
    participants: set[int] = field(default_factory=set)

    def __or__(self, other: "Touched") -> "Touched":
        combined = Touched()
        combined.update(self)
        combined.update(other)
        return combined

    def update(self, other: "Touched") -> None:
        for name in self._names():
            getattr(self, name).update(getattr(other, name))

    def __bool__(self) -> bool:
        return any(getattr(self, name) for name in self._names())

    @classmethod
    def _names(cls) -> list[str]:
        return [each.name for each in dataclass_fields(cls)]


def _in_progress() -> list:
    """The open batches of this thread, innermost last: each a Touched."""
    if not hasattr(_state, "stack"):
        _state.stack = []
    return _state.stack


def _before() -> dict:
    """What each row being written touched before the write, until the write is done."""
    if not hasattr(_state, "before"):
        _state.before = {}
    return _state.before


# The activity itself


def last_activity_by_agreement(agreement_ids=None) -> dict[int, datetime.date]:
    """{agreement id: its last activity} for these agreements (all when None); an agreement with
    no activity at all is left out. Four grouped queries, whatever the number of agreements."""
    latest: dict[int, datetime.date] = {}

    def keep(agreement_id, day):
        if agreement_id is not None and day is not None and (agreement_id not in latest or day > latest[agreement_id]):
            latest[agreement_id] = day

    participants = Participant.objects.active().filter(program__agreement__isnull=False)
    signed = Visit.agreements_signed.through.objects.exclude(visit__status=Visit.Status.CANCELLED)
    parties = AgreementParty.objects.filter(institution__isnull=False)
    if agreement_ids is not None:
        agreement_ids = list(agreement_ids)
        participants = participants.filter(program__agreement_id__in=agreement_ids)
        signed = signed.filter(agreement_id__in=agreement_ids)
        parties = parties.filter(agreement_id__in=agreement_ids)

    mobility = participants.values("program__agreement_id").annotate(
        started=Max("starts_on"), undated_year=Max("program__academic_year", filter=Q(starts_on__isnull=True))
    ).order_by()  # fmt: skip
    for row in mobility:
        keep(row["program__agreement_id"], row["started"])
        if row["undated_year"]:
            keep(row["program__agreement_id"], academic_year_bounds(row["undated_year"])[1])
    for row in signed.values("agreement_id").annotate(last=Max("visit__starts_on")).order_by():
        keep(row["agreement_id"], row["last"])
    party_rows = list(parties.values_list("agreement_id", "institution_id"))
    visited = dict(
        Visit.partners.through.objects.exclude(visit__status=Visit.Status.CANCELLED)
        .filter(institution_id__in={institution_id for _agreement, institution_id in party_rows})
        .values("institution_id")
        .annotate(last=Max("visit__starts_on"))
        .order_by()
        .values_list("institution_id", "last")
    )
    for agreement_id, institution_id in party_rows:
        keep(agreement_id, visited.get(institution_id))
    return latest


def refresh_last_activity(agreement_ids=None) -> int:
    """Compute the last activity of these agreements (all when None) from the records and store
    it where it differs; how many changed. The agreements are locked first, so that two writes
    under one agreement at once cannot each store a date that misses the other's."""
    if agreement_ids is not None:
        agreement_ids = sorted({pk for pk in agreement_ids if pk is not None})
        if not agreement_ids:
            return 0
    with transaction.atomic():
        agreements = Agreement.objects.select_for_update().order_by("pk")
        if agreement_ids is not None:
            agreements = agreements.filter(pk__in=agreement_ids)
        stored = dict(agreements.values_list("pk", "last_activity_on"))
        latest = last_activity_by_agreement(agreement_ids)
        changed: dict[datetime.date | None, list[int]] = {}
        for pk, day in stored.items():
            if latest.get(pk) != day:
                changed.setdefault(latest.get(pk), []).append(pk)
        # One UPDATE per new date (a few hundred at most for every agreement at once).
        _store_changed(Agreement, "last_activity_on", changed)
    return sum(len(pks) for pks in changed.values())


def _store_changed(model, field_name: str, changed: dict) -> None:
    """{new value: [pk]} stored with one UPDATE per value and batch: bulk_update's CASE over
    thousands of ids took seconds."""
    for value, pks in changed.items():
        for start in range(0, len(pks), BATCH_SIZE):
            model.objects.filter(pk__in=pks[start : start + BATCH_SIZE]).update(**{field_name: value})


# A partner's first agreement signed


def first_signed_by_institution(institution_ids=None) -> dict[int, datetime.date]:
    """{institution id: the earliest signing day of the agreements ever signed it is a party
    to}; an institution with none is left out. One grouped query."""
    parties = AgreementParty.objects.filter(institution__isnull=False, agreement__signed_on__isnull=False).exclude(
        agreement__status__in=Agreement.UNSIGNED
    )
    if institution_ids is not None:
        parties = parties.filter(institution_id__in=list(institution_ids))
    rows = parties.values("institution_id").annotate(first=Min("agreement__signed_on")).order_by()
    return {row["institution_id"]: row["first"] for row in rows}


def refresh_first_signed(institution_ids=None) -> int:
    """Compute the first signing of these partners (all when None) and store it where it
    differs; how many changed. The partners are locked first, as the agreements are above."""
    if institution_ids is not None:
        institution_ids = sorted({pk for pk in institution_ids if pk is not None})
        if not institution_ids:
            return 0
    with transaction.atomic():
        institutions = Institution.objects.select_for_update().order_by("pk")
        if institution_ids is not None:
            institutions = institutions.filter(pk__in=institution_ids)
        stored = dict(institutions.values_list("pk", "first_signed_on"))
        first = first_signed_by_institution(institution_ids)
        changed: dict[datetime.date | None, list[int]] = {}
        for pk, day in stored.items():
            if first.get(pk) != day:
                changed.setdefault(first.get(pk), []).append(pk)
        _store_changed(Institution, "first_signed_on", changed)
    return sum(len(pks) for pks in changed.values())


# An agreement's partners' countries and kinds


def partner_sets_by_agreement(agreement_ids=None) -> dict[int, tuple[dict, dict]]:
    """{agreement id: (its partners' countries, their kinds)}, each a set as the keys of a dict
    ({"KZ": True}, the form kept on the agreement), for these agreements (all when None); an
    agreement without a partner is left out. One query."""
    parties = AgreementParty.objects.filter(institution__isnull=False)
    if agreement_ids is not None:
        parties = parties.filter(agreement_id__in=list(agreement_ids))
    return _partner_sets(parties.values_list("agreement_id", "institution__country", "institution__kind"))


def partner_sets_by_visit(visit_ids=None) -> dict[int, tuple[dict, dict]]:
    """{visit id: (its partners' countries, their kinds)}, as partner_sets_by_agreement()."""
    links = Visit.partners.through.objects.all()
    if visit_ids is not None:
        links = links.filter(visit_id__in=list(visit_ids))
    return _partner_sets(links.values_list("visit_id", "institution__country", "institution__kind"))


def _partner_sets(rows) -> dict[int, tuple[dict, dict]]:
    sets: dict[int, tuple[dict, dict]] = {}
    for pk, country, kind in rows.distinct().order_by():
        countries, kinds = sets.setdefault(pk, ({}, {}))
        if country:
            countries[str(country)] = True
        if kind:
            kinds[kind] = True
    return sets


def _set_key(value: dict | None) -> tuple:
    return tuple(sorted(value or {}))


def refresh_partner_sets(agreement_ids=None) -> int:
    """Compute the partner sets of these agreements (all when None) and store them where they
    differ; how many changed."""
    return len(_refresh_partner_sets(Agreement, partner_sets_by_agreement, agreement_ids))


def refresh_visit_partner_sets(visit_ids=None) -> int:
    """The same for these visits (all when None)."""
    return len(_refresh_partner_sets(Visit, partner_sets_by_visit, visit_ids))


def _refresh_partner_sets(model, compute, ids=None) -> list[int]:
    """The partner sets of these rows of `model` (an agreement or a visit; all when None), as
    `compute` gives them, stored where they differ; which rows changed. Read after
    refresh_kept() has locked the agreements and the partners a write touched, so that a
    partner's country changed at the same moment is read as committed."""
    if ids is not None:
        ids = sorted({pk for pk in ids if pk is not None})
        if not ids:
            return []
    # No savepoint inside refresh_kept()'s transaction: nothing here to roll back alone.
    with transaction.atomic(savepoint=False):
        rows = model.objects.all()
        if ids is not None:
            rows = rows.filter(pk__in=ids)
        stored = rows.values_list("pk", "partner_countries", "partner_kinds").order_by()
        computed = compute(ids)
        changed: dict[tuple, list[int]] = {}
        for pk, countries, kinds in stored:
            new_countries, new_kinds = computed.get(pk, ({}, {}))
            if _set_key(countries) != _set_key(new_countries) or _set_key(kinds) != _set_key(new_kinds):
                changed.setdefault((_set_key(new_countries), _set_key(new_kinds)), []).append(pk)
        # One UPDATE per distinct pair of sets (a few hundred at most), as _store_changed does.
        for (countries, kinds), pks in changed.items():
            for start in range(0, len(pks), BATCH_SIZE):
                model.objects.filter(pk__in=pks[start : start + BATCH_SIZE]).update(
                    partner_countries=dict.fromkeys(countries, True), partner_kinds=dict.fromkeys(kinds, True)
                )
    return [pk for pks in changed.values() for pk in pks]


# A condition's use in each academic year


def quota_uses_of(agreement_ids=None) -> dict[tuple[int, str], tuple]:
    """{(condition id, academic year): (participants recorded, places left, agreement ever
    signed, agreement title, its partners' countries, their kinds, its responsible unit)} for every academic year of
    every condition of these agreements (all when None), the partner sets as stored on the
    agreement (computed before, refresh_kept()). Recorded for a condition in a year:
    participants not withdrawn, in a program of that year resting on its agreement, of its
    direction and category. Two grouped queries."""
    participants = Participant.objects.active().filter(program__agreement__isnull=False)
    quotas = Quota.objects.all()
    if agreement_ids is not None:
        agreement_ids = list(agreement_ids)
        participants = participants.filter(program__agreement_id__in=agreement_ids)
        quotas = quotas.filter(agreement_id__in=agreement_ids)
    counted = participants.values("program__agreement_id", "program__academic_year", "direction", "quota_category")
    recorded = {
        (row["program__agreement_id"], row["program__academic_year"], row["direction"], row["quota_category"]): row[
            "total"
        ]
        for row in counted.annotate(total=Count("pk")).order_by()
    }
    uses = {}
    fields = ("pk", "agreement_id", "direction", "category", "first_academic_year", "last_academic_year", "places")
    agreement = (
        "agreement__status",
        "agreement__title",
        "agreement__partner_countries",
        "agreement__partner_kinds",
        "agreement__responsible_unit_id",
    )
    rows = quotas.values_list(*fields, *agreement).order_by()
    for pk, agreement_id, direction, category, first, last, places, status, title, countries, kinds, unit in rows:
        for start in range(int(first[:4]), int(last[:4]) + 1):
            year = f"{start}/{start + 1}"
            count = recorded.get((agreement_id, year, direction, category), 0)
            signed = status not in Agreement.UNSIGNED
            uses[(pk, year)] = (count, places - count, signed, title, _set_key(countries), _set_key(kinds), unit)
    return uses


def refresh_quota_uses(agreement_ids=None) -> int:
    """Compute the uses of these agreements' conditions (all when None) and store what differs;
    how many rows were written. Runs under the lock of the agreements (refresh_kept)."""
    uses = quota_uses_of(agreement_ids)
    stored_rows = QuotaUse.objects.all()
    if agreement_ids is not None:
        stored_rows = stored_rows.filter(quota__agreement_id__in=list(agreement_ids))
    values = (
        "recorded",
        "unused",
        "ever_signed",
        "agreement_title",
        "partner_countries",
        "partner_kinds",
        "responsible_unit_id",
    )
    stored = {
        (quota_id, year): (pk, *kept[:4], _set_key(kept[4]), _set_key(kept[5]), kept[6])
        for pk, quota_id, year, *kept in stored_rows.values_list("pk", "quota_id", "academic_year", *values).order_by()
    }
    gone = [row[0] for key, row in stored.items() if key not in uses]
    for start in range(0, len(gone), BATCH_SIZE):
        QuotaUse.objects.filter(pk__in=gone[start : start + BATCH_SIZE]).delete()
    changed: dict[tuple, list[int]] = {}
    new = []
    for (quota_id, year), kept in uses.items():
        if (quota_id, year) not in stored:
            new.append(QuotaUse(quota_id=quota_id, academic_year=year, **_quota_use_fields(values, kept)))
        elif stored[(quota_id, year)][1:] != kept:
            changed.setdefault(kept, []).append(stored[(quota_id, year)][0])
    QuotaUse.objects.bulk_create(new, batch_size=BATCH_SIZE)
    for kept, pks in changed.items():
        for start in range(0, len(pks), BATCH_SIZE):
            QuotaUse.objects.filter(pk__in=pks[start : start + BATCH_SIZE]).update(**_quota_use_fields(values, kept))
    return len(gone) + len(new) + sum(len(pks) for pks in changed.values())


def _quota_use_fields(names, kept: tuple) -> dict:
    """A use's kept values as its fields: the partner sets (sorted tuples, to compare) as dicts."""
    fields = dict(zip(names, kept, strict=True))
    fields["partner_countries"] = dict.fromkeys(fields["partner_countries"], True)
    fields["partner_kinds"] = dict.fromkeys(fields["partner_kinds"], True)
    return fields


def refresh_kept(touched: "Touched | None" = None) -> int:
    """Compute again what `touched` touched (everything when None), in one transaction: the
    units and the partners it is computed from locked first (_lock_what_is_read), then the
    agreements (always in that order, and each in id order, so that two writes cannot deadlock
    on them); how many rows changed."""
    with transaction.atomic():
        if touched is None:
            # The partner sets before the conditions' uses, which copy them.
            changed = refresh_last_activity() + refresh_first_signed() + refresh_partner_sets()
            return changed + refresh_quota_uses() + refresh_visit_partner_sets() + tallies.rebuild()
        _lock_what_is_read(touched)
        changed = 0
        if touched.agreements:
            changed += refresh_last_activity(touched.agreements)  # locks them
        if touched.institutions:
            changed += refresh_first_signed(touched.institutions)  # locks them
        # Not an agreement being deleted: its conditions' uses are already gone (deleted with
        # them, before the rows that send the signals here), and so is its row.
        deleting = _being_deleted()
        moved = _refresh_partner_sets(Agreement, partner_sets_by_agreement, touched.partnered - deleting)
        # The conditions' uses copy the partner sets: those of the agreements whose sets moved too.
        uses_of = (touched.agreements - deleting) | set(moved)
        if uses_of:
            changed += refresh_quota_uses(uses_of)
        if touched.visits:
            changed += refresh_visit_partner_sets(touched.visits)
        # Last: an agreement's tallies read its partner sets, a partner's its first signing.
        changed += tallies.recount("agreement", touched.agreements | touched.partnered)
        changed += tallies.recount("partner", touched.institutions)
        changed += tallies.recount("participant", touched.participants)
        changed += tallies.recount("visit", touched.visits)
        return changed + len(moved)


def _lock_what_is_read(touched: Touched) -> None:
    """Lock the units and the partners that what `touched` touched is computed from, before the
    agreements: a write to one of them at the same moment (a partner's country or kind, a unit
    moved under another) then waits for this transaction, or this one for it, and is read as
    committed. Without it, a participant entered while its partner changed country, or an
    agreement while its unit moved, counted in the tallies under the old ones (neither write saw
    the other's row), and a party added while another party's partner changed country was lost
    from the agreement's partner sets. Shared, so that writes reading the same partner or unit
    do not wait for one another; the partners whose first signing is computed for update, as
    refresh_first_signed() locks them next; all in id order."""
    if connection.vendor != "postgresql":
        return  # SQLite writes one transaction at a time
    agreements = touched.agreements | touched.partnered
    units = set(Agreement.objects.filter(pk__in=agreements).values_list("responsible_unit_id", flat=True))
    parties = AgreementParty.objects.filter(institution_id__in=touched.institutions)
    units |= set(parties.values_list("agreement__responsible_unit_id", flat=True))
    parties = AgreementParty.objects.filter(agreement_id__in=touched.partnered, institution__isnull=False)
    partners = set(parties.values_list("institution_id", flat=True))
    participants = Participant.objects.filter(pk__in=touched.participants)
    for unit, partner in participants.values_list("unit_id", "partner_institution_id"):
        units.add(unit)
        partners.add(partner)
    _lock_rows(Unit, {pk: "SHARE" for pk in units if pk is not None})
    modes = {pk: "SHARE" for pk in partners if pk is not None}
    modes.update(dict.fromkeys(touched.institutions - {None}, "UPDATE"))
    _lock_rows(Institution, modes)


def _lock_rows(model, modes: dict[int, str]) -> None:
    """Lock these rows of `model` ({pk: "SHARE" or "UPDATE"}) in id order, one statement for each
    run of ids locked alike."""
    table = connection.ops.quote_name(model._meta.db_table)
    runs: list[tuple[str, list[int]]] = []
    for pk in sorted(modes):
        if runs and runs[-1][0] == modes[pk]:
            runs[-1][1].append(pk)
        else:
            runs.append((modes[pk], [pk]))
    with connection.cursor() as cursor:
        for mode, pks in runs:
            cursor.execute(f"SELECT id FROM {table} WHERE id = ANY(%s) ORDER BY id FOR {mode}", [pks])


# What a written row touches (as the database holds it at the moment of asking)


def _touched_by_visits(visit_ids) -> set[int]:
    signed = Visit.agreements_signed.through.objects.filter(visit_id__in=visit_ids).values_list("agreement_id")
    partnered = AgreementParty.objects.filter(
        institution__in=Visit.partners.through.objects.filter(visit_id__in=visit_ids).values("institution_id")
    ).values_list("agreement_id")
    # Unordered: SQLite refuses an ORDER BY (the parties' default one) inside a UNION.
    return {pk for (pk,) in signed.order_by().union(partnered.order_by())}


def _ids(rows) -> set[int]:
    return {pk for pk in rows if pk is not None}


def _touched(model, pks) -> Touched:
    pks = [pk for pk in pks if pk is not None]
    if not pks:
        return Touched()
    if model is Agreement:
        # Its signing day and status move its partners' first signing; its partner sets are
        # computed again in case the save wrote back what it held in memory.
        parties = AgreementParty.objects.filter(agreement_id__in=pks)
        return Touched(set(pks), _ids(parties.values_list("institution_id", flat=True)), partnered=set(pks))
    if model is AgreementParty:
        rows = list(AgreementParty.objects.filter(pk__in=pks).values_list("agreement_id", "institution_id"))
        agreements = _ids(row[0] for row in rows)
        return Touched(agreements, _ids(row[1] for row in rows), partnered=agreements)
    if model is Institution:
        # Its country or kind moves the partner sets of the agreements it is a party to and of
        # the visits it was at, and the counts of the participants it received or sent.
        parties = AgreementParty.objects.filter(institution_id__in=pks).values_list("agreement_id", flat=True)
        visits = Visit.partners.through.objects.filter(institution_id__in=pks).values_list("visit_id", flat=True)
        participants = Participant.objects.filter(partner_institution_id__in=pks).values_list("pk", flat=True)
        return Touched(
            institutions=set(pks), partnered=_ids(parties), visits=_ids(visits), participants=set(participants)
        )
    if model is Participant:
        rows = Participant.objects.filter(pk__in=pks).values_list("program__agreement_id", flat=True)
        return Touched(_ids(rows), participants=set(pks))
    if model is Program:
        # Its academic year is its participants'.
        rows = Program.objects.filter(pk__in=pks).values_list("agreement_id", flat=True)
        participants = Participant.objects.filter(program_id__in=pks).values_list("pk", flat=True)
        return Touched(_ids(rows), participants=set(participants))
    if model is Unit:
        # A unit moved under another: what its agreements, their partners and its participants
        # count under the new parent's scope.
        agreements = _ids(Agreement.objects.filter(responsible_unit_id__in=pks).values_list("pk", flat=True))
        partners = AgreementParty.objects.filter(agreement_id__in=agreements).values_list("institution_id", flat=True)
        participants = Participant.objects.filter(unit_id__in=pks).values_list("pk", flat=True)
        visits = Visit.objects.filter(host_unit_id__in=pks).values_list("pk", flat=True)
        return Touched(
            partnered=agreements, institutions=_ids(partners), participants=set(participants), visits=set(visits)
        )
    if model is Quota:
        rows = model.objects.filter(pk__in=pks).values_list("agreement_id", flat=True)
    elif model is Visit:
        # Its own partner sets too: a save writes back what the visit held in memory.
        return Touched(_touched_by_visits(pks), visits=set(pks))
    else:
        return Touched()
    return Touched(_ids(rows))


# When: the signals of every write through the ORM

WATCHED = (Agreement, AgreementParty, Institution, Participant, Program, Quota, Unit, Visit)
# The rows' fields that move what is kept: a save that changes none of them (a participant's
# e-mail, a visit's notes) is passed by when the save names its fields.
MOVING_FIELDS = {
    AgreementParty: {"agreement", "institution"},
    Institution: {"first_signed_on", "country", "kind", "status", "merged_into", "created_at"},
    Participant: {
        "program",
        "status",
        "starts_on",
        "direction",
        "quota_category",
        "kind",
        "unit",
        "partner_institution",
    },
    Program: {"agreement", "academic_year"},
    Quota: {"agreement", "direction", "category", "first_academic_year", "last_academic_year", "places"},
    Unit: {"parent"},
    Visit: {"status", "starts_on", "kind", "host_unit"},
}
# Rows whose save may write back, from memory, what is kept on them: computed again after the
# save; what they touched before it is the same.
KEEPING = (Agreement, Institution)


def _key(instance) -> tuple:
    return (type(instance), instance.pk, id(instance))


def _all_later() -> bool:
    """Inside recomputed_at_the_end(): nothing to work out per write."""
    return any(batch is None for batch in _in_progress())


def _changes(touched: Touched) -> None:
    stack = _in_progress()
    if _all_later():
        return
    if stack:
        stack[-1].update(touched)  # computed once when the batch ends
    elif touched:
        refresh_kept(touched)


def _moves(sender, update_fields) -> bool:
    if update_fields is None or sender not in MOVING_FIELDS:
        return True
    return bool(MOVING_FIELDS[sender] & set(update_fields))


def _before_save(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or _all_later() or sender not in WATCHED or sender in KEEPING or instance.pk is None:
        return
    if _moves(sender, update_fields):
        _before()[_key(instance)] = _touched(sender, [instance.pk])


def _after_save(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or sender not in WATCHED or not _moves(sender, update_fields):
        return
    # A saved agreement or partner is computed again too: whatever held it in memory may have
    # written back a value that was true when it was read.
    _changes(_before().pop(_key(instance), Touched()) | _touched(sender, [instance.pk]))


def _being_deleted() -> set[int]:
    """The agreements whose deletion is under way in this thread (pre_delete sent, post_delete
    not yet)."""
    if not hasattr(_state, "deleting"):
        _state.deleting = set()
    return _state.deleting


def _before_delete(sender, instance, **kwargs):
    if sender is Agreement:
        _being_deleted().add(instance.pk)
    if sender in WATCHED and sender not in KEEPING and not _all_later():
        _before()[_key(instance)] = _touched(sender, [instance.pk])


def _after_delete(sender, instance, **kwargs):
    if sender is Agreement:
        _changes(Touched({instance.pk}))  # what it counted in the tallies taken back
    elif sender is Institution:
        _changes(Touched(institutions={instance.pk}))
    elif sender in WATCHED:
        _changes(_before().pop(_key(instance), Touched()))
    if sender is Agreement:
        _being_deleted().discard(instance.pk)


def _around_links(sender, instance, action, reverse, model, pk_set, **kwargs):
    if sender not in (Visit.partners.through, Visit.agreements_signed.through) or _all_later():
        return
    if reverse:  # from the partner's or the agreement's side: pk_set holds visits
        if action in ("pre_clear", "post_clear"):
            visit_ids = None
        else:
            visit_ids = list(pk_set or ())
        if visit_ids is None:
            accessor = "visits" if sender is Visit.partners.through else "signing_visits"
            visit_ids = list(getattr(instance, accessor).values_list("pk", flat=True))
        agreements = _touched_by_visits(visit_ids)
        if isinstance(instance, Agreement):
            agreements.add(instance.pk)
    else:
        visit_ids = [instance.pk]
        agreements = _touched_by_visits(visit_ids)
        if sender is Visit.agreements_signed.through:
            agreements |= set(pk_set or ())
    # A visit's partners changed: its partner sets.
    touched = Touched(agreements, visits=set(visit_ids) if sender is Visit.partners.through else set())
    key = (sender, instance.pk, id(instance), "links")
    if action.startswith("pre_"):
        _before()[key] = touched
    elif action.startswith("post_"):
        _changes(_before().pop(key, Touched()) | touched)


def written_without_signals(model, pks) -> None:
    """Rows of `model` written without signals (bulk_create): what they touch computed again, as
    their saves would have had it (at the end of the batch, inside `batched()`)."""
    if model in WATCHED:
        _changes(_touched(model, list(pks)))


@contextlib.contextmanager
def batched():
    """Inside, the agreements and partners that writes touch are collected and computed once, at
    the end: for writes of many rows at once (an import, a formset)."""
    stack = _in_progress()
    stack.append(Touched())
    try:
        yield
    finally:
        touched = stack.pop()
    _changes(touched)


@contextlib.contextmanager
def recomputed_at_the_end():
    """Inside, no write computes anything; at the end everything is computed afresh: for
    loading a whole database (the backup restore), where the rows come in any order."""
    stack = _in_progress()
    stack.append(None)
    try:
        yield
    finally:
        stack.pop()
    _changes_everything()


def _changes_everything() -> None:
    if _all_later():
        return  # an enclosing recomputed_at_the_end() does it
    refresh_kept()


def connect() -> None:
    pre_save.connect(_before_save, dispatch_uid="activity-pre-save")
    post_save.connect(_after_save, dispatch_uid="activity-post-save")
    pre_delete.connect(_before_delete, dispatch_uid="activity-pre-delete")
    post_delete.connect(_after_delete, dispatch_uid="activity-post-delete")
    m2m_changed.connect(_around_links, dispatch_uid="activity-links")
