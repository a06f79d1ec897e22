"""The rector's dashboard, correct to the last record: each figure is computed here again with
a plain query of its own, on a data set made for it, and compared with the page's number, the
workbook's cell and the number of rows of the list its link opens; for every filter."""

import datetime
import io
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db.models import Q
from django.utils import translation
from django_countries import countries
from openpyxl import load_workbook

from agreements.models import Agreement, AgreementParty, Quota
from cooperation.dashboard.export import SHEET_NAMES
from cooperation.tests.factories import (
    AgreementFactory,
    FollowUpActionFactory,
    InstitutionFactory,
    ParticipantFactory,
    ProgramFactory,
    QuotaFactory,
    UnitFactory,
    VisitFactory,
    make_user,
)
from cooperation.visits.models import FollowUpAction, Visit
from mobility.models import Participant
from partners.models import Institution, Unit

# 1 October 2025, a Wednesday morning in Almaty: academic year 2025/2026.
NOW = datetime.datetime(2025, 10, 1, 9, 0, tzinfo=ZoneInfo("Asia/Almaty"))
TODAY = NOW.date()
YEAR_AGO = datetime.date(2024, 10, 1)
THIS_YEAR = (datetime.date(2025, 9, 1), datetime.date(2026, 8, 31))
LAST_YEAR = (datetime.date(2024, 9, 1), datetime.date(2025, 8, 31))


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def added_on(institution, day):
    Institution.objects.filter(pk=institution.pk).update(
        created_at=datetime.datetime.combine(day, datetime.time(12), tzinfo=ZoneInfo("Asia/Almaty"))
    )
    return institution


def agreement(title, parties, **fields):
    made = AgreementFactory(title=title, **fields)
    for party in parties:
        AgreementParty.objects.create(agreement=made, institution=party)
    return made


