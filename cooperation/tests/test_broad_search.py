"""Searches and counts that stay cheap however many rows match (issue 18): a broad search tests
each row in the list's order instead of gathering every match, and a list of more rows than are
counted shows PostgreSQL's estimate ("about"). On PostgreSQL only, where both apply."""

import datetime
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agreements.models import Agreement, AgreementParty
from conftest import service_missing
from cooperation.lib import listing, xlsx
from cooperation.lib.queries import ROW_TEST_COST, SEARCH_SHARE, pk_in_any
from cooperation.portal.search import HITS_PER_KIND
from cooperation.tests.factories import AgreementFactory, InstitutionFactory, UnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def postgresql():
    if connection.vendor != "postgresql":
        service_missing("PostgreSQL (the planner's estimates)")


@pytest.fixture
def many_agreements(postgresql):
    """600 agreements with a university for partner, 40 with a company, and one titled "Padova";
    the tables analysed, as autovacuum would after such a load."""
    unit = UnitFactory()
    university = InstitutionFactory(name="University of Bologna")
    company = InstitutionFactory(name="Tractor Works")

    def agreements(count: int, partner, title: str) -> None:
        made = Agreement.objects.bulk_create(
            Agreement(
                title=f"{title} {number}",
                kind=Agreement.Kind.MOU,
                status=Agreement.Status.SIGNED,
                responsible_unit=unit,
                signed_on=datetime.date(2024, 1, 1) + datetime.timedelta(days=number),
                valid_from=datetime.date(2024, 1, 1),
                expires_on=datetime.date(2029, 1, 1),
            )
            for number in range(count)
        )
        AgreementParty.objects.bulk_create(
            AgreementParty(agreement=agreement, institution=partner) for agreement in made
        )

    agreements(600, university, "Exchange")
    agreements(40, company, "Internship")
    AgreementFactory(title="Padova summer school", responsible_unit=unit)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE agreements_agreement, agreements_agreementparty, partners_institution")


def union_of(text: str) -> set[int]:
    """What the search finds as one union of every match (the narrow searches' way)."""
    found = pk_in_any(
        Agreement.objects.filter(title__icontains=text).values("pk"),
        AgreementParty.objects.filter(institution__search_text__contains=f" {text.lower()}").values("agreement_id"),
    )
    return set(Agreement.objects.filter(found).values_list("pk", flat=True))


def test_a_broad_search_tests_each_row_and_finds_what_the_union_finds(many_agreements):
    broad = Agreement.objects.search("univ")

    assert SEARCH_SHARE in broad.query.annotations
    sql = str(broad.order_by("-signed_on").query).upper()
    assert "UNION" not in sql  # no gathering of every match first
    assert set(broad.values_list("pk", flat=True)) == union_of("univ")
    assert len(union_of("univ")) == 600


def test_a_narrow_search_keeps_the_union_through_the_indexes(many_agreements):
    narrow = Agreement.objects.search("padova")

    assert SEARCH_SHARE not in narrow.query.annotations
    assert "UNION" in str(narrow.query).upper()
    assert [agreement.title for agreement in narrow] == ["Padova summer school"]


def test_a_broad_search_is_estimated_not_counted(many_agreements, monkeypatch):
    monkeypatch.setattr(listing, "COUNT_UP_TO", 100)
    broad = Agreement.objects.search("univ")
    with CaptureQueriesContext(connection) as queries:
        number, estimated = listing.counted_or_estimated(broad)

    assert estimated
    # The planner's estimate times the sampled share: near the 600 that match.
    assert 300 <= number <= 1200
    assert len(queries) == 1


def test_a_list_of_more_rows_than_are_counted_says_about(many_agreements, client, office_user, monkeypatch):
    monkeypatch.setattr(listing, "COUNT_UP_TO", 100)
    client.force_login(office_user)

    page = client.get("/agreements/", {"q": "exchange"}).content.decode()

    assert "About " in page and "records match these filters." in page
    assert "of about " in page


def test_a_list_counted_exactly_says_the_number(many_agreements, client, office_user):
    client.force_login(office_user)

    page = client.get("/agreements/", {"q": "internship"}).content.decode()

    assert "40 records match these filters." in page
    assert "About" not in page


def test_broad_and_narrow_searches_cost_the_same_queries(many_agreements, client, office_user):
    client.force_login(office_user)
    client.get("/agreements/", {"q": "padova"})  # the filter form's cache filled
    counts = []
    for text in ("univ", "padova", "internship"):
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/agreements/", {"q": text})
        assert response.status_code == 200
        counts.append(len(queries))
    assert len(set(counts)) == 1, counts


