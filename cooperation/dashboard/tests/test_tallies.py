"""The dashboard's kept counts (cooperation/dashboard/tallies.py) against the records.

On a varied little world (agreements multilateral, open-ended, renewing, terminated, renewed,
drafts, without a first day; units under a parent; partners merged, inactive, entered after
their first agreement; participants withdrawn), every figure, chart and the map the tallies draw
equal the same drawn by counting the records (the selectors' other path), on the days where an
off-by-one would show, under every single filter. After every kind of write the tallies equal
those counted afresh, compaction changes no sum, and two connections writing at once lose
nothing."""

import datetime
import threading
from collections import Counter
from dataclasses import replace

import pytest
from django.db import connection, connections, transaction
from django.db.models import Count, Sum
from django.utils import timezone

from agreements.models import Agreement, AgreementParty
from agreements.services import agreement_terminate
from cooperation import activity
from cooperation.dashboard import selectors, tallies
from cooperation.dashboard.models import Tally, TallyMark
from cooperation.lib.academic_years import academic_year_of
from cooperation.tests.factories import (
    AgreementFactory,
    AgreementPartyFactory,
    InstitutionFactory,
    ParticipantFactory,
    ProgramFactory,
    UnitFactory,
)
from mobility.models import Participant
from partners.merging import institution_merge
from partners.models import Institution, Unit, partner_by_condition

DAY = datetime.date
LONG_AGO = DAY(2015, 1, 1)
REGIONS = ["central_asia", "east_asia", "western_europe", "north_america", "middle_east", "oceania"]


# What is kept, and what counting afresh gives


def sums() -> dict[tuple, int]:
    """{(figure, scope, bucket, part): total} of the stored tallies, keys that sum to nothing left out."""
    rows = Tally.objects.values_list("figure", "scope", "bucket", "part").annotate(sum=Sum("total")).order_by()
    return {(figure, scope, bucket, part): total for figure, scope, bucket, part, total in rows if total}


def counted_afresh() -> dict[tuple, int]:
    """The same, from every record's signature computed now."""
    totals: Counter = Counter()
    for signatures_of, keys_of in tallies.SOURCES.values():
        for signature in signatures_of().values():
            totals.update(keys_of(signature))
    return nonzero(totals)


def marks() -> dict[tuple[str, int], dict]:
    rows = TallyMark.objects.exclude(signature=None).values_list("source", "row_id", "signature")
    return {(source, row_id): signature for source, row_id, signature in rows}


def signatures_afresh() -> dict[tuple[str, int], dict]:
    return {
        (source, pk): signature
        for source, (signatures_of, _keys_of) in tallies.SOURCES.items()
        for pk, signature in signatures_of().items()
    }


def nonzero(counts) -> dict:
    """The counts that are not nothing: a negative one stays, to be seen."""
    return {key: total for key, total in counts.items() if total}


def assert_tallies_kept():
    """The tallies and the marks are what counting every record afresh gives (nothing written)."""
    assert sums() == counted_afresh()
    assert marks() == signatures_afresh()


# The world


def aware(day: datetime.date, hour: int = 12) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def partner(country, kind=Institution.Kind.UNIVERSITY, entered=LONG_AGO, hour=12, **fields) -> Institution:
    institution = InstitutionFactory(country=country, kind=kind, **fields)
    institution.created_at = aware(entered, hour)  # written through save(), as an edit would
    institution.save()
    return institution


def agreement(unit, partners, **fields) -> Agreement:
    made = AgreementFactory(responsible_unit=unit, **fields)
    for each in partners:
        AgreementPartyFactory(agreement=made, institution=each)
    return made


