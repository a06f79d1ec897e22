"""The rector's dashboard: one selector per figure, chart and list, each keyword-only and taking
the dashboard's filters (academic year, our unit, country or region, kind of partner).

Every number is one aggregate query (a conditional Count per year, grouped in the database),
never a loop over rows, so the page costs the same queries for ten agreements or fifty
thousand. Every number carries the link of the staff list that shows exactly the records it
counts: the lists' FilterSets apply the same rules (the models' own querysets, such as
`Agreement.objects.dormant()`), and the tests check that the two agree.

Stock figures (partners, agreements in force, expiring) are taken on `as_of`: today in the
current academic year, the year's last day for a past one. Flows (agreements signed, visits,
mobility, quotas) count the whole academic year. Each is compared with the same figure a year
earlier. What needs attention now (expiring, overdue, dormant, upcoming) is as of today.
"""

import datetime
import functools
from collections import Counter
from dataclasses import dataclass, field, replace
from urllib.parse import urlencode

from django.db import connection
from django.db.models import (
    CharField,
    Count,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Window,
)
from django.db.models.functions import TruncQuarter, TruncYear
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from django_countries import countries

from agreements.models import (
    DORMANT_AFTER_YEARS,
    EXPIRING_SOON,
    Agreement,
    AgreementParty,
    Direction,
    QuotaUse,
    expiring_condition,
    in_force_condition,
)
from cooperation.dashboard import tallies
from cooperation.lib.academic_years import academic_year_bounds, academic_year_of, previous_academic_year, years_before
from cooperation.lib.regions import REGIONS, countries_in
from cooperation.visits.models import FollowUpAction, Visit
from mobility.models import Participant
from partners.models import Institution, Unit, partner_by_condition, unit_and_children

UPCOMING_VISITS_WITHIN = datetime.timedelta(days=30)
LIST_LENGTH = 15
SIGNED_CHART_YEARS = 10
MOBILITY_CHART_YEARS = 6
VISIT_CHART_QUARTERS = 8
COUNTRY_CHART_LENGTH = 15


@dataclass(frozen=True)
class DashboardFilters:
    academic_year: str
    today: datetime.date
    unit: Unit | None = None
    country: str = ""
    region: str = ""
    partner_kind: str = ""

    @functools.cached_property
    def unit_ids(self) -> list[int]:
        """Our unit and the units under it (unit_and_children), read once: each query then names
        the units, and PostgreSQL plans for those units' own rows (a unit with few records is
        not searched for along every record in order)."""
        return list(unit_and_children(self.unit).values_list("pk", flat=True)) if self.unit else []

    @property
    def bounds(self) -> tuple[datetime.date, datetime.date]:
        return academic_year_bounds(self.academic_year)

    @property
    def as_of(self) -> datetime.date:
        return min(self.today, self.bounds[1])

    def previous(self) -> "DashboardFilters":
        return replace(
            self, academic_year=previous_academic_year(self.academic_year), today=years_before(self.today, 1)
        )

    def list_params(self, kind_param: str = "partner_kind") -> dict:
        """The dashboard's filters as a staff list's query parameters."""
        return {
            "unit": self.unit.pk if self.unit else "",
            "country": self.country,
            "region": self.region,
            kind_param: self.partner_kind,
        }

    def as_of_param(self, name: str) -> dict:
        # The lists take "today" by default: say the day only when it is another.
        return {name: self.as_of.isoformat()} if self.as_of != self.today else {}

    def described(self) -> list[tuple[str, str]]:
        """(filter, value) in the user's language: the header of the exports."""
        rows = [(_("Academic year"), self.academic_year), (_("Figures as of"), self.as_of.isoformat())]
        if self.unit:
            rows.append((_("Our unit"), str(self.unit)))
        if self.country:
            rows.append((_("Country"), str(countries.name(self.country))))
        if self.region:
            rows.append((_("Region"), str(REGIONS[self.region][0])))
        if self.partner_kind:
            rows.append((_("Kind of partner"), str(Institution.Kind(self.partner_kind).label)))
        return rows


def default_filters(*, today: datetime.date | None = None) -> DashboardFilters:
    today = today or timezone.localdate()
    return DashboardFilters(academic_year=academic_year_of(today), today=today)