@pytest.fixture
def world(frozen, faculty, other_faculty):
    """Partners in Türkiye, China, Kazakhstan and Germany; agreements in every state; visits
    and mobility this academic year and the last; quotas, overdue actions, a dormant memorandum."""
    department = UnitFactory(name="Department of Computing", parent=faculty)
    metu = added_on(
        InstitutionFactory(name="Middle East Technical University", country="TR"), datetime.date(2020, 1, 1)
    )
    gazi = added_on(InstitutionFactory(name="Gazi University", country="TR"), datetime.date(2025, 3, 1))
    ministry = added_on(
        InstitutionFactory(name="Study Abroad Center", country="CN", kind=Institution.Kind.GOVERNMENT),
        datetime.date(2022, 1, 1),
    )
    urumqi = added_on(
        InstitutionFactory(name="Urumqi Vocational University", country="CN", kind=Institution.Kind.COLLEGE),
        datetime.date(2024, 1, 1),
    )
    aitu = added_on(InstitutionFactory(name="Astana IT University", country="KZ"), datetime.date(2019, 1, 1))
    siemens = added_on(
        InstitutionFactory(
            name="Siemens", country="DE", kind=Institution.Kind.COMPANY, status=Institution.Status.INACTIVE
        ),
        datetime.date(2019, 1, 1),
    )
    InstitutionFactory(name="Sorbonne", country="FR", status=Institution.Status.PROSPECTIVE)
    InstitutionFactory(name="METU (old record)", country="TR", merged_into=metu)

    owner = make_user("aknar", first_name="Aknar", last_name="Almenova")
    metu_mou = agreement(
        "METU memorandum", [metu], responsible_unit=faculty, responsible_person=owner,
        signed_on=datetime.date(2021, 5, 10), valid_from=datetime.date(2021, 5, 10), expires_on=datetime.date(2026, 5, 10),
    )  # fmt: skip
    gazi_exchange = agreement(
        "Gazi exchange", [gazi], kind=Agreement.Kind.EXCHANGE, responsible_unit=department,
        signed_on=datetime.date(2025, 9, 15), valid_from=datetime.date(2025, 9, 15), expires_on=datetime.date(2030, 9, 15),
    )  # fmt: skip
    agreement(
        "Ministry memorandum of cooperation", [ministry], kind=Agreement.Kind.MOC, responsible_unit=other_faculty,
        responsible_person=owner, signed_on=datetime.date(2022, 2, 1), valid_from=datetime.date(2022, 2, 1),
        expires_on=datetime.date(2025, 11, 30),
    )  # fmt: skip
    agreement(
        "Urumqi research", [urumqi], kind=Agreement.Kind.RESEARCH, responsible_unit=faculty,
        signed_on=datetime.date(2024, 11, 20), valid_from=datetime.date(2024, 11, 20),
        expires_on=datetime.date(2025, 11, 20), auto_renews=True, renewal_term_months=12, renewal_notice_days=60,
    )  # fmt: skip
    agreement(
        "AITU double degree", [aitu], kind=Agreement.Kind.DOUBLE_DEGREE, responsible_unit=other_faculty,
        signed_on=datetime.date(2019, 3, 1), valid_from=datetime.date(2019, 3, 1), expires_on=datetime.date(2024, 12, 15),
    )  # fmt: skip
    agreement("Draft with METU and Gazi", [metu, gazi], status=Agreement.Status.DRAFT, signed_on=None,
              valid_from=None, expires_on=None, responsible_unit=faculty)  # fmt: skip
    agreement(
        "METU framework, terminated", [metu], kind=Agreement.Kind.FRAMEWORK, responsible_unit=faculty,
        status=Agreement.Status.TERMINATED, terminated_on=datetime.date(2025, 6, 1), termination_reason="Replaced",
        signed_on=datetime.date(2024, 10, 15), valid_from=datetime.date(2024, 10, 15), expires_on=datetime.date(2027, 1, 1),
    )  # fmt: skip
    siemens_internship = agreement(
        "Siemens internships", [siemens], kind=Agreement.Kind.INTERNSHIP, responsible_unit=faculty,
        signed_on=datetime.date(2023, 1, 10), valid_from=datetime.date(2023, 1, 10), expires_on=datetime.date(2028, 1, 10),
    )  # fmt: skip

    QuotaFactory(agreement=metu_mou, academic_year="2025/2026", places=3)
    QuotaFactory(agreement=metu_mou, academic_year="2024/2025", places=5)
    QuotaFactory(
        agreement=gazi_exchange, academic_year="2025/2026", direction=Quota.Direction.INCOMING,
        category=Quota.Category.STAFF_TEACHING, places=1,
    )  # fmt: skip
    QuotaFactory(
        agreement=siemens_internship, academic_year="2025/2026", category=Quota.Category.STUDENT_TRAINEESHIP, places=2
    )

    this_year = ProgramFactory(agreement=metu_mou, academic_year="2025/2026", unit=faculty)
    ParticipantFactory(program=this_year, partner_institution=metu, starts_on=datetime.date(2026, 2, 1))
    ParticipantFactory(
        program=this_year, partner_institution=metu, kind=Participant.Kind.STAFF,
        quota_category=Quota.Category.STAFF_TRAINING,
    )  # fmt: skip
    ParticipantFactory(program=this_year, partner_institution=metu, status=Participant.Status.WITHDRAWN)
    gazi_program = ProgramFactory(agreement=gazi_exchange, academic_year="2025/2026", unit=department)
    ParticipantFactory(
        program=gazi_program, partner_institution=gazi, direction="incoming", kind=Participant.Kind.STAFF,
        quota_category=Quota.Category.STAFF_TEACHING,
    )  # fmt: skip
    ParticipantFactory(program=gazi_program, partner_institution=gazi, direction="incoming")
    last_year = ProgramFactory(agreement=metu_mou, academic_year="2024/2025", unit=faculty)
    ParticipantFactory.create_batch(2, program=last_year, partner_institution=metu, starts_on=datetime.date(2025, 2, 1))
    ParticipantFactory(program=last_year, partner_institution=urumqi, direction="incoming")
    ParticipantFactory(program=ProgramFactory(academic_year="2024/2025", unit=other_faculty), partner_institution=aitu)

    def visit(title, kind, starts_on, partners, host, **fields):
        made = VisitFactory(title=title, kind=kind, starts_on=starts_on, host_unit=host, **fields)
        made.partners.add(*partners)
        return made

    delegation = visit("Chinese delegation", Visit.Kind.INCOMING_DELEGATION, datetime.date(2025, 9, 25), [urumqi],
                       faculty, status=Visit.Status.HELD)  # fmt: skip
    trip = visit("Trip to Ankara", Visit.Kind.OUTGOING_TRIP, datetime.date(2025, 10, 20), [metu], faculty)
    visit("Gazi campus tour", Visit.Kind.CAMPUS_TOUR, datetime.date(2024, 11, 5), [gazi], other_faculty)
    visit("Cancelled trip", Visit.Kind.OUTGOING_TRIP, datetime.date(2025, 3, 10), [metu], faculty,
          status=Visit.Status.CANCELLED)  # fmt: skip
    visit("AITU meeting", Visit.Kind.MEETING, datetime.date(2025, 12, 1), [aitu], other_faculty)
    visit("Ministry delegation of 2023", Visit.Kind.INCOMING_DELEGATION, datetime.date(2023, 5, 10), [ministry],
          other_faculty, status=Visit.Status.HELD)  # fmt: skip
    visit("Trip to METU, 2024", Visit.Kind.OUTGOING_TRIP, datetime.date(2024, 9, 20), [metu], faculty)

    FollowUpActionFactory(visit=delegation, description="Send the draft 2+2 agreement", owner=owner,
                          due_on=datetime.date(2025, 9, 28))  # fmt: skip
    FollowUpActionFactory(visit=delegation, due_on=datetime.date(2025, 9, 20), done_on=datetime.date(2025, 9, 21))
    FollowUpActionFactory(visit=trip, due_on=datetime.date(2025, 10, 25))
    return {"faculty": faculty, "other_faculty": other_faculty, "department": department}


