"""An agreement's stored last activity (cooperation/activity.py) equals, after every kind of write,
what the records say when read from scratch: entry through the models, the admin, imports and
their undo, a partner merge, the demo loader, seed_bulk and a backup restore."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from agreements.models import Agreement, AgreementParty
from cooperation.activity import refresh_last_activity
from cooperation.demo import demo_load
from cooperation.demo.bulk import Sizes, seed_bulk
from cooperation.importing.services import import_confirm, import_preview, import_undo
from cooperation.importing.tests.test_import_helpers import xlsx_file
from cooperation.lib.academic_years import academic_year_bounds, years_before
from cooperation.tests.browser_form import RenderedForm
from cooperation.tests.factories import (
    AgreementFactory,
    AgreementPartyFactory,
    InstitutionFactory,
    ParticipantFactory,
    ProgramFactory,
    VisitFactory,
)
from cooperation.visits.models import Visit
from mobility.models import Participant, Program
from partners.merging import institution_merge

DAY = datetime.date


def from_scratch() -> dict[int, datetime.date | None]:
    """The rule read the slow way, row by row (the docstring of cooperation/activity.py)."""
    expected = {}
    for agreement in Agreement.objects.all():
        days = []
        for program in Program.objects.filter(agreement=agreement):
            for participant in program.participants.exclude(status=Participant.Status.WITHDRAWN):
                days.append(participant.starts_on or academic_year_bounds(program.academic_year)[1])
        partners = set(agreement.parties.exclude(institution=None).values_list("institution_id", flat=True))
        for visit in Visit.objects.exclude(status=Visit.Status.CANCELLED):
            signed_at = visit.agreements_signed.filter(pk=agreement.pk).exists()
            if signed_at or partners & set(visit.partners.values_list("pk", flat=True)):
                days.append(visit.starts_on)
        expected[agreement.pk] = max(days, default=None)
    return expected


def stored() -> dict[int, datetime.date | None]:
    return dict(Agreement.objects.values_list("pk", "last_activity_on"))


def assert_kept():
    assert stored() == from_scratch()


@pytest.fixture
def agreement(db):
    return AgreementFactory(signed_on=DAY(2020, 1, 10), valid_from=DAY(2020, 1, 10), expires_on=DAY(2035, 1, 1))


@pytest.fixture
def partner(agreement):
    return AgreementPartyFactory(agreement=agreement).institution


def last(agreement) -> datetime.date | None:
    agreement.refresh_from_db()
    return agreement.last_activity_on


def test_mobility_moves_it_on_every_write(agreement, partner):
    assert last(agreement) is None
    program = ProgramFactory(agreement=agreement, academic_year="2023/2024")
    student = ParticipantFactory(program=program, starts_on=DAY(2023, 10, 2))
    assert last(agreement) == DAY(2023, 10, 2)
    assert_kept()

    student.starts_on = None  # undated: the last day of the program's academic year
    student.save()
    assert last(agreement) == DAY(2024, 8, 31)
    program.academic_year = "2024/2025"
    program.save()
    assert last(agreement) == DAY(2025, 8, 31)

    student.status = Participant.Status.WITHDRAWN
    student.save(update_fields=["status"])
    assert last(agreement) is None
    student.status = Participant.Status.ACCEPTED
    student.starts_on = DAY(2026, 2, 1)  # planned mobility counts
    student.save()
    assert last(agreement) == DAY(2026, 2, 1)

    other = AgreementFactory()
    elsewhere = ProgramFactory(agreement=other)
    student.program = elsewhere  # moved to a program of another agreement: both move
    student.save()
    assert (last(agreement), last(other)) == (None, DAY(2026, 2, 1))
    student.program = program
    student.save()
    program.agreement = other  # the program itself moves
    program.save()
    assert (last(agreement), last(other)) == (None, DAY(2026, 2, 1))
    assert_kept()

    student.delete()
    assert last(other) is None
    student_email_only = ParticipantFactory(program=program, starts_on=DAY(2025, 1, 1))
    student_email_only.email = "someone@uni.example"
    student_email_only.save(update_fields=["email"])  # moves nothing, still right
    assert_kept()


def test_visits_move_it_through_their_partners_and_the_agreements_signed_at_them(agreement, partner):
    visit = VisitFactory(starts_on=DAY(2024, 3, 5))
    visit.partners.add(partner)
    assert last(agreement) == DAY(2024, 3, 5)
    visit.starts_on = DAY(2024, 6, 1)
    visit.ends_on = visit.starts_on
    visit.save()
    assert last(agreement) == DAY(2024, 6, 1)

    visit.status = Visit.Status.CANCELLED
    visit.save()
    assert last(agreement) is None
    visit.status = Visit.Status.PLANNED
    visit.save()
    partner.visits.remove(visit)  # from the partner's side
    assert last(agreement) is None
    partner.visits.add(visit)
    assert last(agreement) == DAY(2024, 6, 1)
    visit.partners.clear()
    assert last(agreement) is None

    signing = VisitFactory(starts_on=DAY(2025, 5, 20))
    signing.agreements_signed.add(agreement)
    assert last(agreement) == DAY(2025, 5, 20)
    signing.agreements_signed.clear()
    assert last(agreement) is None
    signing.agreements_signed.set([agreement])
    assert last(agreement) == DAY(2025, 5, 20)
    signing.delete()
    assert last(agreement) is None
    assert_kept()


def test_parties_move_it_and_a_stale_copy_of_the_agreement_cannot_write_it_back(agreement, partner):
    stale = Agreement.objects.get(pk=agreement.pk)
    other_partner = InstitutionFactory()
    VisitFactory(starts_on=DAY(2025, 1, 9)).partners.add(other_partner)
    party = AgreementParty.objects.get(agreement=agreement, institution=partner)
    party.institution = other_partner
    party.save()
    assert last(agreement) == DAY(2025, 1, 9)

    stale.notes = "Edited in a page opened before"
    stale.save()
    assert last(agreement) == DAY(2025, 1, 9)

    party.delete()
    assert last(agreement) is None
    AgreementPartyFactory(agreement=agreement, institution=other_partner)
    assert last(agreement) == DAY(2025, 1, 9)
    assert_kept()


def test_a_partner_merge_brings_the_duplicate_s_visits_to_the_survivor_s_agreements(agreement, partner, office_user):
    duplicate = InstitutionFactory(name="Hacettepe Univ.")
    VisitFactory(starts_on=DAY(2025, 4, 4)).partners.add(duplicate)
    other = AgreementFactory()
    AgreementPartyFactory(agreement=other, institution=duplicate)
    assert (last(agreement), last(other)) == (None, DAY(2025, 4, 4))

    institution_merge(duplicate=duplicate, survivor=partner, user=office_user)

    assert (last(agreement), last(other)) == (DAY(2025, 4, 4), DAY(2025, 4, 4))
    assert_kept()


def test_admin_edits_keep_it(client, admin_user, agreement, partner):
    program = ProgramFactory(agreement=agreement)
    student = ParticipantFactory(program=program, starts_on=DAY(2024, 2, 2))
    visit = VisitFactory(starts_on=DAY(2023, 1, 1))
    client.force_login(admin_user)

    url = reverse("admin:mobility_participant_change", args=[student.pk])
    form = RenderedForm.get(client, url, containing="starts_on")
    form["starts_on"] = "2025-03-03"
    assert form.submit(client).status_code == 302
    assert last(agreement) == DAY(2025, 3, 3)

    url = reverse("admin:cooperation_visit_change", args=[visit.pk])
    form = RenderedForm.get(client, url, containing="starts_on")
    form["partners"] = [str(partner.pk)]
    form["starts_on"] = form["ends_on"] = "2026-01-15"
    assert form.submit(client).status_code == 302
    assert last(agreement) == DAY(2026, 1, 15)

    url = reverse("admin:cooperation_visit_delete", args=[visit.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert last(agreement) == DAY(2025, 3, 3)
    assert_kept()


PARTICIPANT_HEADERS = ["Full name", "Partner institution", "Direction", "Starts on"]


def test_an_import_and_its_undo_keep_it(office_user, agreement, partner):
    program = ProgramFactory(agreement=agreement)
    rows = [
        ["Aigerim Seitkali", partner.name, "Outgoing", "2026-09-01"],
        ["Dauren Abenov", partner.name, "Outgoing", "2026-02-01"],
    ]
    batch = import_preview(
        kind="participants",
        file=xlsx_file(PARTICIPANT_HEADERS, rows),
        user=office_user,
        options={"program": program.pk},
    )
    batch = import_confirm(batch=batch, user=office_user)
    assert last(agreement) == DAY(2026, 9, 1)
    assert_kept()

    import_undo(batch=batch, user=office_user)
    assert last(agreement) is None
    assert_kept()


def test_the_demo_loader_keeps_it(db):
    demo_load(password="demo")
    assert any(stored().values())
    assert_kept()


def test_seed_bulk_computes_it_once_at_the_end(db):
    seed_bulk(Sizes(partners=20, agreements=40, visits=30, participants=120, programs=8), seed=3)
    assert any(stored().values())
    assert_kept()


@pytest.mark.django_db(transaction=True)
def test_a_restored_backup_has_it_right_even_from_an_archive_without_it(tmp_path, settings, agreement, partner):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    ParticipantFactory(program=ProgramFactory(agreement=agreement), starts_on=DAY(2024, 2, 2))
    VisitFactory(starts_on=DAY(2025, 7, 7)).partners.add(partner)
    expected = stored()
    assert expected[agreement.pk] == DAY(2025, 7, 7)
    Agreement.objects.update(last_activity_on=None)  # as an archive of an older portal has it
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", output=archive, stdout=io.StringIO())
    call_command("flush", interactive=False, verbosity=0)

    call_command("restore", str(archive), stdout=io.StringIO())

    assert stored() == expected
    assert_kept()


def test_the_command_puts_right_what_was_changed_behind_its_back(agreement, partner):
    VisitFactory(starts_on=DAY(2025, 7, 7)).partners.add(partner)
    Agreement.objects.update(last_activity_on=DAY(2001, 1, 1))
    out = io.StringIO()
    call_command("refresh_last_activity", stdout=out)
    assert "1 agreements" in out.getvalue()
    assert last(agreement) == DAY(2025, 7, 7)
    assert refresh_last_activity() == 0


def test_dormant_counts_activity_from_the_cut_off_day_itself(agreement, partner):
    today = DAY(2026, 3, 10)
    since = years_before(today, 2)
    visit = VisitFactory(starts_on=since)
    visit.partners.add(partner)
    assert not Agreement.objects.dormant(on=today).filter(pk=agreement.pk).exists()
    visit.starts_on = visit.ends_on = since - datetime.timedelta(days=1)
    visit.save()
    assert Agreement.objects.dormant(on=today).filter(pk=agreement.pk).exists()
    # Signed after the cut-off: too young to be dormant, whatever its activity.
    young = AgreementFactory(signed_on=since + datetime.timedelta(days=1), valid_from=since)
    assert not Agreement.objects.dormant(on=today).filter(pk=young.pk).exists()