@dataclass
class Figure:
    """A number, the same number a year earlier, and the list of the records it counts."""

    key: str
    label: str
    current: int
    previous: int
    url: str
    parts: list["Figure"] = field(default_factory=list)

    @property
    def change(self) -> int:
        return self.current - self.previous


@functools.cache
def _path(name: str) -> str:
    # A page shows some three hundred links to a handful of lists: reverse each list once.
    return reverse(name)


def list_url(name: str, **params) -> str:
    query = urlencode({key: value for key, value in params.items() if value not in ("", None)})
    return f"{_path(name)}?{query}" if query else _path(name)


# What the filters select, per kind of record. A partner filter on agreements and visits asks
# each filter of its own party or partner (as the lists do), not of one party for them all.


def _institution_conditions(filters: DashboardFilters, prefix: str) -> list[Q]:
    conditions = []
    if filters.country:
        conditions.append(Q(**{f"{prefix}country": filters.country}))
    if filters.region:
        conditions.append(Q(**{f"{prefix}country__in": countries_in(filters.region)}))
    if filters.partner_kind:
        conditions.append(Q(**{f"{prefix}kind": filters.partner_kind}))
    return conditions


def partners_filtered(*, filters: DashboardFilters):
    partners = Institution.objects.current().active()
    for condition in _institution_conditions(filters, ""):
        partners = partners.filter(condition)
    if filters.unit:
        partners = partners.filter(
            Exists(
                AgreementParty.objects.filter(
                    institution=OuterRef("pk"), agreement__responsible_unit__in=filters.unit_ids
                )
            )
        )
    return partners


def _partner_set_conditions(filters: DashboardFilters) -> list[Q]:
    """The partner filters as tests of the partner sets kept on an agreement or a visit
    (cooperation/activity.py), or copied onto an agreement's conditions' uses: the same rule as
    asking its parties or partners, each filter of its own party or partner."""
    conditions = []
    if filters.country:
        conditions.append(Q(partner_countries__has_key=filters.country))
    if filters.region:
        region = countries_in(filters.region)
        conditions.append(Q(partner_countries__has_any_keys=region) if region else Q(pk__in=[]))
    if filters.partner_kind:
        conditions.append(Q(partner_kinds__has_key=filters.partner_kind))
    return conditions


def agreements_filtered(*, filters: DashboardFilters):
    agreements = Agreement.objects.all()
    if filters.unit:
        agreements = agreements.filter(responsible_unit__in=filters.unit_ids)
    for condition in _partner_set_conditions(filters):
        agreements = agreements.filter(condition)
    return agreements


def visits_filtered(*, filters: DashboardFilters):
    visits = Visit.objects.all()
    if filters.unit:
        visits = visits.filter(host_unit__in=filters.unit_ids)
    for condition in _partner_set_conditions(filters):
        visits = visits.filter(condition)
    return visits


def participants_filtered(*, filters: DashboardFilters):
    participants = Participant.objects.active()
    if filters.unit:
        participants = participants.filter(unit__in=filters.unit_ids)
    for condition in _institution_conditions(filters, "partner_institution__"):
        participants = participants.filter(condition)
    return participants


def _by_group(rows, group: str, labels: dict, make_url) -> tuple[int, int, list[Figure]]:
    """Totals and one part per group from rows of (group, current, previous)."""
    parts = [
        Figure(
            key=str(row[group]),
            label=str(labels.get(row[group], row[group])),
            current=row["current"],
            previous=row["previous"],
            url=make_url(row[group]),
        )
        for row in rows
        if row["current"] or row["previous"]
    ]
    parts.sort(key=lambda part: (-part.current, part.label))
    return sum(part.current for part in parts), sum(part.previous for part in parts), parts


def _kept_figure(key, label, model, current: Counter, previous: Counter, url) -> Figure:
    """A figure per kind from kept counts (cooperation/dashboard/tallies.py): {kind: n} now and
    a year earlier."""
    rows = [{"kind": kind, "current": current[kind], "previous": previous[kind]} for kind in current | previous]
    total, total_before, parts = _by_group(rows, "kind", dict(model.Kind.choices), lambda kind: url(kind=kind))
    return Figure(key=key, label=label, current=total, previous=total_before, url=url(), parts=parts)