# The figures again, each a plain query written here: what the rector's office is promised.


def units_of(unit):
    return Unit.objects.filter(Q(pk=unit.pk) | Q(parent=unit))


def partner_matches(params, prefix):
    """The partner filters as conditions on an institution reached through `prefix`."""
    conditions = Q()
    if params.get("country"):
        conditions &= Q(**{f"{prefix}country": params["country"]})
    if params.get("region") == "east_asia":
        conditions &= Q(**{f"{prefix}country__in": ["CN", "HK", "MO", "TW", "JP", "KR", "KP", "MN"]})
    if params.get("partner_kind"):
        conditions &= Q(**{f"{prefix}kind": params["partner_kind"]})
    return conditions


def agreements_for(params):
    agreements = Agreement.objects.all()
    if params.get("unit"):
        agreements = agreements.filter(responsible_unit__in=units_of(params["unit"]))
    for name in ("country", "region", "partner_kind"):
        if params.get(name):
            parties = AgreementParty.objects.filter(partner_matches({name: params[name]}, "institution__"))
            agreements = agreements.filter(pk__in=parties.values("agreement"))
    return agreements


def in_force_on(day):
    return (
        Q(status="signed")
        & (Q(valid_from__isnull=True) | Q(valid_from__lte=day))
        & (Q(expires_on__isnull=True) | Q(expires_on__gte=day) | Q(auto_renews=True))
    )


def expiring_on(day):
    return in_force_on(day) & Q(auto_renews=False, expires_on__lte=day + datetime.timedelta(days=90))


def signed_within(bounds):
    return Q(status__in=["signed", "renewed", "terminated"], signed_on__gte=bounds[0], signed_on__lte=bounds[1])


def visits_for(params):
    visits = Visit.objects.exclude(status="cancelled")
    if params.get("unit"):
        visits = visits.filter(host_unit__in=units_of(params["unit"]))
    for name in ("country", "region", "partner_kind"):
        if params.get(name):
            links = Visit.partners.through.objects.filter(partner_matches({name: params[name]}, "institution__"))
            visits = visits.filter(pk__in=links.values("visit"))
    return visits


def participants_for(params):
    participants = Participant.objects.exclude(status="withdrawn").filter(
        partner_matches(params, "partner_institution__")
    )
    if params.get("unit"):
        participants = participants.filter(unit__in=units_of(params["unit"]))
    return participants


def partners_for(params):
    partners = Institution.objects.filter(status="active", merged_into=None).filter(partner_matches(params, ""))
    if params.get("unit"):
        parties = AgreementParty.objects.filter(agreement__responsible_unit__in=units_of(params["unit"]))
        partners = partners.filter(pk__in=parties.values("institution"))
    return partners


