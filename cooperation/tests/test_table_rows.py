"""The list pages' rows drawn in Python (cooperation/lib/table_rows.py) are exactly what
django-tables2's own row loop drew in templates/includes/table.html before."""

import datetime
import itertools
import re

import django_tables2 as tables
import pytest
from django.template import RequestContext, Template
from django.test import RequestFactory
from django.utils import translation

from agreements.models import Agreement
from agreements.tables import AgreementTable
from cooperation.lib.table_rows import draw_rows, table_values
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

# The loop includes/table.html had, cell by cell through django-tables2.
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


class CallableCellTable(tables.Table):
    """A table whose cell attributes depend on the record: drawn cell by cell."""

    name = tables.Column(attrs={"td": {"data-kind": lambda record: record.kind}})
    city = tables.Column()

    class Meta:
        model = Institution
        fields = []


TABLES = [
    (InstitutionTable, lambda: Institution.objects.select_related("parent").order_by("name")),
    (
        AgreementTable,
        lambda: Agreement.objects.select_related("responsible_unit").prefetch_related("parties__institution"),
    ),
    (VisitTable, lambda: Visit.objects.select_related("host_unit").prefetch_related("partners")),
    (ProgramTable, lambda: Program.objects.select_related("unit").prefetch_related("partners")),
    (ParticipantTable, lambda: Participant.objects.select_related("program", "unit", "partner_institution")),
    (CallableCellTable, lambda: Institution.objects.order_by("name")),
]


def tidy(html: str) -> str:
    return re.sub(r"\s+<", "<", re.sub(r">\s+", ">", str(html))).strip()


@pytest.mark.parametrize("language", ["en", "ru", "kk"])
@pytest.mark.parametrize(("table_class", "data"), TABLES, ids=lambda value: getattr(value, "__name__", ""))
def test_rows_are_what_django_tables2_drew(records, office_user, table_class, data, language):
    request = RequestFactory().get("/")
    request.user = office_user
    with translation.override(language):
        table = table_class(data())
        tables.RequestConfig(request, paginate={"per_page": 50}).configure(table)
        context = RequestContext(request, {"table": table})
        table.context = context
        expected = DJANGO_TABLES2_ROWS.render(context)
        table._counter = itertools.count()  # the rows' even/odd classes count from the first again
        drawn = draw_rows(table, context)
    assert tidy(drawn) == tidy(expected)
    assert drawn.count("<tr ") == len(data())


def test_a_list_page_draws_its_rows_in_python_and_the_empty_text_without_rows(client, office_user, records):
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
        assert list(table_values(table_class(data()))) == expected
    assert len(expected) == len(data()) + 1


def test_an_export_writes_dates_as_dates_and_keeps_formula_like_text_as_text(client, office_user, records):
    from io import BytesIO

    from openpyxl import load_workbook

    AgreementFactory(title="=HYPERLINK(1)", signed_on=datetime.date(2025, 5, 6))
    client.force_login(office_user)
    response = client.get("/agreements/", {"export": "xlsx"})
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    cells = {cell.value: cell for row in sheet.iter_rows() for cell in row}
    assert cells["=HYPERLINK(1)"].data_type == "s"
    expires = next(cell for cell in sheet["G"][1:] if isinstance(cell.value, datetime.datetime))
    assert expires.number_format == "yyyy-mm-dd"


def test_the_choice_filter_is_get_display(records):
    from cooperation.templatetags.portal import choice

    for language in ("en", "ru", "kk"):
        with translation.override(language):
            for visit in Visit.objects.all():
                assert choice(visit, "kind") == visit.get_kind_display()
                assert choice(visit, "status") == visit.get_status_display()
            for institution in Institution.objects.all():
                assert choice(institution, "country") == institution.get_country_display()
            assert choice(Institution(kind="unknown"), "kind") == "unknown"
    assert choice(None, "kind") == ""