def _kept_year_on_year(
    figure: str, scope: str, filters: DashboardFilters, buckets_of, kind_of
) -> tuple[Counter, Counter]:
    """A kept flow in this academic year and the one before ({kind: n} each): `buckets_of` an
    academic year gives its buckets, `kind_of` a part the kind it counts for (None: not counted
    here)."""
    this_year = buckets_of(filters.academic_year)
    last_year = buckets_of(filters.previous().academic_year)
    current, previous = Counter(), Counter()
    for (bucket, part), total in tallies.flows(figure, scope, this_year + last_year).items():
        kind = kind_of(part)
        if kind is not None:
            (current if bucket in this_year else previous)[kind] += total
    return current, previous


def _kind_figure(key, label, queryset, current: Q, previous: Q, url) -> Figure:
    # COUNT(kind), never null, rather than COUNT(id): the participants' counts then come from an
    # index alone (participant_program_figures), without reading the rows. Only the rows either
    # count are read (a kind counted by neither is left out below anyway): the expiring and the
    # signed agreements then come from their date indexes, not from every agreement.
    rows = queryset.filter(current | previous).values("kind").annotate(
        current=Count("kind", filter=current), previous=Count("kind", filter=previous)
    ).order_by("kind")  # fmt: skip
    labels = dict(queryset.model.Kind.choices)
    total, total_before, parts = _by_group(rows, "kind", labels, lambda kind: url(kind=kind))
    return Figure(key=key, label=label, current=total, previous=total_before, url=url(), parts=parts)


# The key figures


def figure_partners(*, filters: DashboardFilters) -> Figure:
    """Active partners (a partner by the day the figures are taken on), by kind."""
    before = filters.previous()

    def url(kind=""):
        params = {
            **filters.list_params("kind"),
            "status": Institution.Status.ACTIVE,
            **filters.as_of_param("partner_by"),
        }
        if kind:
            params["kind"] = kind
        return list_url("partners:institution-list", **params)

    scope = tallies.scope_of(filters)
    if scope is None:
        return _kind_figure(
            "partners",
            _("Active partners"),
            partners_filtered(filters=filters),
            partner_by_condition(filters.as_of),
            partner_by_condition(before.as_of),
            url,
        )
    current, previous = _partners_kept(filters, scope, "partners", [filters.as_of, before.as_of])
    return _kept_figure("partners", _("Active partners"), Institution, current, previous, url)


def _partners_kept(filters: DashboardFilters, scope: str, figure: str, days) -> list[Counter]:
    """Partners by each day, per kind ("partners") or per country ("partners_country")."""
    kept = tallies.stocks(figure, scope, days)
    recent = tallies.partners_partial_month(partners_filtered(filters=filters), days)
    side = 0 if figure == "partners" else 1
    return [counts + month[side] for counts, month in zip(kept, recent, strict=True)]


def _in_force_kept(filters: DashboardFilters, scope: str, days, by_country: bool = False) -> list[Counter]:
    """Agreements in force on each day, per kind (or per partner country)."""
    suffix = "_country" if by_country else ""
    kept = tallies.stocks(f"in_force_from{suffix}", scope, days, ended=f"in_force_until{suffix}")
    recent = tallies.in_force_partial_month(agreements_filtered(filters=filters), days)[1 if by_country else 0]
    return [counts + month for counts, month in zip(kept, recent, strict=True)]


def _agreement_url(filters: DashboardFilters, kind="", **params) -> str:
    return list_url("agreements:agreement-list", **{**filters.list_params(), "kind": kind, **params})


def figure_agreements_in_force(*, filters: DashboardFilters) -> Figure:
    before = filters.previous()

    def url(kind=""):
        return _agreement_url(filters, kind, state="in_force", **filters.as_of_param("on"))

    scope = tallies.scope_of(filters)
    if scope is None:
        return _kind_figure(
            "agreements_in_force",
            _("Agreements in force"),
            agreements_filtered(filters=filters),
            in_force_condition(filters.as_of),
            in_force_condition(before.as_of),
            url,
        )
    current, previous = _in_force_kept(filters, scope, [filters.as_of, before.as_of])
    return _kept_figure("agreements_in_force", _("Agreements in force"), Agreement, current, previous, url)