def expected_figures(params) -> dict[str, tuple[int, int]]:
    """{figure: (this year, the year before)} for the academic year in params (2025/2026 if none)."""
    past = params.get("academic_year") == "2024/2025"
    year, before = ("2024/2025", "2023/2024") if past else ("2025/2026", "2024/2025")
    bounds = LAST_YEAR if past else THIS_YEAR
    bounds_before = (bounds[0].replace(year=bounds[0].year - 1), bounds[1].replace(year=bounds[1].year - 1))
    on = bounds[1] if past else TODAY  # the figures are taken on the year's last day, or today
    on_before = on.replace(year=on.year - 1)
    agreements = agreements_for(params)
    visits = visits_for(params)
    participants = participants_for(params)

    def created_by(day):
        # Entered by then, or party to an agreement signed by then.
        signed = AgreementParty.objects.filter(
            agreement__status__in=["signed", "renewed", "terminated"], agreement__signed_on__lte=day
        )
        partners = partners_for(params)
        return partners.filter(Q(created_at__date__lte=day) | Q(pk__in=signed.values("institution"))).count()

    def visits_within(kinds, period):
        return visits.filter(kind__in=kinds, starts_on__gte=period[0], starts_on__lte=period[1]).count()

    def mobility(direction, academic_year):
        return participants.filter(direction=direction, program__academic_year=academic_year).count()

    return {
        "partners": (created_by(on), created_by(on_before)),
        "agreements_in_force": (agreements.filter(in_force_on(on)).count(), agreements.filter(in_force_on(on_before)).count()),
        "agreements_expiring": (agreements.filter(expiring_on(on)).count(), agreements.filter(expiring_on(on_before)).count()),
        "agreements_signed": (agreements.filter(signed_within(bounds)).count(), agreements.filter(signed_within(bounds_before)).count()),
        "visits_received": (visits_within(["incoming_delegation", "campus_tour"], bounds), visits_within(["incoming_delegation", "campus_tour"], bounds_before)),
        "visits_sent": (visits_within(["outgoing_trip"], bounds), visits_within(["outgoing_trip"], bounds_before)),
        "mobility_outgoing": (mobility("outgoing", year), mobility("outgoing", before)),
        "mobility_incoming": (mobility("incoming", year), mobility("incoming", before)),
    }  # fmt: skip


FILTERS = {
    "none": {},
    "last year": {"academic_year": "2024/2025"},
    "our faculty": {"unit": "faculty"},
    "Türkiye": {"country": "TR"},
    "East Asia": {"region": "east_asia"},
    "universities": {"partner_kind": "university"},
    "faculty, Türkiye, universities": {"unit": "faculty", "country": "TR", "partner_kind": "university"},
}


def query_of(params, world):
    return {key: (world[value].pk if key == "unit" else value) for key, value in params.items()}


def figures_on_page(page: str) -> dict[str, tuple[int, str]]:
    found = re.findall(
        r'data-figure="(\w+)"><div class="card-body">\s*<p class="display-6 mb-1"><a [^>]*class="[^"]*figure-value" '
        r'href="([^"]+)">([\d,]+)</a>',
        page,
    )
    return {key: (int(value.replace(",", "")), url.replace("&amp;", "&")) for key, url, value in found}


def list_count(client, url) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    form = response.context["filter"].form
    assert not form.errors, (url, form.errors)
    return response.context["table"].paginator.count


@pytest.mark.parametrize("case", FILTERS)
def test_each_figure_is_what_a_plain_query_counts(client, rector, world, case):
    query = query_of(FILTERS[case], world)
    params = {**FILTERS[case], "unit": world[FILTERS[case]["unit"]] if "unit" in query else None}
    expected = expected_figures(params)
    client.force_login(rector)

    response = client.get("/dashboard/", query)

    assert response.status_code == 200
    assert not response.context["form"].errors
    figures = {figure.key: figure for figure in response.context["figures"]}
    assert {key: (figure.current, figure.previous) for key, figure in figures.items()} == expected
    shown = figures_on_page(response.content.decode())
    assert {key: value for key, (value, _url) in shown.items()} == {
        key: now for key, (now, _before) in expected.items()
    }


@pytest.mark.parametrize("case", FILTERS)
def test_each_figure_and_part_opens_a_list_with_as_many_rows(client, rector, world, case):
    client.force_login(rector)
    figures = client.get("/dashboard/", query_of(FILTERS[case], world)).context["figures"]
    checked = 0
    for figure in figures:
        assert list_count(client, figure.url) == figure.current, (figure.key, figure.url)
        for part in figure.parts:
            assert list_count(client, part.url) == part.current, (figure.key, part.key, part.url)
            checked += 1
        assert sum(part.current for part in figure.parts) == figure.current
    assert checked >= (4 if case == "none" else 0)


def workbook_of(client, query):
    response = client.get("/dashboard/report.xlsx", query)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return load_workbook(io.BytesIO(response.content))


