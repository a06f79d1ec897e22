"""The list pages' faster rows and selects (cooperation/lib/listing.py) give exactly what
django-tables2's rows and Django's Select give."""

import pytest
from django import forms
from django.utils import translation
from django_tables2.rows import BoundRows

from agreements.models import Agreement
from agreements.tables import AgreementTable
from cooperation.lib.choices import choice_label
from cooperation.lib.listing import FastBoundRows, FastSelect
from cooperation.tests.factories import (
    AgreementFactory,
    AgreementPartyFactory,
    InstitutionFactory,
    ProgramFactory,
    VisitFactory,
)
from cooperation.visits.models import Visit
from cooperation.visits.tables import VisitTable
from mobility.filters import ProgramFilter
from mobility.models import Program
from mobility.tables import ProgramTable
from partners.filters import InstitutionFilter
from partners.models import Institution
from partners.tables import InstitutionTable


@pytest.fixture
def records(db):
    turkey = InstitutionFactory(name="Hacettepe Üniversitesi", country="TR", kind=Institution.Kind.COMPANY)
    InstitutionFactory(name="<b>Xinjiang</b> University", country="CN", short_name="XJU", parent=turkey)
    agreement = AgreementFactory(title="Memorandum & more", kind=Agreement.Kind.ERASMUS_IIA)
    AgreementPartyFactory(agreement=agreement, institution=turkey)
    AgreementFactory(title="Draft", status=Agreement.Status.DRAFT, signed_on=None, expires_on=None)
    visit = VisitFactory(kind=Visit.Kind.OUTGOING_TRIP, status=Visit.Status.CANCELLED)
    visit.partners.add(turkey)
    program = ProgramFactory(kind=Program.Kind.DOUBLE_DEGREE, places=4)
    program.partners.add(turkey)


TABLES = [
    (InstitutionTable, lambda: Institution.objects.all()),
    (AgreementTable, lambda: Agreement.objects.prefetch_related("parties__institution")),
    (VisitTable, lambda: Visit.objects.prefetch_related("partners")),
    (ProgramTable, lambda: Program.objects.prefetch_related("partners")),
]


def rendered(table) -> list:
    return [[(column.name, str(cell)) for column, cell in row.items()] for row in table.rows]


@pytest.mark.parametrize("language", ["en", "ru", "kk"])
@pytest.mark.parametrize(("table_class", "data"), TABLES)
def test_fast_rows_render_and_export_what_django_tables2_does(records, table_class, data, language):
    with translation.override(language):
        plain, fast = table_class(data()), table_class(data())
        fast.rows = FastBoundRows(data=fast.data, table=fast, pinned_data=fast.pinned_data)
        assert isinstance(plain.rows, BoundRows) and not isinstance(plain.rows, FastBoundRows)
        assert rendered(fast) == rendered(plain)
        assert list(fast.as_values()) == list(plain.as_values())


def test_choice_label_is_get_display(records):
    for language in ("en", "ru", "kk"):
        with translation.override(language):
            for institution in Institution.objects.all():
                assert choice_label(institution, "kind") == institution.get_kind_display()
                assert choice_label(institution, "country") == institution.get_country_display()
            assert choice_label(Institution(kind="unknown"), "kind") == "unknown"


def select_pair(field: forms.Field, name: str, value) -> tuple[str, str]:
    fast = FastSelect(attrs={"class": "form-select", "id": f"id_{name}"}, choices=field.widget.choices)
    plain = forms.Select(attrs={"class": "form-select", "id": f"id_{name}"}, choices=field.widget.choices)
    return fast.render(name, value), plain.render(name, value)


@pytest.mark.parametrize("value", [None, "", "KZ", "TR"])
def test_fast_select_writes_django_select_markup(db, value):
    form = InstitutionFilter({}, queryset=Institution.objects.all()).form
    for name in ("country", "kind", "status", "tag"):
        fast, plain = select_pair(form.fields[name], name, value)
        assert fast == plain