def figure_agreements_expiring(*, filters: DashboardFilters) -> Figure:
    before = filters.previous()
    return _kind_figure(
        "agreements_expiring",
        ngettext_lazy("Agreements expiring within %(days)s day", "Agreements expiring within %(days)s days", "days")
        % {"days": EXPIRING_SOON.days},
        agreements_filtered(filters=filters),
        expiring_condition(EXPIRING_SOON, filters.as_of),
        expiring_condition(EXPIRING_SOON, before.as_of),
        lambda kind="": _agreement_url(filters, kind, expiring=EXPIRING_SOON.days, **filters.as_of_param("on")),
    )


def _signed_in(bounds) -> Q:
    return ~Q(status__in=Agreement.UNSIGNED) & Q(signed_on__range=bounds)


def figure_agreements_signed(*, filters: DashboardFilters) -> Figure:
    start, end = filters.bounds
    label = _("Agreements signed this academic year")

    def url(kind=""):
        return _agreement_url(filters, kind, signed_from=start.isoformat(), signed_until=end.isoformat())

    scope = tallies.scope_of(filters)
    if scope is None:
        return _kind_figure(
            "agreements_signed",
            label,
            agreements_filtered(filters=filters),
            _signed_in(filters.bounds),
            _signed_in(filters.previous().bounds),
            url,
        )
    current, previous = _kept_year_on_year("signed", scope, filters, tallies.months_of_academic_year, lambda kind: kind)
    return _kept_figure("agreements_signed", label, Agreement, current, previous, url)


def _visits_in(bounds) -> Q:
    return ~Q(status=Visit.Status.CANCELLED) & Q(starts_on__range=bounds)


def _visit_figure(key, label, direction: str, kinds, filters: DashboardFilters) -> Figure:
    def url(kind=""):
        return list_url(
            "cooperation:visit-list",
            **filters.list_params(),
            kind=kind,
            direction=direction,
            academic_year=filters.academic_year,
            cancelled="false",
        )

    scope = tallies.scope_of(filters)
    if scope is None:
        return _kind_figure(
            key,
            label,
            visits_filtered(filters=filters).filter(kind__in=kinds),
            _visits_in(filters.bounds),
            _visits_in(filters.previous().bounds),
            url,
        )
    current, previous = _kept_year_on_year(
        "visits", scope, filters, tallies.months_of_academic_year, lambda kind: kind if kind in kinds else None
    )
    return _kept_figure(key, label, Visit, current, previous, url)


def figure_visits_received(*, filters: DashboardFilters) -> Figure:
    return _visit_figure("visits_received", _("Visits received"), "incoming", Visit.INCOMING_KINDS, filters)


def figure_visits_sent(*, filters: DashboardFilters) -> Figure:
    return _visit_figure("visits_sent", _("Visits sent"), "outgoing", Visit.OUTGOING_KINDS, filters)


def _mobility_figure(key, label, direction: str, filters: DashboardFilters) -> Figure:
    """Participants not withdrawn, in programs of the year, split into students and staff."""

    def url(kind=""):
        return list_url(
            "dashboard-participants",
            **filters.list_params(),
            kind=kind,
            direction=direction,
            academic_year=filters.academic_year,
            withdrawn="false",
        )

    scope = tallies.scope_of(filters)
    if scope is None:
        this_year, last_year = filters.academic_year, filters.previous().academic_year
        return _kind_figure(
            key,
            label,
            participants_filtered(filters=filters).filter(
                direction=direction, program__academic_year__in=[this_year, last_year]
            ),
            Q(program__academic_year=this_year),
            Q(program__academic_year=last_year),
            url,
        )
    current, previous = _kept_year_on_year(
        "mobility",
        scope,
        filters,
        lambda year: [tallies.academic_year_bucket(year)],
        lambda part: part.partition(":")[2] if part.startswith(f"{direction}:") else None,
    )
    return _kept_figure(key, label, Participant, current, previous, url)


def figure_mobility_outgoing(*, filters: DashboardFilters) -> Figure:
    return _mobility_figure("mobility_outgoing", _("Outgoing mobility"), Direction.OUTGOING, filters)


def figure_mobility_incoming(*, filters: DashboardFilters) -> Figure:
    return _mobility_figure("mobility_incoming", _("Incoming mobility"), Direction.INCOMING, filters)