def row_of(sheet, first_cell):
    for row in sheet.iter_rows(values_only=True):
        if row and row[0] == first_cell:
            return row
    raise AssertionError(f"no row {first_cell!r} in {sheet.title}")


@pytest.mark.parametrize("case", ["none", "last year", "faculty, Türkiye, universities"])
def test_the_workbook_has_a_sheet_per_figure_with_the_same_numbers_and_the_filters(client, rector, world, case):
    query = query_of(FILTERS[case], world)
    params = {**FILTERS[case], "unit": world[FILTERS[case]["unit"]] if "unit" in query else None}
    expected = expected_figures(params)
    client.force_login(rector)
    figures = client.get("/dashboard/", query).context["figures"]

    workbook = workbook_of(client, query)

    for figure in figures:
        sheet = workbook[str(SHEET_NAMES["figure", figure.key])]
        assert sheet["A1"].value == figure.label
        header = [row for row in sheet.iter_rows(max_row=8, values_only=True)]
        assert ("Academic year", FILTERS[case].get("academic_year", "2025/2026")) in [row[:2] for row in header]
        if "unit" in query:
            assert ("Our unit", str(world["faculty"])) in [row[:2] for row in header]
            assert ("Country", countries.name("TR")) in [row[:2] for row in header]
        total = row_of(sheet, "Total")
        assert total[1:4] == (*expected[figure.key], expected[figure.key][0] - expected[figure.key][1])
        for part in figure.parts:
            assert row_of(sheet, part.label)[1:3] == (part.current, part.previous)


def test_the_workbook_has_the_charts_the_map_and_the_lists(client, rector, world):
    client.force_login(rector)
    context = client.get("/dashboard/").context
    workbook = workbook_of(client, {})
    for chart in context["charts"]:
        sheet = workbook[str(SHEET_NAMES["chart", chart.key])]
        for label, values in chart.rows():
            assert list(row_of(sheet, label)[1 : 1 + len(values)]) == values
    by_country = workbook[str(SHEET_NAMES["map", ""])]
    assert row_of(by_country, countries.name("TR"))[1:] == ("TR", 2)
    assert row_of(by_country, countries.name("DE"))[1:] == ("DE", 1)
    for attention in context["lists"]:
        sheet = workbook[str(SHEET_NAMES["list", attention.key])]
        assert row_of(sheet, "Total")[1] == attention.total


def test_the_workbook_names_each_sheet_with_a_name_made_for_it_in_every_language(client, rector, world):
    """Excel refuses a sheet name over 31 characters: no title is cut to fit, mid-word."""
    client.force_login(rector)
    for language in ("en", "ru", "kk"):
        with translation.override(language):
            names = [str(name) for name in SHEET_NAMES.values()]
        assert all(len(name) <= 31 for name in names), (language, [name for name in names if len(name) > 31])
        assert len(set(names)) == len(names), language
        client.cookies["django_language"] = language
        assert sorted(workbook_of(client, {}).sheetnames) == sorted(names), language


def test_the_map_colours_each_country_by_its_agreements_in_force_and_opens_them(client, rector, world):
    client.force_login(rector)
    countries = client.get("/dashboard/").context["map"]
    in_force = Agreement.objects.filter(in_force_on(TODAY))
    expected = {
        code: in_force.filter(parties__institution__country=code).distinct().count()
        for code in ["TR", "CN", "DE", "KZ"]
    }
    assert {code: country["value"] for code, country in countries.items()} == {
        code: count for code, count in expected.items() if count
    }
    assert expected == {"TR": 2, "CN": 2, "DE": 1, "KZ": 0}
    for country in countries.values():
        assert list_count(client, country["url"]) == country["value"]


def test_each_chart_bar_opens_a_list_with_as_many_rows(client, rector, world):
    client.force_login(rector)
    charts = client.get("/dashboard/").context["charts"]
    bars = 0
    for chart in charts:
        for dataset in chart.datasets:
            for value, url in zip(dataset["data"], dataset["urls"], strict=True):
                if value or bars % 5 == 0:  # every bar with records, and some empty ones
                    assert list_count(client, url) == value, (chart.key, dataset["label"], url)
                bars += 1
    assert bars > 20


