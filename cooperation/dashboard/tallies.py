"""The dashboard's counts kept per period instead of counted over every record on each drawing,
so that drawing the dashboard costs the same at ten times the data.

What is kept (`Tally`: figure, scope, bucket, part, total):
- **agreements signed** ("signed"): each agreement ever signed, in the month and the year of its
  signing day, per kind of agreement;
- **agreements in force** ("in_force_from" / "in_force_until", per kind; "in_force_from_country" /
  "in_force_until_country", per partner country): the day an agreement comes into force and the
  day after its last day in force, each in its month and its year. An agreement is in force on a
  day when it came in force on or before it and has not ended on or before it, so the number in
  force on a day is the comings minus the endings up to that day (`agreements.models.in_force_condition`,
  the rule they follow);
- **partners** ("partners" per kind, "partners_country" per country): the day each current,
  active partner became one (`partners.models.partner_by_condition`: entered, or party to an
  agreement signed), in its month and its year;
- **mobility** ("mobility"): each participant not withdrawn, in the academic year of their
  program, per direction and kind;
- **visits** ("visits"): each visit not cancelled, in the month it starts, per kind;
- **unused quotas** ("quotas_unused"): an agreement's conditions with places left in an academic
  year (agreements.QuotaUse, of an agreement ever signed), under the agreement's scopes.

Each is kept under every scope the record falls in: "" (no filter), "unit:<id>" (its unit and
that unit's parent, as `partners.models.unit_and_children` counts), "country:<code>",
"region:<code>" and "kind:<kind>" (of its partners: an agreement's or a visit's partner sets, a
partner's own country and kind, a participant's partner institution). A dashboard with at most
one of these filters reads one scope; with several it counts the records, as before.

A stock on a day sums the whole years before it, the months of its year before its month, and
counts the records whose coming or ending falls in its own month up to the day: a handful of rows
read through an index, however many records there are.

How they stay right: each counted record has a `TallyMark` holding its signature (the values its
counts depend on). `recount(source, ids)` computes the records' signatures again, takes back what
each old one counted and adds what the new one counts, as rows appended to the tallies (so writes
never wait on one another for a tally row), and stores the new signatures. Which records a
write touches is said in cooperation/activity.py (`Touched`), which calls `recount` in the
write's transaction; `rebuild()` counts everything afresh (`refresh_kept`, seed_bulk, the backup
restore). `compact()` (the worker, every few minutes) sums the appended rows of each key into one.
"""

import csv
import datetime
import io
import json
from collections import Counter
from itertools import islice

from django.db import connection, transaction
from django.db.models import Case, Count, F, IntegerField, Q, Sum, When
from django.utils import timezone

from agreements.models import Agreement, AgreementParty, QuotaUse
from cooperation.dashboard.models import Tally, TallyMark
from cooperation.lib.academic_years import academic_year_bounds
from cooperation.lib.regions import REGIONS
from cooperation.visits.models import Visit
from mobility.models import Participant
from partners.models import Institution, Unit

BATCH_SIZE = 2000
BEFORE_EVERYTHING = "Y0000"  # the bucket of an agreement in force with no first day

REGIONS_OF: dict[str, list[str]] = {}
for _code, (_label, _countries) in REGIONS.items():
    for _country in _countries.split():
        REGIONS_OF.setdefault(_country, []).append(_code)


# Buckets and scopes


def year_bucket(year: int) -> str:
    return f"Y{year:04d}"


def month_bucket(day: datetime.date) -> str:
    return f"M{day.year:04d}-{day.month:02d}"


def academic_year_bucket(academic_year: str) -> str:
    return f"A{academic_year}"


def buckets_of(day: datetime.date) -> tuple[str, str]:
    """The year and the month a day falls in, as buckets."""
    return year_bucket(day.year), month_bucket(day)


