"""The dashboard's cost in queries (the same for 10 agreements and for 10,000), its PDF report in
the user's language, and the list of mobility participants its figures open."""

import datetime
import re
import zlib
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext

from agreements.models import Agreement, AgreementParty, Quota
from cooperation.activity import refresh_kept
from cooperation.dashboard.selectors import dashboard_figures, default_filters
from cooperation.tests.factories import ParticipantFactory, ProgramFactory, UserFactory
from cooperation.visits.models import FollowUpAction, Visit
from mobility.models import Participant, Program
from partners.models import Institution, Unit

NOW = datetime.datetime(2025, 10, 1, 9, 0, tzinfo=ZoneInfo("Asia/Almaty"))


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def bulk_world(size: int, faculty: Unit) -> None:
    """`size` agreements with a partner each, in every state and kind, and a tenth as many
    visits, follow-up actions, quotas and participants: made with bulk_create, in seconds."""
    today = NOW.date()
    countries = ["TR", "CN", "KZ", "DE", "US", "KR", "FR", "UZ"]
    kinds = [kind for kind, _label in Institution.Kind.choices]
    partners = Institution.objects.bulk_create(
        Institution(name=f"Bulk partner {n}", country=countries[n % 8], kind=kinds[n % len(kinds)])
        for n in range(max(size // 5, 3))
    )
    agreement_kinds = [kind for kind, _label in Agreement.Kind.choices]
    statuses = [Agreement.Status.SIGNED] * 6 + [Agreement.Status.DRAFT, Agreement.Status.NEGOTIATION]

    def bulk_agreement(n: int) -> Agreement:
        # Signed from yesterday to seven years ago; a third expire within three months.
        status = statuses[n % len(statuses)]
        signed = today - datetime.timedelta(days=[1, 800, 1500, 2500][n % 4] + n // 4 % 300)
        return Agreement(
            title=f"Bulk agreement {n}",
            kind=agreement_kinds[n % len(agreement_kinds)],
            status=status,
            responsible_unit=faculty,
            signed_on=signed if status == "signed" else None,
            valid_from=signed if status == "signed" else None,
            expires_on=today + datetime.timedelta(days=[45, 400, 1200][n % 3] + n // 3 % 40),
        )

    agreements = Agreement.objects.bulk_create((bulk_agreement(n) for n in range(size)), batch_size=2000)
    AgreementParty.objects.bulk_create(
        (AgreementParty(agreement=agreement, institution=partners[n % len(partners)]) for n, agreement in enumerate(agreements)),
        batch_size=2000,
    )  # fmt: skip
    owner = UserFactory()
    visits = Visit.objects.bulk_create(
        Visit(
            title=f"Bulk visit {n}",
            kind=[Visit.Kind.INCOMING_DELEGATION, Visit.Kind.OUTGOING_TRIP, Visit.Kind.MEETING][n % 3],
            starts_on=(day := today + datetime.timedelta(days=[10, -300, -100, 200][n % 4] + n // 4 % 100)),
            ends_on=day,
            host_unit=faculty,
        )
        for n in range(max(size // 10, 4))
    )
    # The last partner has no visits: its agreements signed long ago lie dormant.
    Visit.partners.through.objects.bulk_create(
        Visit.partners.through(visit=visit, institution=partners[n % (len(partners) - 1)])
        for n, visit in enumerate(visits)
    )
    FollowUpAction.objects.bulk_create(
        FollowUpAction(visit=visit, description="Bulk action", owner=owner, due_on=visit.starts_on) for visit in visits
    )
    signed = [agreement for agreement in agreements if agreement.status == "signed"]
    Quota.objects.bulk_create(
        Quota(
            agreement=agreement,
            first_academic_year="2025/2026",
            last_academic_year="2025/2026",
            direction="outgoing",
            category="student_studies",
            places=3,
        )
        for agreement in signed[: max(size // 10, 1)]
    )
    programs = Program.objects.bulk_create(
        Program(title=f"Bulk program {n}", unit=faculty, agreement=agreement, academic_year=["2025/2026", "2024/2025"][n % 2])
        for n, agreement in enumerate(signed[: max(size // 20, 1)])
    )  # fmt: skip
    Participant.objects.bulk_create(
        Participant(
            program=programs[n % len(programs)],
            direction=["outgoing", "incoming"][n % 2],
            kind=["student", "staff"][n % 3 == 0],
            full_name=f"Bulk participant {n}",
            unit=faculty,
            partner_institution=partners[n % len(partners)],
        )
        for n in range(max(size // 10, 1))
    )
    refresh_kept()  # bulk_create sends no signals: the kept counts made afresh, as seed_bulk does


# session, user, 2 permissions, the unit filtered by, the notification bell; eight figures; four
# charts and the map (of which the four stocks, partners and agreements in force, by kind and by
# country, each read their kept counts and then the records of the day's own month); the first rows of each list with how many there are (one query each) and
# what they show with them: expiring agreements and their parties with partners, overdue actions,
# dormant agreements (counted apart, from an index) and their parties with partners, unused
# quotas, upcoming visits and their partners; the units of the filter form.
DASHBOARD_QUERIES = 33


@pytest.mark.parametrize("size", [10, 10_000])
def test_the_dashboard_costs_the_same_queries_for_10_and_10000_agreements(
    client, rector, faculty, frozen, django_assert_num_queries, size
):
    bulk_world(size, faculty)
    assert Agreement.objects.count() == size
    client.force_login(rector)
    with django_assert_num_queries(DASHBOARD_QUERIES):
        response = client.get("/dashboard/", {"unit": faculty.pk})
    figures = {figure.key: figure.current for figure in response.context["figures"]}
    assert figures["agreements_in_force"] == Agreement.objects.in_force().count() > 0


def test_the_exports_cost_no_more_queries_than_the_page(client, rector, faculty, frozen):
    bulk_world(50, faculty)
    client.force_login(rector)
    counts = {}
    for url in ["/dashboard/", "/dashboard/report.xlsx", "/dashboard/report.pdf"]:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts[url] = len(queries)
    assert counts["/dashboard/report.xlsx"] <= counts["/dashboard/"]
    assert counts["/dashboard/report.pdf"] <= counts["/dashboard/"]


def pdf_text_glyphs(pdf: bytes) -> tuple[set[str], bytes]:
    """The characters the PDF's fonts map glyphs to (their ToUnicode maps), and its streams
    inflated: enough to tell the letters were set in a font that has them."""
    streams = []
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            streams.append(zlib.decompress(match.group(1)))
        except zlib.error:
            streams.append(match.group(1))
    inflated = b"\n".join(streams)
    characters = set()
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", inflated, re.S):
        for code in re.findall(rb"<[0-9a-fA-F]+>\s*<([0-9a-fA-F]{4})>", block):
            characters.add(chr(int(code, 16)))
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", inflated, re.S):
        for start, end, first in re.findall(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]{4})>", block):
            for offset in range(int(end, 16) - int(start, 16) + 1):
                characters.add(chr(int(first, 16) + offset))
    return characters, inflated


@pytest.mark.parametrize(
    "language, heading",
    [("en", "Dashboard"), ("ru", "Панель показателей"), ("kk", "Көрсеткіштер тақтасы")],
)
def test_the_pdf_report_comes_in_the_users_language_with_fonts_for_its_letters(
    client, rector, faculty, frozen, language, heading
):
    bulk_world(20, faculty)
    client.force_login(rector)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    response = client.get("/dashboard/report.pdf", {"academic_year": "2025/2026"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="dashboard-2025-2026-2025-10-01.pdf"'
    assert response.content.startswith(b"%PDF-")
    characters, inflated = pdf_text_glyphs(response.content)
    assert b"DejaVu" in inflated  # the fonts embedded: DejaVu-Sans, DejaVu-Sans-Bold
    assert set(heading.replace(" ", "")) <= characters, set(heading) - characters


def test_the_pdf_report_is_built_from_the_same_figures(faculty, frozen):
    """The report's HTML (before WeasyPrint) holds every figure of the page, as the selectors give them."""
    bulk_world(30, faculty)
    filters = default_filters()
    figures = dashboard_figures(filters=filters)

    html = render_to_string(
        "cooperation/dashboard_pdf.html", {"filters": filters, "figures": figures, "language": "en"}
    )

    for figure in figures:
        assert re.search(
            rf'data-figure="{figure.key}"><th>{re.escape(str(figure.label))}</th><td class="number">{figure.current}</td>',
            html,
        )


def test_the_participant_list_filters_what_the_mobility_figures_count(client, rector, faculty, frozen):
    program = ProgramFactory(academic_year="2025/2026", unit=faculty)
    ParticipantFactory.create_batch(2, program=program, direction="outgoing", partner_institution__country="CN")
    ParticipantFactory(program=program, direction="outgoing", kind="staff")
    ParticipantFactory(program=program, direction="outgoing", status=Participant.Status.WITHDRAWN)
    ParticipantFactory(program=ProgramFactory(academic_year="2024/2025"), direction="outgoing")
    client.force_login(rector)

    def count(**params):
        response = client.get("/dashboard/participants/", params)
        assert response.status_code == 200
        return response.context["table"].paginator.count

    assert count() == 5
    assert count(academic_year="2025/2026", direction="outgoing", withdrawn="false") == 3
    assert count(academic_year="2025/2026", kind="student", withdrawn="false") == 2
    assert count(region="east_asia") == 2
    assert count(withdrawn="true") == 1
    page = client.get("/dashboard/participants/", {"export": "xlsx"})
    assert page.status_code == 200


def test_the_participant_list_costs_a_fixed_number_of_queries(client, rector, faculty, django_assert_num_queries):
    program = ProgramFactory(unit=faculty)
    ParticipantFactory.create_batch(30, program=program)
    client.force_login(rector)
    # session, user, 2 permissions, the notification bell, count, page of participants with their
    # programs, partners and units, the units of the filter form
    with django_assert_num_queries(8):
        client.get("/dashboard/participants/")


def test_the_dashboard_is_drawn_once_until_a_record_changes(client, rector, faculty, django_assert_num_queries):
    from cooperation.tests.factories import AgreementFactory, AgreementPartyFactory

    AgreementPartyFactory(agreement__responsible_unit=faculty)
    client.force_login(rector)
    first = client.get("/dashboard/")
    # session, user, 2 permissions, the notification bell, the units of the filter form: the
    # figures, charts, map and lists come from the cache (33 queries when drawn)
    with django_assert_num_queries(6):
        again = client.get("/dashboard/")
    assert again.context["figures"] == first.context["figures"]

    AgreementFactory(responsible_unit=faculty)  # a change: the cached figures are stale
    changed = client.get("/dashboard/")

    def counts(response):
        return {figure.key: figure.current for figure in response.context["figures"]}

    assert counts(changed) != counts(first)


def test_the_worker_draws_the_default_dashboard_again_after_a_change(
    client, rector, faculty, django_assert_num_queries, django_capture_on_commit_callbacks
):
    from cooperation.dashboard.cache import records_changed
    from cooperation.tasks import dashboard_warm
    from cooperation.tests.factories import AgreementPartyFactory

    AgreementPartyFactory(agreement__responsible_unit=faculty)
    assert dashboard_warm() == 3  # en, ru and kk
    assert dashboard_warm() == 0  # nothing changed since
    client.force_login(rector)
    for language in ("en", "ru", "kk"):
        # the figures come from the cache (the page's fragment is drawn: no query of its own)
        with django_assert_num_queries(6):
            assert client.get("/dashboard/", HTTP_ACCEPT_LANGUAGE=language).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        records_changed()
    assert dashboard_warm() == 3


def test_beat_runs_the_dashboard_warm_up_every_five_minutes(db):
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(task="cooperation.tasks.dashboard_warm")
    assert task.enabled and task.crontab.minute == "*/5" and task.queue == "default"


def test_the_filter_selects_keep_what_was_chosen_and_say_what_is_not_valid(client, rector, faculty):
    client.force_login(rector)
    html = client.get("/dashboard/", {"country": "KZ", "unit": faculty.pk, "academic_year": "nonsense"}).content
    html = html.decode()
    assert '<option value="KZ" selected>' in html
    assert f'<option value="{faculty.pk}" selected>' in html
    assert 'class="form-select is-invalid" id="id_academic_year" aria-invalid="true"' in html