def test_the_charts_count_what_plain_queries_count(client, rector, world):
    client.force_login(rector)
    charts = {chart.key: chart for chart in client.get("/dashboard/").context["charts"]}

    signed = charts["agreements_signed"]
    assert signed.labels[-1] == "2025"
    per_year = {
        year: Agreement.objects.filter(
            signed_within((datetime.date(int(year), 1, 1), datetime.date(int(year), 12, 31)))
        ).count()
        for year in signed.labels
    }
    assert [sum(values) for _label, values in signed.rows()] == list(per_year.values())

    mobility = dict(charts["mobility"].rows())
    assert mobility["2025/2026"] == [
        Participant.objects.exclude(status="withdrawn").filter(program__academic_year="2025/2026", direction=direction).count()
        for direction in ("outgoing", "incoming")
    ]  # fmt: skip
    assert mobility["2025/2026"] == [2, 2] and mobility["2024/2025"] == [3, 1]

    visits = dict(charts["visits"].rows())
    assert visits["2025 Q3"] == [1, 0, 0]  # the Chinese delegation of 25 September
    assert visits["2025 Q4"] == [0, 1, 1]  # the trip to Ankara, the AITU meeting
    assert visits["2025 Q1"] == [0, 0, 0]  # the cancelled trip does not count

    by_country = dict(charts["partners_by_country"].rows())
    assert by_country == {countries.name("TR"): [2], "China": [2], "Kazakhstan": [1]}


def test_the_lists_that_need_attention(client, rector, world):
    client.force_login(rector)
    response = client.get("/dashboard/")
    lists = {attention.key: attention for attention in response.context["lists"]}

    expiring = lists["expiring"]
    assert [(a.title, a.days_left_now) for a in expiring.rows] == [("Ministry memorandum of cooperation", 60)]
    assert expiring.total == Agreement.objects.filter(expiring_on(TODAY)).count() == 1

    assert [action.description for action in lists["overdue"].rows] == ["Send the draft 2+2 agreement"]
    assert lists["overdue"].total == FollowUpAction.objects.filter(done_on=None, due_on__lt=TODAY).count() == 1

    # In force, signed before 1 October 2023, and neither mobility nor a visit since: the ministry's
    # delegation came in May 2023; Siemens has had nobody. METU has its program and trips.
    assert [a.title for a in lists["dormant"].rows] == ["Ministry memorandum of cooperation", "Siemens internships"]
    assert list_count(client, lists["dormant"].url) == lists["dormant"].total == 2

    quotas = [(q.agreement.title, q.places, q.recorded, q.unused) for q in lists["quotas"].rows]
    assert quotas == [("METU memorandum", 3, 1, 2), ("Siemens internships", 2, 0, 2)]
    for quota in lists["quotas"].rows:
        assert list_count(client, quota.participants_url) == quota.recorded

    assert [visit.title for visit in lists["upcoming"].rows] == ["Trip to Ankara"]
    assert list_count(client, lists["upcoming"].url) == lists["upcoming"].total == 1

    page = response.content.decode()
    assert re.search(r"Ministry memorandum of cooperation</a></th>\s*<td>Study Abroad Center</td>", page)
    assert "Aknar Almenova, Faculty of Economics" in page


def test_a_filter_that_is_not_valid_is_said_and_left_out(client, rector, world):
    client.force_login(rector)
    response = client.get("/dashboard/", {"academic_year": "2025-2026", "country": "XX", "region": "east_asia"})
    assert response.status_code == 200
    assert "Some filters are not valid" in response.content.decode()
    filters = response.context["filters"]
    assert (filters.academic_year, filters.country, filters.region) == ("2025/2026", "", "east_asia")
    assert client.get("/dashboard/report.xlsx", {"unit": "not a unit"}).status_code == 200


def test_the_dashboard_links_its_exports_with_its_filters(client, rector, world):
    client.force_login(rector)
    page = client.get("/dashboard/", {"country": "TR"}).content.decode()
    assert 'href="/dashboard/report.xlsx?country=TR"' in page
    assert 'href="/dashboard/report.pdf?country=TR"' in page


@pytest.mark.parametrize("role", ["office_user", "coordinator", "rector"])
def test_the_office_coordinators_and_the_rectors_office_see_the_dashboard(client, request, role, world):
    client.force_login(request.getfixturevalue(role))
    for url in ["/dashboard/", "/dashboard/report.xlsx", "/dashboard/participants/"]:
        assert client.get(url).status_code == 200, url


def test_an_outsider_gets_no_figures(client, outsider):
    client.force_login(outsider)
    for url in ["/dashboard/", "/dashboard/report.xlsx", "/dashboard/report.pdf", "/dashboard/participants/"]:
        assert client.get(url).status_code == 403, url