def before(day: datetime.date) -> Q:
    """The buckets of every day before `day`'s month: the years before its year (and the time
    before everything), then its year's months before its month."""
    # Ranges of the index, not patterns: every year bucket sorts after "Y", every month's after "M".
    return Q(bucket__gte="Y", bucket__lt=year_bucket(day.year)) | Q(
        bucket__gte=month_bucket(day.replace(month=1)), bucket__lt=month_bucket(day)
    )


def months_from(first: datetime.date, count: int) -> list[str]:
    """The buckets of `count` months, from the one `first` falls in."""
    months, day = [], first.replace(day=1)
    for _month in range(count):
        months.append(month_bucket(day))
        day = (day + datetime.timedelta(days=31)).replace(day=1)
    return months


def months_of_academic_year(academic_year: str) -> list[str]:
    return months_from(academic_year_bounds(academic_year)[0], 12)


def scope_of(filters) -> str | None:
    """The scope that holds what the dashboard's filters select, or None when more than one
    filter is chosen (those dashboards count the records themselves)."""
    chosen = [
        ("unit", filters.unit.pk if filters.unit else None),
        ("country", filters.country),
        ("region", filters.region),
        ("kind", filters.partner_kind),
    ]
    chosen = [(name, value) for name, value in chosen if value]
    if not chosen:
        return ""
    if len(chosen) > 1:
        return None
    name, value = chosen[0]
    return f"{name}:{value}"


def _scopes(unit_ids, parents: dict, countries, kinds) -> list[str]:
    """Every scope a record with these units and partners' countries and kinds falls in."""
    return ["", *_unit_scopes(unit_ids, parents), *_partner_scopes(countries, kinds)]


def _unit_scopes(unit_ids, parents: dict) -> list[str]:
    units = set()
    for unit_id in unit_ids:
        if unit_id is not None:
            units.add(unit_id)
            if parents.get(unit_id) is not None:
                units.add(parents[unit_id])
    return [f"unit:{unit}" for unit in sorted(units)]


def _partner_scopes(countries, kinds) -> list[str]:
    regions = sorted({region for country in countries for region in REGIONS_OF.get(country, ())})
    return (
        [f"country:{country}" for country in sorted(countries)]
        + [f"region:{region}" for region in regions]
        + [f"kind:{kind}" for kind in sorted(kinds)]
    )


def _unit_parents() -> dict[int, int | None]:
    return dict(Unit.objects.values_list("pk", "parent_id"))


def _iso(day: datetime.date | None) -> str | None:
    return day.isoformat() if day else None


