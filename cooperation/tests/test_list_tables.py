"""The list tables (cooperation/lib/tables.py ListTable): each writes its rows and its export
through its own render_/value_ methods, and that is what django-tables2's own row loop and
as_values() give for the same table."""

import datetime
import re

import django_tables2 as tables
import pytest
from django.db.models import Value
from django.template import RequestContext, Template
from django.test import RequestFactory
from django.utils import translation

from agreements.models import Agreement
from agreements.tables import AgreementTable
from cooperation.lib.tables import ListTable
from cooperation.tests.factories import (
    AgreementFactory,
    AgreementPartyFactory,
    InstitutionFactory,
    ParticipantFactory,
    ProgramFactory,
    VisitFactory,
)
from cooperation.visits.models import Visit
from cooperation.visits.tables import VisitTable
from mobility.models import Participant, Program
from mobility.tables import ParticipantTable, ProgramTable
from partners.models import Institution
from partners.tables import InstitutionTable

# django-tables2's own row loop, cell by cell (its table.html has the same).
DJANGO_TABLES2_ROWS = Template(
    "{% for row in table.paginated_rows %}<tr {{ row.attrs.as_html }}>"
    "{% for column, cell in row.items %}<td {{ column.attrs.td.as_html }}>{{ cell }}</td>{% endfor %}"
    "</tr>{% endfor %}"
)


@pytest.fixture
def records(db):
    turkey = InstitutionFactory(name="Hacettepe Üniversitesi", country="TR", kind=Institution.Kind.COMPANY)
    InstitutionFactory(
        name="<b>Xinjiang</b> University", country="CN", short_name="XJU", parent=turkey, city="", status="inactive"
    )
    InstitutionFactory(name="Prospective", country="KZ", status="prospective")
    agreement = AgreementFactory(
        title="Memorandum & more", kind=Agreement.Kind.ERASMUS_IIA, registration_number="12/<3>", auto_renews=True
    )
    AgreementPartyFactory(agreement=agreement, institution=turkey)
    AgreementFactory(title="Draft", status=Agreement.Status.DRAFT, signed_on=None, expires_on=None)
    soon = datetime.date.today() + datetime.timedelta(days=20)
    AgreementFactory(title="Expiring", expires_on=soon, responsible_unit=agreement.responsible_unit)
    visit = VisitFactory(kind=Visit.Kind.OUTGOING_TRIP, status=Visit.Status.CANCELLED, places="Almaty & Astana")
    visit.partners.add(turkey)
    VisitFactory(starts_on=datetime.date(2025, 3, 1), ends_on=datetime.date(2025, 3, 4), title="Three <days>")
    program = ProgramFactory(kind=Program.Kind.DOUBLE_DEGREE, places=4, degree_structure="2+2")
    program.partners.add(turkey)
    ProgramFactory(application_deadline=datetime.date(2026, 3, 1))
    ParticipantFactory(program=program, partner_institution=turkey, starts_on=datetime.date(2026, 2, 1))
    ParticipantFactory(program=program, status=Participant.Status.WITHDRAWN, kind="staff")


TABLES = [
    (
        InstitutionTable,
        lambda: Institution.objects.select_related("parent").annotate(agreements_in_force=Value(2)).order_by("name"),
    ),
    (
        AgreementTable,
        lambda: Agreement.objects.select_related("responsible_unit").prefetch_related("parties__institution"),
    ),
    (VisitTable, lambda: Visit.objects.select_related("host_unit").prefetch_related("partners")),
    (
        ProgramTable,
        lambda: (
            Program.objects.select_related("unit").prefetch_related("partners").annotate(participant_count=Value(3))
        ),
    ),
    (ParticipantTable, lambda: Participant.objects.select_related("program", "unit", "partner_institution")),
]


def tidy(html: str) -> str:
    return re.sub(r"\s+<", "<", re.sub(r">\s+", ">", str(html))).strip()


def configured(table_class, data, user):
    request = RequestFactory().get("/")
    request.user = user
    table = table_class(data())
    tables.RequestConfig(request, paginate={"per_page": 50}).configure(table)
    return table, RequestContext(request, {"table": table})


@pytest.mark.parametrize("language", ["en", "ru", "kk"])
@pytest.mark.parametrize(("table_class", "data"), TABLES, ids=lambda value: getattr(value, "__name__", ""))
def test_rows_are_what_django_tables2_draws(records, office_user, table_class, data, language):
    with translation.override(language):
        table, context = configured(table_class, data, office_user)
        expected = DJANGO_TABLES2_ROWS.render(context)
        table, _context = configured(table_class, data, office_user)
        written = table.rows_html()
    assert tidy(written) == tidy(expected)
    assert written.count("<tr ") == len(data())


def test_a_list_page_writes_its_rows_and_the_empty_text_without_rows(client, office_user, records):
    client.force_login(office_user)
    html = client.get("/visits/").content.decode()
    assert "Three &lt;days&gt;" in html
    assert re.search(r'<tr class="text-body-secondary (even|odd)">', html)  # the cancelled visit
    empty = client.get("/visits/", {"q": "nothing like this"}).content.decode()
    assert "No visit or event matches these filters." in empty


@pytest.mark.parametrize("language", ["en", "ru", "kk"])
@pytest.mark.parametrize(("table_class", "data"), TABLES, ids=lambda value: getattr(value, "__name__", ""))
def test_export_values_are_what_django_tables2_gives(records, table_class, data, language):
    with translation.override(language):
        expected = list(table_class(data()).as_values())
        assert list(table_class(data()).export_rows()) == expected
    assert len(expected) == len(data()) + 1


def test_a_list_table_writes_every_column_itself():
    with pytest.raises(TypeError, match="render_<column>.*city"):

        class Incomplete(ListTable):
            name = tables.Column()
            city = tables.Column()

            class Meta:
                model = Institution
                fields = []

            def render_name(self, record):
                return record.name


def test_choice_labels_are_get_display_in_each_language(records):
    for language in ("en", "ru", "kk"):
        with translation.override(language):
            table = VisitTable(Visit.objects.all())
            for visit in Visit.objects.all():
                assert table.choice_label(visit, "kind") == visit.get_kind_display()
                assert table.choice_label(visit, "status") == visit.get_status_display()
            assert table.choice_label(Visit(kind="unknown"), "kind") == "unknown"


def test_an_export_writes_dates_as_dates_and_keeps_formula_like_text_as_text(client, office_user, records):
    from io import BytesIO

    from openpyxl import load_workbook

    AgreementFactory(title="=HYPERLINK(1)", signed_on=datetime.date(2025, 5, 6))
    client.force_login(office_user)
    response = client.get("/agreements/", {"export": "xlsx"})
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    cells = {cell.value: cell for row in sheet.iter_rows() for cell in row}
    assert cells["=HYPERLINK(1)"].data_type == "s"
    assert cells[datetime.datetime(2025, 5, 6)].number_format == "yyyy-mm-dd"
    expires = next(cell for cell in sheet["G"][1:] if isinstance(cell.value, datetime.datetime))
    assert expires.number_format == "yyyy-mm-dd"