def test_the_global_search_estimates_many_hits(many_agreements, client, office_user, monkeypatch):
    monkeypatch.setattr(listing, "COUNT_UP_TO", 100)
    client.force_login(office_user)

    page = client.get("/search/", {"q": "univ"}).content.decode()

    assert "All of them in the list" in page
    assert "About " in page


@pytest.fixture
def every_other_agreement(postgresql):
    """400 agreements, every other one with the partner "Alpha University": a search for it matches
    half the rows, 200 in all, which a page of 50 finds best through the union, a few hits by
    testing rows."""
    unit = UnitFactory()
    alpha, beta = InstitutionFactory(name="Alpha University"), InstitutionFactory(name="Beta Works")
    made = Agreement.objects.bulk_create(
        Agreement(
            title=f"Agreement {number}",
            kind=Agreement.Kind.MOU,
            status=Agreement.Status.SIGNED,
            responsible_unit=unit,
            signed_on=datetime.date(2020, 1, 1) + datetime.timedelta(days=number),
        )
        for number in range(400)
    )
    AgreementParty.objects.bulk_create(
        AgreementParty(agreement=agreement, institution=alpha if number % 2 else beta)
        for number, agreement in enumerate(made)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE agreements_agreement, agreements_agreementparty, partners_institution")


def test_a_search_for_a_few_hits_stops_at_them_where_a_page_gathers_the_union(every_other_agreement):
    page = Agreement.objects.search("alpha").order_by("-signed_on", "-pk")
    few = Agreement.objects.search("alpha", rows=HITS_PER_KIND + 1).order_by("-signed_on", "-pk")

    assert SEARCH_SHARE not in page.query.annotations
    assert SEARCH_SHARE in few.query.annotations
    assert "UNION" not in str(few.query).upper()
    assert list(few[:9]) == list(page[:9])
    assert few.count() == page.count() == 200


def test_the_global_search_shows_the_same_hits_either_way(every_other_agreement, client, office_user):
    client.force_login(office_user)

    (agreements,) = [
        group for group in client.get("/search/", {"q": "alpha"}).context["groups"] if group.key == "agreements"
    ]

    expected = Agreement.objects.filter(parties__institution__name="Alpha University").order_by("-signed_on", "-pk")
    assert agreements.hits == list(expected[:HITS_PER_KIND])


def test_a_broad_search_is_counted_only_when_testing_every_row_is_cheap(every_other_agreement, monkeypatch):
    few = Agreement.objects.search("alpha", rows=HITS_PER_KIND + 1)
    sql, params = few.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SELECT planned_rows(%s)", [connection.ops.compose_sql(sql, params)])
        (tested,) = cursor.fetchone()
    assert tested >= 300  # the planner cannot see into the per-row test: nearly every row

    # Counting tests each of those rows: as much work as counting tested * ROW_TEST_COST matches
    # through an index.
    monkeypatch.setattr(listing, "COUNT_UP_TO", tested * ROW_TEST_COST - 1)
    number, estimated = listing.counted_or_estimated(few)
    assert estimated
    assert 100 <= number <= 300
    monkeypatch.setattr(listing, "COUNT_UP_TO", tested * ROW_TEST_COST)
    assert listing.counted_or_estimated(few) == (200, False)


def test_the_workbook_writer_keeps_each_kind_of_value():
    rows = [
        ["Title", "Signed", "Updated", "Places", "Note"],
        ["=HYPERLINK(1)", datetime.date(2025, 5, 6), datetime.datetime(2025, 5, 6, 14, 30), 12, None],
        ["#N/A", None, None, 2.5, "bell\x07 & <tag> «ё»"],
    ]

    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.workbook_bytes(rows, "Agreements"))).active

    assert sheet.title == "Agreements"
    assert [cell.value for cell in sheet[1]] == rows[0]
    assert all(cell.font.bold for cell in sheet[1])
    title, signed, updated, places, note = sheet[2]
    assert title.value == "=HYPERLINK(1)" and title.data_type == "s"
    assert signed.value == datetime.datetime(2025, 5, 6) and signed.number_format == "yyyy-mm-dd"
    assert updated.value == datetime.datetime(2025, 5, 6, 14, 30) and updated.number_format == "yyyy-mm-dd hh:mm"
    assert places.value == 12 and note.value is None
    assert [cell.value for cell in sheet[3]] == ["#N/A", None, None, 2.5, "bell & <tag> «ё»"]
    assert sheet[3][0].data_type == "s"


def test_column_letters_go_past_z():
    assert [xlsx.column_letters(index) for index in (0, 25, 26, 51, 52, 701, 702)] == [
        "A",
        "Z",
        "AA",
        "AZ",
        "BA",
        "ZZ",
        "AAA",
    ]