def _day(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def _chunks(ids, size=BATCH_SIZE):
    ids = iter(ids)
    while chunk := list(islice(ids, size)):
        yield chunk


# Signatures: what each record's counts depend on; None for a record that counts nowhere


def agreement_signatures(ids=None) -> dict[int, dict]:
    rows = Agreement.objects.all()
    if ids is not None:
        rows = rows.filter(pk__in=ids)
    parents = _unit_parents()
    unused = QuotaUse.objects.filter(ever_signed=True, unused__gt=0)
    if ids is not None:
        unused = unused.filter(quota__agreement_id__in=ids)
    quotas: dict[int, dict] = {}
    for agreement_id, year, count in (
        unused.values_list("quota__agreement_id", "academic_year").annotate(count=Count("pk")).order_by()
    ):
        quotas.setdefault(agreement_id, {})[year] = count
    signatures = {}
    fields = ("pk", "kind", "responsible_unit_id", "status", "signed_on", "valid_from", "expires_on", "auto_renews")
    for pk, kind, unit, status, signed_on, valid_from, expires_on, auto_renews, countries, kinds in rows.values_list(
        *fields, "partner_countries", "partner_kinds"
    ).order_by():
        countries, kinds = sorted(countries or {}), sorted(kinds or {})
        signed = signed_on if status not in Agreement.UNSIGNED else None
        in_force = in_force_span(valid_from, expires_on, auto_renews) if status == Agreement.Status.SIGNED else None
        if not signed and not in_force and pk not in quotas:
            continue
        signatures[pk] = {
            "scopes": _scopes([unit], parents, countries, kinds),
            "kind": kind,
            "countries": countries,
            "signed": _iso(signed),
            "in_force": [_iso(day) for day in in_force] if in_force else None,
            # Its conditions with places left, per academic year (QuotaUse, kept by activity.py).
            "quotas": quotas.get(pk, {}),
        }
    return signatures


def in_force_span(valid_from, expires_on, auto_renews) -> tuple | None:
    """A signed agreement's first day in force (None: from the start) and its first day no
    longer in force (None: never), as in_force_condition has them; None if it would end before
    it began."""
    until = None if auto_renews or expires_on is None else expires_on
    if valid_from and until and valid_from > until:
        return None
    return valid_from, until + datetime.timedelta(days=1) if until else None


def agreement_keys(signature: dict) -> list[tuple]:
    scopes, kind, countries = signature["scopes"], signature["kind"], signature["countries"]
    keys = []
    if signature["signed"]:
        for bucket in buckets_of(_day(signature["signed"])):
            keys += [("signed", scope, bucket, kind) for scope in scopes]
    if signature["in_force"]:
        start, end = (_day(value) for value in signature["in_force"])
        events = [("in_force_from", buckets_of(start) if start else (BEFORE_EVERYTHING,))]
        if end:
            events.append(("in_force_until", buckets_of(end)))
        for figure, buckets in events:
            for bucket in buckets:
                keys += [(figure, scope, bucket, kind) for scope in scopes]
                keys += [(f"{figure}_country", scope, bucket, country) for scope in scopes for country in countries]
    for year, count in signature.get("quotas", {}).items():
        keys += [("quotas_unused", scope, academic_year_bucket(year), "") for scope in scopes] * count
    return keys


def partner_signatures(ids=None) -> dict[int, dict]:
    rows = Institution.objects.current().active()
    parties = AgreementParty.objects.filter(institution__isnull=False)
    if ids is not None:
        rows = rows.filter(pk__in=ids)
        parties = parties.filter(institution_id__in=ids)
    units: dict[int, set] = {}
    for institution_id, unit_id in parties.values_list("institution_id", "agreement__responsible_unit_id").distinct():
        units.setdefault(institution_id, set()).add(unit_id)
    parents = _unit_parents()
    signatures = {}
    for pk, kind, country, created_at, first_signed_on in rows.values_list(
        "pk", "kind", "country", "created_at", "first_signed_on"
    ).order_by():
        country = str(country or "")
        signatures[pk] = {
            "scopes": _scopes(units.get(pk, ()), parents, [country] if country else [], [kind]),
            "kind": kind,
            "country": country,
            "start": partner_since(created_at, first_signed_on).isoformat(),
        }
    return signatures


def partner_since(created_at: datetime.datetime, first_signed_on: datetime.date | None) -> datetime.date:
    """The day a partner became one (partner_by_condition): entered, or party to an agreement
    signed, whichever came first."""
    entered = timezone.localtime(created_at).date()
    return first_signed_on if first_signed_on and first_signed_on < entered else entered


def partner_keys(signature: dict) -> list[tuple]:
    keys = []
    for bucket in buckets_of(_day(signature["start"])):
        for scope in signature["scopes"]:
            keys.append(("partners", scope, bucket, signature["kind"]))
            keys.append(("partners_country", scope, bucket, signature["country"]))
    return keys


def participant_signatures(ids=None) -> dict[int, dict]:
    rows = Participant.objects.active()
    if ids is not None:
        rows = rows.filter(pk__in=ids)
    parents = _unit_parents()
    signatures = {}
    fields = ("pk", "program__academic_year", "direction", "kind", "unit_id")
    partner = ("partner_institution__country", "partner_institution__kind")
    for pk, year, direction, kind, unit, country, partner_kind in rows.values_list(*fields, *partner).order_by():
        countries = [str(country)] if country else []
        signatures[pk] = {
            "scopes": _scopes([unit], parents, countries, [partner_kind] if partner_kind else []),
            "year": year,
            "part": f"{direction}:{kind}",
        }
    return signatures


def participant_keys(signature: dict) -> list[tuple]:
    bucket = academic_year_bucket(signature["year"])
    return [("mobility", scope, bucket, signature["part"]) for scope in signature["scopes"]]


def visit_signatures(ids=None) -> dict[int, dict]:
    rows = Visit.objects.exclude(status=Visit.Status.CANCELLED)
    if ids is not None:
        rows = rows.filter(pk__in=ids)
    parents = _unit_parents()
    signatures = {}
    fields = ("pk", "kind", "starts_on", "host_unit_id", "partner_countries", "partner_kinds")
    for pk, kind, starts_on, unit, countries, kinds in rows.values_list(*fields).order_by():
        signatures[pk] = {
            "scopes": _scopes([unit], parents, sorted(countries or {}), sorted(kinds or {})),
            "kind": kind,
            "month": month_bucket(starts_on),
        }
    return signatures


def visit_keys(signature: dict) -> list[tuple]:
    return [("visits", scope, signature["month"], signature["kind"]) for scope in signature["scopes"]]


SOURCES = {
    "agreement": (agreement_signatures, agreement_keys),
    "partner": (partner_signatures, partner_keys),
    "participant": (participant_signatures, participant_keys),
    "visit": (visit_signatures, visit_keys),
}


# Keeping them


def recount(source: str, ids) -> int:
    """Count these records (of `source`: "agreement", "partner", "participant", "visit") as they are now,
    taking back what they counted before; records that are gone count nowhere. How many
    records' counts moved. Runs inside the write's transaction."""
    ids = sorted({pk for pk in ids if pk is not None})
    if not ids:
        return 0
    signatures_of, keys_of = SOURCES[source]
    moved = 0
    with transaction.atomic(savepoint=False):
        for chunk in _chunks(ids):
            # A mark for every record, then each locked: two writes recounting one record wait
            # for each other, so neither takes back a count the other already moved.
            TallyMark.objects.bulk_create(
                [TallyMark(source=source, row_id=pk, signature=None) for pk in chunk], ignore_conflicts=True
            )
            marks = {
                mark.row_id: mark
                for mark in TallyMark.objects.select_for_update()
                .filter(source=source, row_id__in=chunk)
                .order_by("row_id")
            }
            new = signatures_of(chunk)
            change: Counter = Counter()
            changed = []
            for pk in chunk:
                mark, after = marks[pk], new.get(pk)
                if mark.signature == after:
                    continue
                if mark.signature:
                    change.subtract(keys_of(mark.signature))
                if after:
                    change.update(keys_of(after))
                mark.signature = after
                changed.append(mark)
            _append(change)
            # Updated where they are, never deleted and made again: a write waiting for one of
            # these rows' locks then reads the signature stored here.
            TallyMark.objects.bulk_update(changed, ["signature"], batch_size=500)
            moved += len(changed)
    return moved


def _append(change: Counter) -> None:
    rows = [Tally(figure=f, scope=s, bucket=b, part=p, total=n) for (f, s, b, p), n in change.items() if n]
    Tally.objects.bulk_create(rows, batch_size=BATCH_SIZE)


def rebuild() -> int:
    """Count every record afresh: the tallies and the marks replaced. How many counts were not
    what counting afresh gives (a key whose sum differed, or was missing or left over)."""
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # No write may recount while everything is counted again (it would be lost). Readers
            # go on reading the old counts until this commits.
            cursor.execute(f"LOCK TABLE {_table(TallyMark)} IN EXCLUSIVE MODE")
        kept = _sums()
        # In SQL: Django's delete() would load every row to send its signals.
        cursor.execute(f"DELETE FROM {_table(Tally)}")
        cursor.execute(f"DELETE FROM {_table(TallyMark)}")
        totals: Counter = Counter()
        marks = []
        for source, (signatures_of, keys_of) in SOURCES.items():
            for pk, signature in signatures_of().items():
                totals.update(keys_of(signature))
                marks.append((source, pk, json.dumps(signature)))
        _insert(cursor, TallyMark, ("source", "row_id", "signature"), marks)
        totals = {key: total for key, total in totals.items() if total}
        _insert(cursor, Tally, ("figure", "scope", "bucket", "part", "total"), [
            (*key, total) for key, total in totals.items()
        ])  # fmt: skip
    return sum(1 for key in kept.keys() | totals.keys() if kept.get(key) != totals.get(key))


def _sums() -> dict[tuple, int]:
    """{(figure, scope, bucket, part): total} as kept now, the keys that sum to nothing left out."""
    rows = Tally.objects.values_list("figure", "scope", "bucket", "part").annotate(sum=Sum("total")).order_by()
    return {(figure, scope, bucket, part): total for figure, scope, bucket, part, total in rows if total}


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _insert(cursor, model, columns: tuple, rows: list[tuple]) -> None:
    """Many rows at once: PostgreSQL's COPY (psycopg2's copy_expert), elsewhere bulk_create."""
    if connection.vendor == "postgresql":
        data = io.StringIO()
        csv.writer(data, quoting=csv.QUOTE_ALL).writerows(rows)  # quoted: "" is an empty string, not NULL
        data.seek(0)
        cursor.copy_expert(f"COPY {_table(model)} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv)", data)
        return
    objects = [model(**dict(zip(columns, row, strict=True))) for row in rows]
    if model is TallyMark:
        for mark in objects:
            mark.signature = json.loads(mark.signature)
    model.objects.bulk_create(objects, batch_size=BATCH_SIZE)


def compact() -> int:
    """Sum the rows appended for each key into one, and drop the keys that sum to nothing; how
    many rows went. Readers see the sums before or after, never half."""
    table = _table(Tally)
    keys = "figure, scope, bucket, part"
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One statement: the rows it reads are the rows it deletes; rows appended meanwhile
            # are left for the next time. One compaction at a time.
            cursor.execute("SELECT pg_try_advisory_xact_lock(hashtext('dashboard-tallies-compact'))")
            if not cursor.fetchone()[0]:
                return 0
            cursor.execute(
                f"WITH gone AS (DELETE FROM {table} WHERE ({keys}) IN (SELECT {keys} FROM {table} GROUP BY {keys} "
                f"HAVING COUNT(*) > 1 OR SUM(total) = 0) RETURNING {keys}, total), "
                f"kept AS (INSERT INTO {table} ({keys}, total) SELECT {keys}, SUM(total) FROM gone "
                f"GROUP BY {keys} HAVING SUM(total) <> 0 RETURNING 1) "
                "SELECT (SELECT COUNT(*) FROM gone) - (SELECT COUNT(*) FROM kept)"
            )
            return cursor.fetchone()[0]
        # SQLite writes one transaction at a time: nothing is appended meanwhile.
        cursor.execute(f"SELECT {keys}, SUM(total) FROM {table} GROUP BY {keys} HAVING COUNT(*) > 1 OR SUM(total) = 0")
        repeated = cursor.fetchall()
        removed = 0
        for figure, scope, bucket, part, total in repeated:
            key = {"figure": figure, "scope": scope, "bucket": bucket, "part": part}
            removed += Tally.objects.filter(**key).delete()[0]
            if total:
                Tally.objects.create(**key, total=total)
                removed -= 1
        return removed


# Reading them


def flows(figure: str, scope: str, buckets: list[str]) -> dict[tuple[str, str], int]:
    """{(bucket, part): total} of a flow in these buckets."""
    rows = (
        Tally.objects.filter(figure=figure, scope=scope, bucket__in=buckets)
        .values_list("bucket", "part")
        .annotate(sum=Sum("total"))
        .order_by()
    )
    return {(bucket, part): total for bucket, part, total in rows if total}


def stocks(figure: str, scope: str, days: list[datetime.date], ended: str | None = None) -> list[Counter]:
    """For each day, {part: how many records of `figure` had come before the day's month, less
    (with `ended`) those that had ended before it}; the day's own month is the caller's to add,
    from the records themselves (in_force_partial_month, partners_partial_month)."""
    figures = [figure] + ([ended] if ended else [])
    signed = Case(When(figure=figure, then=F("total")), default=-F("total"), output_field=IntegerField())
    sums = {f"on{index}": Sum(signed, filter=before(day)) for index, day in enumerate(days)}
    read = Q()
    for day in days:
        read |= before(day)
    rows = Tally.objects.filter(read, figure__in=figures, scope=scope).values_list("part").annotate(**sums).order_by()
    counts = [Counter() for _day in days]
    for part, *totals in rows:
        for index, total in enumerate(totals):
            if total:
                counts[index][part] += total
    return counts


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def in_force_partial_month(agreements, days: list[datetime.date]) -> tuple[list[Counter], list[Counter]]:
    """For each day, the agreements (of the queryset given) that came in force or ended in the
    day's month up to the day, added and taken away: ({kind: n}, {partner country: n})."""
    condition = Q()
    for day in days:
        start, previous_day = month_start(day), day - datetime.timedelta(days=1)
        condition |= Q(valid_from__range=(start, day)) | Q(
            expires_on__range=(start - datetime.timedelta(days=1), previous_day)
        )
    rows = (
        agreements.filter(condition, status=Agreement.Status.SIGNED)
        .values_list("kind", "partner_countries", "valid_from", "expires_on", "auto_renews")
        .order_by()
    )
    kinds, countries = [Counter() for _day in days], [Counter() for _day in days]
    for kind, partner_countries, valid_from, expires_on, auto_renews in rows:
        span = in_force_span(valid_from, expires_on, auto_renews)
        if span is None:
            continue  # never in force
        end = span[1]
        for index, day in enumerate(days):
            start = month_start(day)
            change = (valid_from is not None and start <= valid_from <= day) - (end is not None and start <= end <= day)
            if change:
                kinds[index][kind] += change
                for country in partner_countries or {}:
                    countries[index][country] += change
    return kinds, countries


def partners_partial_month(partners, days: list[datetime.date]) -> list[tuple[Counter, Counter]]:
    """For each day, the partners (of the queryset given) that became one in the day's month up
    to the day (partner_by_condition: entered, or first agreement signed): ({kind: n},
    {country: n})."""
    condition = Q()
    for day in days:
        start = month_start(day)
        first_moment, after = _local_midnight(start), _local_midnight(day + datetime.timedelta(days=1))
        # Became one in [start, day]: entered then and had no agreement signed before, or had its
        # first signed then and was not entered before. Each side a range of its own index.
        entered = Q(created_at__gte=first_moment, created_at__lt=after) & (
            Q(first_signed_on__isnull=True) | Q(first_signed_on__gte=start)
        )
        condition |= entered | Q(first_signed_on__range=(start, day), created_at__gte=first_moment)
    counted = [(Counter(), Counter()) for _day in days]
    rows = partners.filter(condition).values_list("kind", "country", "created_at", "first_signed_on").order_by()
    for kind, country, created_at, first_signed_on in rows:
        start = partner_since(created_at, first_signed_on)
        for index, day in enumerate(days):
            if month_start(day) <= start <= day:
                counted[index][0][kind] += 1
                counted[index][1][str(country or "")] += 1
    return counted


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
