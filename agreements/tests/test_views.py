"""The agreement pages: who may open them, what they cost in queries, what they show."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine

from agreements.models import Agreement, AgreementParty, Quota, Signatory
from cooperation.tests.factories import (
    AgreementFactory,
    AgreementPartyFactory,
    DocumentVersionFactory,
    InstitutionFactory,
    ParticipantFactory,
    ProgramFactory,
    QuotaFactory,
    UnitFactory,
    VisitFactory,
)
from partners.models import Institution, Unit

LIST_URL = "/agreements/"
# 21 December 2029 in Almaty: the METU memorandum below expires 45 days later.
TODAY = datetime.datetime(2029, 12, 21, 10, 0, tzinfo=ZoneInfo("Asia/Almaty"))


@pytest.fixture
def memorandum(university):
    """The memorandum of cooperation of 4 February 2025: six signing parties, two of them ours."""
    college = UnitFactory(
        name="College of the International Engineering and Technology University",
        short_name="METU College",
        kind=Unit.Kind.COLLEGE,
        parent=university,
    )
    agreement = AgreementFactory(
        title="Memorandum of cooperation with the leading colleges of Almaty",
        kind=Agreement.Kind.MOC,
        responsible_unit=college,
        signed_on=datetime.date(2025, 2, 4),
        valid_from=datetime.date(2025, 2, 4),
        expires_on=datetime.date(2030, 2, 4),
    )
    signers = [
        (university, None, "Sarsenbekova G.A.", "Rector"),
        (college, None, "Shalabayeva M.H.", "Director of METU College"),
        (None, "Almaty College of Technology", "Karagulov E.S.", "Director of ATK"),
        (None, "Almaty Construction and Technical College", "Akhmetov B.S.", "Director of ASTK"),
        (None, "Almaty Polytechnic College", "Omarbekov M.A.", "Director of Almaty Polytechnic College"),
        (None, "College of Tourism and Hospitality Industry", "Zhabykbaev N.J.", "Director of KITIG"),
    ]
    for order, (unit, institution_name, person, position) in enumerate(signers):
        institution = (
            InstitutionFactory(name=institution_name, kind=Institution.Kind.COLLEGE, country="KZ", city="Almaty")
            if institution_name
            else None
        )
        party = AgreementParty.objects.create(agreement=agreement, unit=unit, institution=institution, order=order)
        Signatory.objects.create(
            agreement=agreement, party=party, full_name=person, position=position, signed_on=agreement.signed_on
        )
    return agreement


@pytest.mark.parametrize("role", ["office_user", "coordinator", "rector"])
def test_every_role_opens_the_list_and_the_detail(client, request, role, memorandum):
    client.force_login(request.getfixturevalue(role))
    assert client.get(LIST_URL).status_code == 200
    assert client.get(memorandum.get_absolute_url()).status_code == 200


def test_it_sends_an_anonymous_visitor_to_log_in(client, memorandum):
    for url in (LIST_URL, memorandum.get_absolute_url()):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url == f"/accounts/login/?next={url}"


def test_it_refuses_a_user_without_a_role(client, outsider, memorandum):
    client.force_login(outsider)
    assert client.get(LIST_URL).status_code == 403
    assert client.get(memorandum.get_absolute_url()).status_code == 403


@pytest.mark.parametrize("rows", [10, 200])
def test_the_list_costs_the_same_queries_for_10_and_200_agreements(
    client, office_user, university, django_assert_num_queries, rows
):
    for _ in range(rows):
        agreement = AgreementFactory()
        AgreementParty.objects.create(agreement=agreement, unit=university)
        AgreementPartyFactory.create_batch(2, agreement=agreement)
    client.force_login(office_user)
    # session, user, 2 permissions, the notification bell, count, page of agreements with units, parties with
    # their institutions and units, the units and areas of the filter form
    with django_assert_num_queries(10):
        response = client.get(LIST_URL)
    assert len(response.context["table"].page.object_list) == min(rows, 50)


def test_the_list_names_the_partners_not_our_units(client, office_user, memorandum):
    client.force_login(office_user)

    page = client.get(LIST_URL).content.decode()

    assert (
        "Almaty College of Technology, Almaty Construction and Technical College, Almaty Polytechnic College, "
        "College of Tourism and Hospitality Industry"
    ) in page


def test_the_detail_costs_a_fixed_number_of_queries(client, office_user, memorandum, django_assert_num_queries):
    QuotaFactory(agreement=memorandum, category=Quota.Category.STUDENT_STUDIES)
    QuotaFactory(agreement=memorandum, category=Quota.Category.STAFF_TEACHING)
    for _ in range(3):
        DocumentVersionFactory(document__agreement=memorandum, uploaded_by=office_user)
    client.force_login(office_user)
    # session, user, 2 permissions, the notification bell, agreement with units and person, parties with
    # their institutions, units and IIA approvals, signatories, their parties, their institutions, their units,
    # areas, quotas, documents, their versions, who uploaded them, the agreement renewing this one (none),
    # participants counted against the quotas, visits with the partners, the history of changes
    with django_assert_num_queries(21):
        response = client.get(memorandum.get_absolute_url())
    assert response.status_code == 200


@time_machine.travel(TODAY, tick=False)
def test_the_detail_shows_six_parties_their_signatories_and_the_days_left(client, office_user, memorandum):
    client.force_login(office_user)

    page = client.get(memorandum.get_absolute_url()).content.decode()

    for signatory in memorandum.signatories.select_related("party__institution", "party__unit"):
        assert signatory.full_name in page
        assert signatory.position in page
        assert str(signatory.party) in page
    ours = page[page.index("Our side") : page.index('id="dates-heading"')].split("<h3", 1)[0]
    assert "International Engineering and Technology University" in ours
    assert "College of the International Engineering and Technology University" in ours
    assert "Almaty College of Technology" not in ours
    assert re.search(r'class="badge badge-state-expiring">\s*Expiring in 45 days\s*<', page)


@time_machine.travel(TODAY, tick=False)
def test_the_detail_shows_the_renewal_chain_both_ways(client, office_user, memorandum):
    first = AgreementFactory(
        title="First memorandum",
        signed_on=datetime.date(2015, 2, 4),
        valid_from=None,
        expires_on=datetime.date(2020, 2, 4),
        status=Agreement.Status.RENEWED,
    )
    second = AgreementFactory(
        title="Second memorandum",
        signed_on=datetime.date(2020, 2, 4),
        valid_from=None,
        expires_on=datetime.date(2025, 2, 4),
        status=Agreement.Status.RENEWED,
        renews=first,
    )
    memorandum.renews = second
    memorandum.save()
    client.force_login(office_user)

    page = client.get(second.get_absolute_url()).content.decode()

    chain = page[page.index('id="chain-heading"') :]
    assert (
        chain.index(first.get_absolute_url())
        < chain.index("Second memorandum")
        < chain.index(memorandum.get_absolute_url())
    )


def test_the_detail_shows_automatic_renewal_and_the_notice_deadline(client, office_user, memorandum):
    Agreement.objects.filter(pk=memorandum.pk).update(
        auto_renews=True, renewal_term_months=12, renewal_notice_days=60, expires_on=datetime.date(2030, 2, 4)
    )

    with time_machine.travel(TODAY, tick=False):
        client.force_login(office_user)
        page = client.get(memorandum.get_absolute_url()).content.decode()

    assert "Yes, by 12 months each time" in page
    assert "Dec. 6, 2029" in page  # 60 days before 4 February 2030
    assert "badge-state-active" in page


def test_the_detail_counts_mobility_against_its_quotas(client, office_user, memorandum):
    QuotaFactory(
        agreement=memorandum,
        academic_year="2025/2026",
        direction=Quota.Direction.OUTGOING,
        category=Quota.Category.STUDENT_STUDIES,
        places=2,
    )
    QuotaFactory(
        agreement=memorandum,
        first_academic_year="2024/2025",
        last_academic_year="2025/2026",
        direction=Quota.Direction.INCOMING,
        category=Quota.Category.STAFF_TEACHING,
        places=4,
    )
    QuotaFactory(agreement=memorandum, subject_areas=["0613"], places=1)
    program = ProgramFactory(agreement=memorandum, academic_year="2025/2026")
    ParticipantFactory(program=program, direction="outgoing", quota_category="student_studies", isced_code="0613")
    for status in ("nominated", "abroad", "completed"):  # three outgoing students on two places
        ParticipantFactory(program=program, direction="outgoing", quota_category="student_studies", status=status)
    ParticipantFactory(program=program, direction="outgoing", quota_category="student_studies", status="withdrawn")
    ParticipantFactory(program=program, direction="outgoing", quota_category="student_traineeship")
    ParticipantFactory(direction="outgoing", quota_category="student_studies")  # another agreement's program
    client.force_login(office_user)

    response = client.get(memorandum.get_absolute_url())

    uses = [
        (u.academic_year, u.direction, u.category, u.subject_area, u.places, u.participants)
        for u in response.context["quota_use"]
    ]
    # Each year of a condition counts on its own; one for a single subject area counts that field.
    assert uses == [
        ("2024/2025", "incoming", "staff_teaching", "", 4, 0),
        ("2025/2026", "incoming", "staff_teaching", "", 4, 0),
        ("2025/2026", "outgoing", "student_studies", "", 2, 3),
        ("2025/2026", "outgoing", "student_studies", "0613", 1, 1),
        ("2025/2026", "outgoing", "student_traineeship", "", None, 1),
    ]
    page = response.content.decode()
    assert "Mobility against quotas" in page
    assert "more participants than places" in page
    assert "no quota" in page


def test_the_detail_lists_visits_with_its_partners_and_its_signing(client, office_user, memorandum):
    partner = memorandum.parties.filter(institution__isnull=False).first().institution
    VisitFactory(title="Directors of the colleges on campus").partners.add(partner)
    VisitFactory(title="Signing ceremony").agreements_signed.add(memorandum)
    VisitFactory(title="Someone else's delegation")
    client.force_login(office_user)

    page = client.get(memorandum.get_absolute_url()).content.decode()

    assert "Directors of the colleges on campus" in page
    assert "Signing ceremony" in page
    assert "Someone else&#x27;s delegation" not in page