FIGURES = (
    figure_partners,
    figure_agreements_in_force,
    figure_agreements_expiring,
    figure_agreements_signed,
    figure_visits_received,
    figure_visits_sent,
    figure_mobility_outgoing,
    figure_mobility_incoming,
)


def dashboard_figures(*, filters: DashboardFilters) -> list[Figure]:
    return [figure(filters=filters) for figure in FIGURES]


# The charts: labels, and per dataset its values and the list URL of each bar.


@dataclass
class Chart:
    key: str
    title: str
    labels: list[str]
    datasets: list[dict]  # {"label", "data": [int], "urls": [str]}

    def rows(self) -> list[tuple[str, list[int]]]:
        """(label, the value of each dataset): the chart as a table."""
        return [
            (label, [dataset["data"][index] for dataset in self.datasets]) for index, label in enumerate(self.labels)
        ]

    def linked_rows(self) -> list[tuple[str, list[tuple[int, str]]]]:
        """(label, (value, list URL) of each dataset): the chart as a table whose every number
        opens the list its bar opens."""
        return [
            (label, [(dataset["data"][index], dataset["urls"][index]) for dataset in self.datasets])
            for index, label in enumerate(self.labels)
        ]

    def as_json(self) -> dict:
        return {"key": self.key, "title": str(self.title), "labels": self.labels, "datasets": self.datasets}


def chart_agreements_signed_per_year(*, filters: DashboardFilters) -> Chart:
    last = filters.as_of.year
    years = list(range(last - SIGNED_CHART_YEARS + 1, last + 1))
    scope = tallies.scope_of(filters)
    if scope is None:
        rows = (
            agreements_filtered(filters=filters)
            .ever_signed()
            .filter(signed_on__range=(datetime.date(years[0], 1, 1), datetime.date(last, 12, 31)))
            .annotate(year=TruncYear("signed_on"))
            .values("year", "kind")
            .annotate(total=Count("pk"))
            .order_by("kind", "year")
        )
        counts = {(row["kind"], row["year"].year): row["total"] for row in rows}
    else:
        year_of = {tallies.year_bucket(year): year for year in years}
        kept = tallies.flows("signed", scope, list(year_of))
        counts = {(kind, year_of[bucket]): total for (bucket, kind), total in kept.items()}
    datasets = []
    for kind, label in Agreement.Kind.choices:
        if not any((kind, year) in counts for year in years):
            continue
        datasets.append(
            {
                "label": str(label),
                "data": [counts.get((kind, year), 0) for year in years],
                "urls": [
                    _agreement_url(filters, kind, signed_from=f"{year}-01-01", signed_until=f"{year}-12-31")
                    for year in years
                ],
            }
        )
    return Chart("agreements_signed", _("Agreements signed per year, by kind"), [str(y) for y in years], datasets)


def chart_mobility_per_year(*, filters: DashboardFilters) -> Chart:
    start = int(filters.academic_year[:4])
    years = [f"{year}/{year + 1}" for year in range(start - MOBILITY_CHART_YEARS + 1, start + 1)]
    scope = tallies.scope_of(filters)
    if scope is None:
        rows = (
            participants_filtered(filters=filters)
            .filter(program__academic_year__in=years)
            .values("program__academic_year", "direction")
            .annotate(total=Count("*"))
            .order_by()
        )
        counts = {(row["direction"], row["program__academic_year"]): row["total"] for row in rows}
    else:
        year_of = {tallies.academic_year_bucket(year): year for year in years}
        counts = Counter()
        for (bucket, part), total in tallies.flows("mobility", scope, list(year_of)).items():
            counts[(part.split(":")[0], year_of[bucket])] += total
    datasets = [
        {
            "label": str(label),
            "data": [counts.get((direction, year), 0) for year in years],
            "urls": [
                list_url(
                    "dashboard-participants",
                    **filters.list_params(),
                    direction=direction,
                    academic_year=year,
                    withdrawn="false",
                )
                for year in years
            ],
        }
        for direction, label in Direction.choices
    ]
    return Chart("mobility", _("Mobility per academic year, by direction"), years, datasets)


def _quarter_start(day: datetime.date) -> datetime.date:
    return datetime.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)