def test_fast_select_with_a_model_choice_and_a_selected_unit(faculty, other_faculty):
    form = ProgramFilter({}, queryset=Program.objects.all()).form
    fast, plain = select_pair(form.fields["unit"], "unit", faculty.pk)
    assert fast == plain
    assert "selected" in fast


def test_list_pages_use_the_fast_select(client, office_user, records):
    client.force_login(office_user)
    response = client.get("/partners/", {"country": "TR"})
    assert isinstance(response.context["filter"].form.fields["country"].widget, FastSelect)
    assert '<option value="TR" selected>' in response.content.decode()


def test_unfiltered_big_lists_count_by_estimate_on_postgresql(records, monkeypatch):
    from django.db import connection

    from cooperation.lib import listing

    filtered = Agreement.objects.filter(status=Agreement.Status.DRAFT)
    assert listing._counted_or_estimated(filtered) is None
    assert listing._counted_or_estimated(Agreement.objects.all()[:10]) is None
    if connection.vendor != "postgresql":
        assert listing._counted_or_estimated(Agreement.objects.all()) is None
        assert listing.EstimatedCountPaginator(Agreement.objects.order_by("pk"), 50).count == 2
        return
    # Below the threshold, the exact count; above it, the planner's estimate, in one query.
    assert listing._counted_or_estimated(Agreement.objects.select_related("responsible_unit")) == 2
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE agreements_agreement")
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = 'agreements_agreement'")
        estimate = cursor.fetchone()[0]
    monkeypatch.setattr(listing, "ESTIMATE_ABOVE", -2)
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert listing._counted_or_estimated(Agreement.objects.select_related("responsible_unit")) == estimate
    assert len(queries) == 1


def test_the_list_pages_paginate_with_the_estimating_paginator(client, office_user, records):
    from cooperation.lib.listing import EstimatedCountPaginator

    client.force_login(office_user)
    response = client.get("/agreements/")
    assert isinstance(response.context["table"].paginator, EstimatedCountPaginator)
    assert response.context["table"].paginator.count == 2


@pytest.mark.parametrize("url", ["/partners/", "/agreements/", "/visits/", "/mobility/", "/agreements/?sort=-title"])
def test_whole_list_pages_are_the_same_with_the_plain_rows_and_selects(client, office_user, records, monkeypatch, url):
    import re

    from cooperation.lib import listing

    client.force_login(office_user)

    def page() -> str:
        html = client.get(url, HTTP_ACCEPT_LANGUAGE="ru").content.decode()
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)

    fast = page()
    monkeypatch.setattr(listing, "FastBoundRows", BoundRows)
    monkeypatch.setattr(listing, "_fast_selects", lambda form: None)
    assert page() == fast


def test_the_filter_form_is_drawn_once_and_stays_true_to_the_query_and_the_choices(client, office_user, records):
    from cooperation.tests.factories import UnitFactory

    client.force_login(office_user)

    def form_of(response) -> str:
        html = response.content.decode()
        return html[
            html.index('<form method="get" id="list-filters"') : html.index("</form>", html.index("list-filters"))
        ]

    first = form_of(client.get("/agreements/", {"state": "expiring"}))
    assert first == form_of(
        client.get("/agreements/", {"state": "expiring", "page": "1"})
    )  # the page is not part of it
    assert 'value="expiring" selected' in first
    other = form_of(client.get("/agreements/", {"state": "active"}))
    assert 'value="active" selected' in other and 'value="expiring" selected' not in other
    UnitFactory(name="Faculty of Sea Studies")
    assert "Faculty of Sea Studies" in form_of(client.get("/agreements/", {"state": "expiring"}))
    with translation.override("ru"):
        russian = form_of(client.get("/agreements/", {"state": "expiring"}, HTTP_ACCEPT_LANGUAGE="ru"))
    assert russian != first
    invalid = client.get("/agreements/", {"state": "nonsense"})
    assert "is-invalid" in form_of(invalid) and "is-invalid" in form_of(
        client.get("/agreements/", {"state": "nonsense"})
    )
