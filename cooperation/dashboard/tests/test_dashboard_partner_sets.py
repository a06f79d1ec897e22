"""The dashboard's partner filters (a country, a region, a kind of partner) read the partner sets
kept on each agreement and each visit (partner_countries, partner_kinds; cooperation/
activity.py). On a mixed data set, after partners changed country and kind and parties and
visits' partners moved, every figure, chart, the map and every list are what the rule they
replaced gives: an EXISTS over each agreement's parties (each visit's partners) and their
partners, each filter of its own party."""

import datetime
from dataclasses import replace

import pytest
from django.db.models import Count, Exists, OuterRef, Q

from agreements.models import Agreement, AgreementParty
from cooperation.dashboard import selectors
from cooperation.demo.bulk import Sizes, seed_bulk
from cooperation.lib.regions import countries_in
from cooperation.visits.models import Visit
from partners.models import Institution, Unit

TODAY = datetime.date(2026, 3, 15)


def partner_conditions(filters) -> list[Q]:
    """The partner filters as conditions on a party's or a visit link's institution, each on a
    row of its own (the rule before the partner sets were kept)."""
    conditions = []
    if filters.country:
        conditions.append(Q(institution__country=filters.country))
    if filters.region:
        conditions.append(Q(institution__country__in=countries_in(filters.region)))
    if filters.partner_kind:
        conditions.append(Q(institution__kind=filters.partner_kind))
    return conditions


def agreements_by_parties(*, filters):
    """The rule before the partner sets were kept."""
    agreements = Agreement.objects.all()
    if filters.unit:
        agreements = agreements.filter(responsible_unit__in=selectors.unit_and_children(filters.unit))
    for condition in partner_conditions(filters):
        agreements = agreements.filter(Exists(AgreementParty.objects.filter(condition, agreement=OuterRef("pk"))))
    return agreements


def visits_by_partners(*, filters):
    """The rule before the visits kept their partner sets."""
    visits = Visit.objects.all()
    if filters.unit:
        visits = visits.filter(host_unit__in=selectors.unit_and_children(filters.unit))
    for condition in partner_conditions(filters):
        visits = visits.filter(Exists(Visit.partners.through.objects.filter(condition, visit=OuterRef("pk"))))
    return visits


def map_by_parties(*, filters) -> dict[str, int]:
    in_force = agreements_by_parties(filters=filters).in_force(filters.as_of)
    rows = AgreementParty.objects.filter(institution__isnull=False, agreement__in=in_force)
    counted = rows.values_list("institution__country").annotate(total=Count("agreement", distinct=True))
    return dict(counted.order_by())


def shown(data) -> dict:
    """What the page shows of dashboard_data(), in plain values."""
    return {
        "figures": [
            (figure.key, figure.current, figure.previous, [(part.key, part.current, part.previous) for part in figure.parts])
            for figure in data["figures"]
        ],
        "charts": [(chart.key, chart.labels, [dataset["data"] for dataset in chart.datasets]) for chart in data["charts"]],
        "map": {country: entry["value"] for country, entry in data["map"].items()},
        "lists": [(attention.key, attention.total, [row.pk for row in attention.rows]) for attention in data["lists"]],
    }  # fmt: skip


@pytest.fixture
def mixed(db):
    seed_bulk(Sizes(partners=40, agreements=160, visits=300, participants=600, programs=20), seed=11, today=TODAY)
    partners = list(Institution.objects.order_by("pk"))
    # Partners change country and kind, parties move, one is deleted: written after the seeding,
    # through the models, as the pages do.
    for partner, country, kind in zip(partners[:6], "KZ KG DE CN TR US".split(), Institution.Kind.values, strict=False):
        partner.country, partner.kind = country, kind
        partner.save()
    for party in AgreementParty.objects.filter(institution__isnull=False).order_by("pk")[:20:4]:
        party.institution = partners[-1 - party.pk % 5]
        party.save()
    AgreementParty.objects.filter(institution__isnull=False).order_by("-pk").first().delete()
    for visit in Visit.objects.order_by("pk")[:6]:
        visit.partners.add(partners[visit.pk % 6])
    return partners


def test_every_partner_filter_shows_what_the_parties_say(mixed, monkeypatch):
    base = selectors.default_filters(today=TODAY)
    unit = Unit.objects.filter(kind=Unit.Kind.FACULTY).order_by("pk").first()
    countries = sorted({str(partner.country) for partner in mixed})
    kinds = sorted({partner.kind for partner in mixed})
    cases = [
        *(replace(base, country=country) for country in countries[:4]),
        *(replace(base, region=region) for region in ("central_asia", "east_asia", "western_europe", "oceania")),
        *(replace(base, partner_kind=kind) for kind in kinds[:4]),
        replace(base, country=countries[0], partner_kind=kinds[0], unit=unit),
        replace(base, region="central_asia", partner_kind="university"),
        replace(base, academic_year=selectors.previous_academic_year(base.academic_year), country=countries[1]),
    ]
    assert len(countries) >= 4 and len(kinds) >= 4
    assert Agreement.objects.exclude(partner_countries={}).filter(parties__institution__isnull=False).exists()

    kept = [shown(selectors.dashboard_data(filters=filters)) for filters in cases]
    with monkeypatch.context() as patched:
        patched.setattr(selectors, "agreements_filtered", agreements_by_parties)
        patched.setattr(selectors, "visits_filtered", visits_by_partners)
        before = [shown(selectors.dashboard_data(filters=filters)) for filters in cases]
    for filters, now, then in zip(cases, kept, before, strict=True):
        assert now == then, filters
        assert now["map"] == map_by_parties(filters=filters), filters
    # The data set is mixed enough to tell: the filters select different sets, most not empty.
    in_force = [case["figures"][1][1] for case in kept]
    assert sum(1 for count in in_force if count) >= 10 and len(set(in_force)) > 5, in_force
    visits = [case["figures"][4][1] + case["figures"][5][1] + case["figures"][4][2] for case in kept]
    assert sum(1 for count in visits if count) >= 5, visits