@pytest.fixture
def world(db):
    university = UnitFactory(name="The University", kind=Unit.Kind.UNIVERSITY)
    engineering = UnitFactory(name="Engineering", parent=university)
    economics = UnitFactory(name="Economics", parent=university)
    languages = UnitFactory(name="Languages")  # under no one
    units = [university, engineering, economics, languages]

    ankara = partner("TR")
    almaty = partner("KZ", entered=DAY(2019, 4, 1))
    bishkek = partner("KG", Institution.Kind.COLLEGE, entered=DAY(2024, 2, 29))
    berlin = partner("DE", Institution.Kind.RESEARCH_INSTITUTE)
    shanghai = partner("CN", Institution.Kind.COMPANY, entered=DAY(2026, 11, 30))  # after its first agreement
    # Entered at midnight here, still the day before in UTC: a partner from the local day on.
    boston = partner("US", entered=DAY(2020, 3, 1), hour=0)
    tokyo = partner("JP", status=Institution.Status.INACTIVE)
    prospective = partner("FR", status=Institution.Status.PROSPECTIVE)
    duplicate = partner("KZ", Institution.Kind.COLLEGE, entered=DAY(2018, 5, 5))
    lonely = partner("KR", Institution.Kind.SCHOOL, entered=DAY(2025, 9, 1), hour=0)  # with no agreement

    Signed, Kind = Agreement.Status.SIGNED, Agreement.Kind
    agreement(engineering, [ankara, almaty], signed_on=DAY(2019, 3, 10), valid_from=DAY(2019, 4, 1),
              expires_on=DAY(2024, 3, 31))  # fmt: skip
    agreement(economics, [bishkek], kind=Kind.EXCHANGE, signed_on=DAY(2020, 2, 29), valid_from=DAY(2020, 2, 29),
              expires_on=DAY(2025, 8, 31), auto_renews=True)  # fmt: skip
    agreement(university, [berlin], kind=Kind.FRAMEWORK, signed_on=DAY(2021, 6, 15), valid_from=None,
              expires_on=None)  # fmt: skip
    agreement(languages, [shanghai, boston], kind=Kind.RESEARCH, signed_on=DAY(2022, 9, 1),
              valid_from=DAY(2022, 9, 1), expires_on=DAY(2026, 2, 28), status=Agreement.Status.TERMINATED,
              terminated_on=DAY(2024, 1, 1), termination_reason="Closed")  # fmt: skip
    agreement(engineering, [boston], status=Agreement.Status.DRAFT, signed_on=DAY(2023, 1, 1))
    agreement(engineering, [ankara], status=Agreement.Status.NEGOTIATION, signed_on=None, valid_from=None,
              expires_on=None)  # fmt: skip
    agreement(economics, [tokyo, ankara], kind=Kind.DOUBLE_DEGREE, signed_on=DAY(2018, 12, 31),
              valid_from=DAY(2019, 1, 1), expires_on=DAY(2025, 12, 31))  # fmt: skip
    agreement(engineering, [duplicate], kind=Kind.ERASMUS_IIA, signed_on=DAY(2024, 2, 29), valid_from=DAY(2024, 3, 1),
              expires_on=DAY(2029, 2, 28))  # fmt: skip
    agreement(languages, [almaty], status=Agreement.Status.RENEWED, signed_on=DAY(2017, 5, 5),
              valid_from=DAY(2017, 5, 5), expires_on=DAY(2022, 5, 5))  # fmt: skip
    agreement(university, [shanghai], kind=Kind.INTERNSHIP, signed_on=DAY(2026, 11, 20), valid_from=DAY(2027, 1, 1),
              expires_on=DAY(2030, 12, 31))  # fmt: skip
    agreement(languages, [], signed_on=DAY(2025, 10, 10), valid_from=DAY(2025, 10, 10), expires_on=DAY(2025, 12, 31))
    agreement(economics, [berlin, almaty], kind=Kind.MOC, signed_on=None, valid_from=DAY(2023, 5, 1), expires_on=None)
    agreement(economics, [almaty], kind=Kind.MOC, signed_on=DAY(2020, 2, 1), valid_from=DAY(2020, 3, 1),
              expires_on=DAY(2024, 2, 29))  # fmt: skip
    agreement(engineering, [prospective, ankara], signed_on=DAY(2025, 9, 1), valid_from=DAY(2025, 9, 1),
              expires_on=DAY(2026, 8, 31), status=Signed)  # fmt: skip

    Student, Staff = Participant.Kind.STUDENT, Participant.Kind.STAFF
    programs = {
        year: ProgramFactory(unit=unit, academic_year=year)
        for year, unit in [("2023/2024", engineering), ("2024/2025", economics), ("2025/2026", languages),
                           ("2026/2027", university)]
    }  # fmt: skip
    for year, unit, direction, kind, partner_institution, status in [
        ("2023/2024", engineering, "outgoing", Student, ankara, Participant.Status.ACCEPTED),
        ("2023/2024", economics, "incoming", Staff, almaty, Participant.Status.COMPLETED),
        ("2023/2024", engineering, "outgoing", Student, bishkek, Participant.Status.WITHDRAWN),
        ("2024/2025", economics, "incoming", Student, duplicate, Participant.Status.ABROAD),
        ("2024/2025", university, "outgoing", Staff, tokyo, Participant.Status.NOMINATED),
        ("2025/2026", languages, "outgoing", Student, berlin, Participant.Status.APPLIED),
        ("2025/2026", languages, "incoming", Student, shanghai, Participant.Status.RETURNED),
        ("2025/2026", engineering, "incoming", Staff, prospective, Participant.Status.ACCEPTED),
        ("2025/2026", economics, "outgoing", Student, boston, Participant.Status.WITHDRAWN),
        ("2026/2027", university, "outgoing", Student, almaty, Participant.Status.NOMINATED),
    ]:
        ParticipantFactory(program=programs[year], unit=unit, direction=direction, kind=kind,
                           partner_institution=partner_institution, status=status)  # fmt: skip

    institution_merge(duplicate=duplicate, survivor=almaty, user=None)
    return {
        "units": units,
        "partners": [ankara, almaty, bishkek, berlin, shanghai, boston, tokyo, prospective, lonely],
        "programs": programs,
    }