def _quarters_back(start: datetime.date, count: int) -> list[datetime.date]:
    quarters = [start]
    while len(quarters) < count:
        first = quarters[0]
        quarters.insert(0, datetime.date(first.year - (first.month == 1), (first.month - 4) % 12 + 1, 1))
    return quarters


def _quarter_end(start: datetime.date) -> datetime.date:
    following = datetime.date(start.year + (start.month == 10), (start.month + 2) % 12 + 1, 1)
    return following - datetime.timedelta(days=1)


VISIT_DIRECTIONS = (
    ("incoming", _("Received"), Q(kind__in=Visit.INCOMING_KINDS)),
    ("outgoing", _("Sent"), Q(kind__in=Visit.OUTGOING_KINDS)),
    ("other", _("Other"), ~Q(kind__in=Visit.INCOMING_KINDS | Visit.OUTGOING_KINDS)),
)


def _visit_direction(kind: str) -> str:
    if kind in Visit.INCOMING_KINDS:
        return "incoming"
    return "outgoing" if kind in Visit.OUTGOING_KINDS else "other"


def chart_visits_per_quarter(*, filters: DashboardFilters) -> Chart:
    """Eight quarters up to the one after today's (planned visits), or to the one a past
    academic year ends in."""
    last = min(_quarter_start(_quarter_end(_quarter_start(filters.as_of)) + datetime.timedelta(days=1)),
               _quarter_start(filters.bounds[1]))  # fmt: skip
    quarters = _quarters_back(last, VISIT_CHART_QUARTERS)
    scope = tallies.scope_of(filters)
    if scope is None:
        rows = (
            visits_filtered(filters=filters)
            .exclude(status=Visit.Status.CANCELLED)
            .filter(starts_on__range=(quarters[0], _quarter_end(quarters[-1])))
            .annotate(quarter=TruncQuarter("starts_on"))
            .values("quarter")
            .annotate(**{direction: Count("pk", filter=condition) for direction, _label, condition in VISIT_DIRECTIONS})
            .order_by("quarter")
        )
        counts = {row["quarter"]: row for row in rows}
    else:
        months = {month: quarter for quarter in quarters for month in tallies.months_from(quarter, 3)}
        counts = {}
        for (bucket, kind), total in tallies.flows("visits", scope, list(months)).items():
            direction = _visit_direction(kind)
            quarter = counts.setdefault(months[bucket], Counter())
            quarter[direction] += total
    datasets = [
        {
            "label": str(label),
            "data": [counts.get(quarter, {}).get(direction, 0) for quarter in quarters],
            "urls": [
                list_url(
                    "cooperation:visit-list",
                    **filters.list_params(),
                    direction=direction,
                    starts_from=quarter.isoformat(),
                    starts_until=_quarter_end(quarter).isoformat(),
                    cancelled="false",
                )
                for quarter in quarters
            ],
        }
        for direction, label, _condition in VISIT_DIRECTIONS
    ]
    labels = [f"{quarter.year} Q{(quarter.month - 1) // 3 + 1}" for quarter in quarters]
    return Chart("visits", _("Visits per quarter"), labels, datasets)


def chart_partners_by_country(*, filters: DashboardFilters) -> Chart:
    scope = tallies.scope_of(filters)
    if scope is None:
        rows = list(
            partners_filtered(filters=filters)
            .filter(partner_by_condition(filters.as_of))
            .values("country")
            .annotate(total=Count("pk"))
            .order_by("-total", "country")[:COUNTRY_CHART_LENGTH]
        )
    else:
        (counts,) = _partners_kept(filters, scope, "partners_country", [filters.as_of])
        ranked = sorted((item for item in counts.items() if item[1] > 0), key=lambda item: (-item[1], item[0]))
        rows = [{"country": country, "total": total} for country, total in ranked[:COUNTRY_CHART_LENGTH]]
    params = {**filters.list_params("kind"), "status": Institution.Status.ACTIVE, **filters.as_of_param("partner_by")}
    dataset = {
        "label": str(_("Active partners")),
        "data": [row["total"] for row in rows],
        "urls": [list_url("partners:institution-list", **{**params, "country": row["country"]}) for row in rows],
    }
    labels = [str(countries.name(row["country"])) for row in rows]
    return Chart("partners_by_country", _("Partners by country"), labels, [dataset])