DAYS = [
    DAY(2017, 5, 5),
    DAY(2018, 12, 31),
    DAY(2019, 1, 1),  # the first of a year, an agreement's first day
    DAY(2019, 3, 31),  # the last of a month
    DAY(2019, 4, 1),  # an agreement's first day, a partner entered
    DAY(2020, 2, 29),  # a leap day, an agreement signed and in force
    DAY(2020, 3, 1),
    DAY(2022, 5, 5),  # a renewed agreement's last day
    DAY(2022, 5, 6),
    DAY(2023, 2, 28),  # a year before 29 February 2024
    DAY(2024, 2, 29),  # an agreement's last day
    DAY(2024, 3, 1),  # the day after; another's first day
    DAY(2024, 3, 31),
    DAY(2024, 4, 1),
    DAY(2025, 8, 31),  # an academic year's last day
    DAY(2025, 9, 1),
    DAY(2025, 12, 31),
    DAY(2026, 1, 1),
    DAY(2026, 11, 29),
    DAY(2026, 11, 30),  # a partner entered after its first agreement
    DAY(2027, 1, 1),
    DAY(2031, 1, 1),
]


def one_filter_each(world, base) -> list[selectors.DashboardFilters]:
    countries = sorted({str(institution.country) for institution in world["partners"]}) + ["FR", "BR"]
    return [
        base,
        *(replace(base, unit=unit) for unit in world["units"]),
        *(replace(base, country=country) for country in countries),
        *(replace(base, region=region) for region in REGIONS),
        *(replace(base, partner_kind=kind) for kind in Institution.Kind.values),
    ]


def shown_figure(figure) -> tuple:
    return figure.current, figure.previous, [(part.key, part.current, part.previous) for part in figure.parts]


def shown_chart(chart) -> tuple:
    return (
        chart.labels,
        [dataset["data"] for dataset in chart.datasets],
        [dataset["label"] for dataset in chart.datasets],
    )


def stock_figures(filters) -> dict:
    return {
        "partners": shown_figure(selectors.figure_partners(filters=filters)),
        "in_force": shown_figure(selectors.figure_agreements_in_force(filters=filters)),
        "by_country": shown_chart(selectors.chart_partners_by_country(filters=filters)),
        "map": {
            country: entry["value"] for country, entry in selectors.map_agreements_in_force(filters=filters).items()
        },
    }


def flow_figures(filters) -> dict:
    return {
        "signed": shown_figure(selectors.figure_agreements_signed(filters=filters)),
        "signed_per_year": shown_chart(selectors.chart_agreements_signed_per_year(filters=filters)),
        "outgoing": shown_figure(selectors.figure_mobility_outgoing(filters=filters)),
        "incoming": shown_figure(selectors.figure_mobility_incoming(filters=filters)),
        "mobility_per_year": shown_chart(selectors.chart_mobility_per_year(filters=filters)),
    }


def kept_and_counted(monkeypatch, draw, cases) -> list[tuple]:
    """(filters, drawn from the tallies, drawn by counting the records) for each case."""
    kept = [draw(filters) for filters in cases]
    assert all(tallies.scope_of(filters) is not None for filters in cases)
    with monkeypatch.context() as patched:
        patched.setattr(tallies, "scope_of", lambda filters: None)  # the selectors' path that counts
        counted = [draw(filters) for filters in cases]
    return list(zip(cases, kept, counted, strict=True))


def assert_dashboard_agrees(world, monkeypatch, days=DAYS):
    stock_cases, flow_cases = [], []
    for day in days:
        base = selectors.DashboardFilters(academic_year=academic_year_of(day), today=day)
        stock_cases += one_filter_each(world, base)
        # A past academic year: its figures are taken on its last day, a year before on the one before.
        stock_cases.append(replace(base, academic_year=selectors.previous_academic_year(base.academic_year)))
    for year in ["2019/2020", "2023/2024", "2025/2026", "2026/2027"]:
        flow_cases += one_filter_each(world, selectors.DashboardFilters(academic_year=year, today=DAY(2026, 12, 7)))
    counted_something = 0
    for draw, cases in ((stock_figures, stock_cases), (flow_figures, flow_cases)):
        for filters, kept, counted in kept_and_counted(monkeypatch, draw, cases):
            assert kept == counted, (filters.as_of, filters.academic_year, tallies.scope_of(filters))
            figures = ("partners", "in_force", "signed", "outgoing", "incoming")
            counted_something += any(kept[key][0] for key in figures if key in kept)
    return counted_something


def test_the_tallies_draw_what_counting_the_records_draws(world, monkeypatch):
    assert_tallies_kept()
    days = [*DAYS, timezone.localdate()]
    assert assert_dashboard_agrees(world, monkeypatch, days) > 100  # varied enough to tell


def test_the_stocks_of_every_day_are_the_records_in_force_and_the_partners(world):
    """tallies.stocks() and the partial months by hand, against the models' own rules."""
    days = sorted({*DAYS, timezone.localdate(), *(DAY(2024, 2, day) for day in range(1, 30))})
    base = selectors.DashboardFilters(academic_year="2025/2026", today=DAY(2026, 1, 1))
    for filters in one_filter_each(world, base):
        scope = tallies.scope_of(filters)
        agreements = selectors.agreements_filtered(filters=filters)
        partners = selectors.partners_filtered(filters=filters)
        from_ = tallies.stocks("in_force_from", scope, days, ended="in_force_until")
        from_country = tallies.stocks("in_force_from_country", scope, days, ended="in_force_until_country")
        by_kind, by_country = tallies.in_force_partial_month(agreements, days)
        partner_kinds = tallies.stocks("partners", scope, days)
        partner_countries = tallies.stocks("partners_country", scope, days)
        recent = tallies.partners_partial_month(partners, days)
        for index, day in enumerate(days):
            in_force = agreements.in_force(day)
            expected = Counter(in_force.values_list("kind", flat=True))
            assert nonzero(from_[index] + by_kind[index]) == expected, (scope, day)
            sets = in_force.values_list("partner_countries", flat=True)
            countries = Counter(country for countries in sets for country in countries)
            assert nonzero(from_country[index] + by_country[index]) == countries, (scope, day)
            partnered = partners.filter(partner_by_condition(day))
            kinds = Counter(partnered.values_list("kind", flat=True))
            assert nonzero(partner_kinds[index] + recent[index][0]) == kinds, (scope, day)
            countries = Counter(str(country) for country in partnered.values_list("country", flat=True))
            assert nonzero(partner_countries[index] + recent[index][1]) == countries, (scope, day)