def map_agreements_in_force(*, filters: DashboardFilters) -> dict:
    """{country code: {"name", "value", "url"}}: agreements in force with a partner there."""
    return {
        country: {
            "name": str(countries.name(country)),
            "value": total,
            "url": _agreement_url(filters, state="in_force", **{**filters.as_of_param("on"), "country": country}),
        }
        for country, total in _in_force_by_country(filters)
    }


def _in_force_by_country(filters: DashboardFilters) -> list[tuple[str, int]]:
    scope = tallies.scope_of(filters)
    if scope is not None:
        (counts,) = _in_force_kept(filters, scope, [filters.as_of], by_country=True)
        return [(country, total) for country, total in sorted(counts.items()) if total > 0]
    in_force = agreements_filtered(filters=filters).in_force(filters.as_of)
    if connection.vendor == "postgresql":
        # Each agreement's kept countries (cooperation/activity.py), one row per country: one
        # pass over the agreements in force, without their parties and partners.
        countries_of = Func(F("partner_countries"), function="jsonb_object_keys", output_field=CharField())
        rows = in_force.annotate(country=countries_of).values_list("country").annotate(total=Count("pk"))
    else:  # no set-returning function over JSON in the ORM elsewhere: the parties' partners
        parties = AgreementParty.objects.filter(institution__isnull=False, agreement__in=in_force)
        rows = parties.values_list("institution__country").annotate(total=Count("agreement", distinct=True))
    return list(rows.order_by())


def dashboard_charts(*, filters: DashboardFilters) -> list[Chart]:
    return [
        chart_agreements_signed_per_year(filters=filters),
        chart_mobility_per_year(filters=filters),
        chart_visits_per_quarter(filters=filters),
        chart_partners_by_country(filters=filters),
    ]


# The lists that need attention: the first rows, how many there are, and the list of them all.


@dataclass
class AttentionList:
    key: str
    title: str
    rows: list
    total: int
    url: str = ""


def _narrowed_to(queryset, relation: str, filtered):
    """queryset narrowed to the rows whose `relation` is among `filtered`, only when the
    dashboard's filters narrow that at all: "IN (every agreement)" still costs a join."""
    return queryset.filter(**{f"{relation}__in": filtered}) if filtered.query.where else queryset


def _first_rows(queryset, *order) -> tuple[list, int]:
    """The first rows and how many there are in all, in one query (a window count)."""
    rows = list(queryset.annotate(list_total=Window(Count("pk"))).order_by(*order)[:LIST_LENGTH])
    return rows, rows[0].list_total if rows else 0


def _agreement_rows(queryset):
    parties = Prefetch("parties", AgreementParty.objects.select_related("institution"))
    return queryset.select_related("responsible_unit", "responsible_person").prefetch_related(parties)


def list_expiring_agreements(*, filters: DashboardFilters) -> AttentionList:
    today = filters.today
    expiring = agreements_filtered(filters=filters).expiring(EXPIRING_SOON, today)
    rows, total = _first_rows(_agreement_rows(expiring), "expires_on", "pk")
    for agreement in rows:
        agreement.days_left_now = agreement.days_left(today)
    return AttentionList(
        "expiring",
        _("Expiring agreements"),
        rows,
        total,
        _agreement_url(filters, expiring=EXPIRING_SOON.days),
    )


def list_overdue_actions(*, filters: DashboardFilters) -> AttentionList:
    overdue = _narrowed_to(FollowUpAction.objects.overdue(filters.today), "visit", visits_filtered(filters=filters))
    # Counted apart, from the open actions' index alone: a window count joined every overdue
    # action to its visit and owner before the first fifteen were taken.
    rows = list(overdue.select_related("visit", "owner").order_by("due_on", "pk")[:LIST_LENGTH])
    total = overdue.count()
    for action in rows:
        action.days_overdue = (filters.today - action.due_on).days
    # The visit list shows the visits that have them (a visit may have several).
    url = list_url("cooperation:visit-list", **filters.list_params(), overdue="true")
    return AttentionList("overdue", _("Overdue follow-up actions"), rows, total, url)