def test_the_flows_are_the_agreements_signed_and_the_participants(world):
    years = range(2015, 2028)
    months = [f"M{year:04d}-{month:02d}" for year in years for month in range(1, 13)]
    academic = [f"A{year}/{year + 1}" for year in years]
    base = selectors.DashboardFilters(academic_year="2025/2026", today=DAY(2026, 1, 1))
    signed_anywhere = 0
    for filters in one_filter_each(world, base):
        scope = tallies.scope_of(filters)
        signed = selectors.agreements_filtered(filters=filters).ever_signed().exclude(signed_on=None)
        by_month = Counter((f"M{day:%Y-%m}", kind) for day, kind in signed.values_list("signed_on", "kind"))
        by_year = Counter((f"Y{day:%Y}", kind) for day, kind in signed.values_list("signed_on", "kind"))
        assert tallies.flows("signed", scope, months) == by_month, scope
        assert tallies.flows("signed", scope, [f"Y{year}" for year in years]) == by_year, scope
        participants = selectors.participants_filtered(filters=filters).values_list(
            "program__academic_year", "direction", "kind"
        )
        expected = Counter((f"A{year}", f"{direction}:{kind}") for year, direction, kind in participants)
        assert tallies.flows("mobility", scope, academic) == expected, scope
        signed_anywhere += bool(by_month)
    assert signed_anywhere > 10


# Writes


def test_every_write_moves_the_tallies_as_counting_afresh_would(world, monkeypatch, office_user):
    university, engineering, economics, languages = world["units"]
    ankara, almaty, bishkek, berlin, shanghai, boston, tokyo, prospective, lonely = world["partners"]
    first = Agreement.objects.get(signed_on=DAY(2019, 3, 10))
    renewing = Agreement.objects.get(auto_renews=True)

    def written():
        assert_tallies_kept()

    first.valid_from, first.expires_on = DAY(2019, 5, 1), DAY(2024, 4, 30)
    first.save()
    written()
    first.kind = Agreement.Kind.RESEARCH
    first.save(update_fields=["kind"])
    written()
    first.responsible_unit = languages
    first.save()
    written()
    first.signed_on = DAY(2016, 2, 29)  # its partners become partners earlier
    first.save()
    written()
    renewing.auto_renews, renewing.renewal_term_months = False, None
    renewing.save()
    written()
    agreement_terminate(agreement=renewing, on=DAY(2024, 6, 1), reason="Ended", user=office_user)
    written()
    draft = Agreement.objects.get(status=Agreement.Status.DRAFT)
    draft.status = Agreement.Status.SIGNED
    draft.valid_from, draft.expires_on = DAY(2023, 1, 1), DAY(2027, 1, 1)
    draft.save()
    written()

    party = AgreementPartyFactory(agreement=first, institution=lonely)  # a party added
    written()
    party.institution = berlin  # moved to another partner
    party.save()
    written()
    party.delete()
    written()
    AgreementParty.objects.filter(agreement=draft).delete()  # a queryset's delete
    written()

    ankara.country = "GB"
    ankara.save()
    written()
    berlin.kind = Institution.Kind.UNIVERSITY
    berlin.save(update_fields=["kind"])
    written()
    boston.status = Institution.Status.INACTIVE
    boston.save()
    written()
    tokyo.status = Institution.Status.ACTIVE
    tokyo.save()
    written()
    shanghai.created_at = aware(DAY(2010, 1, 1))
    shanghai.save()
    written()
    institution_merge(duplicate=bishkek, survivor=berlin, user=office_user)
    written()

    participant = Participant.objects.filter(status=Participant.Status.ACCEPTED).order_by("pk").first()
    participant.status = Participant.Status.WITHDRAWN
    participant.save(update_fields=["status"])
    written()
    participant.status = Participant.Status.ACCEPTED
    participant.program = world["programs"]["2024/2025"]
    participant.save()
    written()
    participant.partner_institution = tokyo
    participant.direction, participant.kind = "incoming", Participant.Kind.STAFF
    participant.unit = university
    participant.save()
    written()
    program = world["programs"]["2025/2026"]
    program.academic_year = "2022/2023"
    program.save()
    written()

    languages.parent = university  # a unit moves under another
    languages.save()
    written()
    engineering.parent = None
    engineering.save()
    written()

    Agreement.objects.get(kind=Agreement.Kind.INTERNSHIP).delete()
    written()
    first.delete()
    written()
    lonely.delete()  # nothing refers to it any more
    written()
    assert assert_dashboard_agrees(world, monkeypatch, DAYS[::3]) > 30