def list_dormant_agreements(*, filters: DashboardFilters) -> AttentionList:
    dormant = agreements_filtered(filters=filters).dormant(on=filters.today)
    # Counted apart, from an index alone (agreement_signed_quiet): with the window count of
    # _first_rows PostgreSQL read every old agreement's row to count the few dormant ones.
    rows = list(_agreement_rows(dormant).order_by("signed_on", "pk")[:LIST_LENGTH])
    total = dormant.count()
    return AttentionList(
        "dormant",
        ngettext_lazy(
            "Dormant agreements (in force, no mobility and no visit for %(years)s year)",
            "Dormant agreements (in force, no mobility and no visit for %(years)s years)",
            "years",
        )
        % {"years": DORMANT_AFTER_YEARS},
        rows,
        total,
        _agreement_url(filters, dormant="true"),
    )


def list_unused_quotas(*, filters: DashboardFilters) -> AttentionList:
    """Places agreed for the academic year (the cooperation conditions in effect in it) against the participants recorded for them (not
    withdrawn, in a program of that year resting on the agreement, same direction and category)."""
    # The recorded participants are kept per condition and year (QuotaUse, cooperation/activity.py
    # says when they are computed, with the agreement's title to order by): the first rows come
    # from its index in order, stopping at the fifteenth; their number is kept too
    # (cooperation/dashboard/tallies.py), or with several filters counted from the index alone,
    # in a subquery run once (a window count would read every row of the year).
    # The partner filters test the agreement's partner sets copied onto the use: the year's
    # uses alone are read, not every agreement.
    uses = QuotaUse.objects.filter(academic_year=filters.academic_year, unused__gt=0, ever_signed=True)
    for condition in _partner_set_conditions(filters):
        uses = uses.filter(condition)
    if filters.unit:
        uses = uses.filter(responsible_unit__in=filters.unit_ids)
    first = uses.select_related("quota__agreement").order_by("-unused", "agreement_title", "quota_id")
    scope = tallies.scope_of(filters)
    if scope is None:
        counted = uses.order_by().annotate(total=Func(F("pk"), function="COUNT", output_field=IntegerField()))
        first = list(first.annotate(list_total=Subquery(counted.values("total")))[:LIST_LENGTH])
        total = first[0].list_total if first else 0
    else:
        first = list(first[:LIST_LENGTH])
        total = sum(
            tallies.flows("quotas_unused", scope, [tallies.academic_year_bucket(filters.academic_year)]).values()
        )
    rows = []
    for use in first:
        use.quota.recorded, use.quota.unused = use.recorded, use.unused
        rows.append(use.quota)
    for quota in rows:
        quota.participants_url = list_url(
            "dashboard-participants",
            agreement=quota.agreement_id,
            academic_year=filters.academic_year,
            direction=quota.direction,
            category=quota.category,
            withdrawn="false",
        )
    return AttentionList("quotas", _("Unused quotas"), rows, total)


def list_upcoming_visits(*, filters: DashboardFilters) -> AttentionList:
    upcoming = visits_filtered(filters=filters).upcoming(within=UPCOMING_VISITS_WITHIN, on=filters.today)
    rows, total = _first_rows(upcoming.select_related("host_unit").prefetch_related("partners"), "starts_on", "pk")
    return AttentionList(
        "upcoming",
        _("Upcoming visits (30 days)"),
        rows,
        total,
        list_url(
            "cooperation:visit-list",
            **filters.list_params(),
            period="upcoming",
            starts_until=(filters.today + UPCOMING_VISITS_WITHIN).isoformat(),
        ),
    )


def dashboard_lists(*, filters: DashboardFilters) -> list[AttentionList]:
    return [
        list_expiring_agreements(filters=filters),
        list_overdue_actions(filters=filters),
        list_dormant_agreements(filters=filters),
        list_unused_quotas(filters=filters),
        list_upcoming_visits(filters=filters),
    ]


def dashboard_data(*, filters: DashboardFilters) -> dict:
    """Everything the dashboard shows for these filters: what the cache keeps
    (cooperation/dashboard/cache.py)."""
    return {
        "figures": dashboard_figures(filters=filters),
        "charts": dashboard_charts(filters=filters),
        "map": map_agreements_in_force(filters=filters),
        "lists": dashboard_lists(filters=filters),
    }