def test_batched_writes_move_the_tallies_once_and_right(world):
    university, engineering, economics, languages = world["units"]
    with activity.batched():
        made = agreement(economics, world["partners"][:3], signed_on=DAY(2026, 3, 3), valid_from=DAY(2026, 4, 1))
        ParticipantFactory(
            program=world["programs"]["2026/2027"], unit=economics, partner_institution=made.parties.first().institution
        )
        Participant.objects.filter(program=world["programs"]["2023/2024"]).delete()
        assert sums() != counted_afresh()  # nothing moved yet
    assert_tallies_kept()


def test_compacting_changes_no_sum_and_leaves_one_row_a_key(world):
    ankara = world["partners"][0]
    ankara.country = "AZ"
    ankara.save()
    ankara.country = "TR"  # back: some keys now sum to nothing
    ankara.save()
    before = sums()
    assert before == counted_afresh()
    rows = Tally.objects.count()

    assert tallies.compact() > 0

    assert sums() == before
    per_key = Tally.objects.values_list("figure", "scope", "bucket", "part").annotate(rows=Count("id"))
    assert max(rows for *_key, rows in per_key.order_by()) == 1
    assert not Tally.objects.filter(total=0).exists()
    assert Tally.objects.count() == len(before) < rows
    assert tallies.compact() == 0  # nothing left to sum


def test_rebuild_counts_what_the_writes_kept(world):
    before = sums()
    kept_marks = marks()
    assert tallies.rebuild() == 0  # nothing was out of date
    assert sums() == before
    assert marks() == kept_marks
    assert Tally.objects.count() == len(before)


def test_rebuild_puts_right_counts_changed_behind_its_back_and_says_how_many(world):
    before = sums()
    Tally.objects.create(figure="signed", scope="", bucket="Y1999", part="mou", total=5)  # left over
    key = next(iter(before))
    Tally.objects.create(figure=key[0], scope=key[1], bucket=key[2], part=key[3], total=1)  # a sum off
    assert tallies.rebuild() == 2
    assert sums() == before


# Two connections at once


def write_in_thread(barrier, errors, write):
    try:
        with transaction.atomic():
            write()
            barrier.wait(timeout=20)  # both have written and recounted before either commits
    except Exception as error:  # noqa: BLE001 - reported to the test's thread
        errors.append(error)
        barrier.abort()
    finally:
        connection.close()


def run_at_once(*writes):
    barrier, errors = threading.Barrier(len(writes)), []
    threads = [threading.Thread(target=write_in_thread, args=(barrier, errors, write)) for write in writes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors


@pytest.mark.django_db(transaction=True)
def test_two_connections_writing_participants_of_one_program_at_once_lose_nothing():
    if connections["default"].vendor != "postgresql":
        pytest.skip("SQLite writes one transaction at a time")
    program = ProgramFactory(academic_year="2025/2026")
    kazakh = InstitutionFactory(country="KZ")
    first, second = (ParticipantFactory(program=program, partner_institution=kazakh) for _each in range(2))
    later = ProgramFactory(academic_year="2026/2027", unit=program.unit)
    before = sums()

    def withdraw():
        first.status = Participant.Status.WITHDRAWN
        first.save()

    def move():
        second.program = later
        second.save()

    run_at_once(withdraw, move)

    assert sums() == counted_afresh()
    assert sums() != before
    assert sums().get(("mobility", "country:KZ", "A2025/2026", "outgoing:student"), 0) == 0
    assert sums()[("mobility", "country:KZ", "A2026/2027", "outgoing:student")] == 1


def run_overlapping(first, second, wait=3):
    """`first` writes in its transaction and, before committing, lets `second` write in its own;
    `first` commits once `second` has written, or after `wait` seconds when `second` waits for
    it (a lock); then `second` commits."""
    first_written, second_written, errors = threading.Event(), threading.Event(), []

    def run_first():
        try:
            with transaction.atomic():
                first()
                first_written.set()
                second_written.wait(timeout=wait)
        except Exception as error:  # noqa: BLE001 - reported to the test's thread
            errors.append(error)
        finally:
            first_written.set()
            connection.close()

    def run_second():
        try:
            first_written.wait(timeout=20)
            with transaction.atomic():
                second()
                second_written.set()
        except Exception as error:  # noqa: BLE001 - reported to the test's thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run_first), threading.Thread(target=run_second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("partner_first", [True, False], ids=["partner first", "participant first"])
def test_a_participant_written_while_its_partner_changes_country_counts_in_the_new_country(partner_first):
    if connections["default"].vendor != "postgresql":
        pytest.skip("SQLite writes one transaction at a time")
    program = ProgramFactory(academic_year="2025/2026")
    kazakh = InstitutionFactory(country="KZ")

    def change_country():
        kazakh.country = "KG"
        kazakh.save()

    def enrol():
        ParticipantFactory(program=program, partner_institution=kazakh)

    run_overlapping(*((change_country, enrol) if partner_first else (enrol, change_country)))

    assert Participant.objects.get().partner_institution.country == "KG"
    assert sums() == counted_afresh()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("unit_first", [True, False], ids=["unit first", "agreement first"])
def test_an_agreement_written_while_its_unit_moves_counts_under_the_new_parent(unit_first):
    if connections["default"].vendor != "postgresql":
        pytest.skip("SQLite writes one transaction at a time")
    university = UnitFactory(name="The University", kind=Unit.Kind.UNIVERSITY)
    faculty = UnitFactory(name="Engineering")

    def move_unit():
        faculty.parent = university
        faculty.save()

    def sign():
        agreement(faculty, [InstitutionFactory()], signed_on=DAY(2025, 1, 1), valid_from=DAY(2025, 1, 1))

    run_overlapping(*((move_unit, sign) if unit_first else (sign, move_unit)))

    assert sums() == counted_afresh()
    assert sums()[("signed", f"unit:{university.pk}", "Y2025", "mou")] == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("party_first", [True, False], ids=["party first", "partner first"])
def test_a_party_added_while_another_partner_changes_country_is_counted_with_both(party_first):
    if connections["default"].vendor != "postgresql":
        pytest.skip("SQLite writes one transaction at a time")
    kazakh, german = InstitutionFactory(country="KZ"), InstitutionFactory(country="DE")
    signed = agreement(UnitFactory(), [kazakh], signed_on=DAY(2025, 1, 1), valid_from=DAY(2025, 1, 1))

    def add_party():
        AgreementPartyFactory(agreement=signed, institution=german)

    def change_country():
        kazakh.country = "KG"
        kazakh.save()

    run_overlapping(*((add_party, change_country) if party_first else (change_country, add_party)))

    signed.refresh_from_db()
    assert set(signed.partner_countries) == {"DE", "KG"}
    assert sums() == counted_afresh()
    assert sums()[("in_force_from_country", "", "Y2025", "DE")] == 1
