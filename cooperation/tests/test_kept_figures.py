"""A partner's first signing (Institution.first_signed_on), each condition's use per academic
year (QuotaUse), an agreement's and a visit's partners' countries and kinds
(Agreement.partner_countries, .partner_kinds; Visit's alike) and the dashboard's tallies
(cooperation/dashboard/tallies.py), kept by cooperation/activity.py, equal after every kind of
write what the records say when read from scratch: the models, the entry pages, the admin, an
import and its undo, a partner merge, the demo loader, seed_bulk, a backup restore and the
command."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from agreements.models import Agreement, AgreementParty, Quota, QuotaUse
from cooperation.dashboard.tests.test_tallies import assert_tallies_kept
from cooperation.demo import demo_load
from cooperation.demo.bulk import Sizes, seed_bulk
from cooperation.importing.services import import_confirm, import_preview, import_undo
from cooperation.importing.tests.test_import_helpers import xlsx_file
from cooperation.tests.browser_form import RenderedForm
from cooperation.tests.entry_pages import save
from cooperation.tests.factories import (
    AgreementFactory,
    AgreementPartyFactory,
    InstitutionFactory,
    ParticipantFactory,
    ProgramFactory,
    QuotaFactory,
    VisitFactory,
)
from cooperation.tests.test_last_activity import assert_kept as assert_last_activity_kept
from cooperation.visits.models import Visit
from mobility.models import Participant
from partners.merging import institution_merge
from partners.models import Institution, partner_by_condition

DAY = datetime.date
YEAR = "2025/2026"


def first_signed_from_scratch() -> dict[int, datetime.date | None]:
    """The rule read the slow way, partner by partner (the docstring of cooperation/activity.py)."""
    expected = {}
    for institution in Institution.objects.all():
        days = [
            party.agreement.signed_on
            for party in AgreementParty.objects.filter(institution=institution).select_related("agreement")
            if party.agreement.status not in Agreement.UNSIGNED and party.agreement.signed_on
        ]
        expected[institution.pk] = min(days, default=None)
    return expected


def quota_uses_from_scratch() -> dict[tuple[int, str], tuple[int, int, bool, str]]:
    expected = {}
    for quota in Quota.objects.all():
        for year in quota.academic_years():
            recorded = 0
            for participant in Participant.objects.filter(program__agreement=quota.agreement):
                if (
                    participant.program.academic_year == year
                    and participant.direction == quota.direction
                    and participant.quota_category == quota.category
                    and participant.status != Participant.Status.WITHDRAWN
                ):
                    recorded += 1
            signed = quota.agreement.status not in Agreement.UNSIGNED
            expected[(quota.pk, year)] = (recorded, quota.places - recorded, signed, quota.agreement.title)
    return expected


def partner_sets_from_scratch() -> dict[int, tuple[set, set]]:
    """Each agreement's partners' countries and kinds, read party by party."""
    expected = {}
    for agreement in Agreement.objects.all():
        partners = [party.institution for party in agreement.parties.all() if party.institution_id]
        expected[agreement.pk] = (
            {str(partner.country) for partner in partners},
            {partner.kind for partner in partners},
        )
    return expected


def partner_sets() -> dict[int, tuple[set, set]]:
    rows = Agreement.objects.values_list("pk", "partner_countries", "partner_kinds")
    return {pk: (set(countries), set(kinds)) for pk, countries, kinds in rows}


def sets_of(agreement) -> tuple[set, set]:
    return partner_sets()[agreement.pk]


def visit_sets_from_scratch() -> dict[int, tuple[set, set]]:
    return {
        visit.pk: ({str(partner.country) for partner in visit.partners.all()}, {p.kind for p in visit.partners.all()})
        for visit in Visit.objects.all()
    }


def visit_sets() -> dict[int, tuple[set, set]]:
    rows = Visit.objects.values_list("pk", "partner_countries", "partner_kinds")
    return {pk: (set(countries), set(kinds)) for pk, countries, kinds in rows}


def first_signed() -> dict[int, datetime.date | None]:
    return dict(Institution.objects.values_list("pk", "first_signed_on"))


def quota_uses() -> dict[tuple[int, str], tuple[int, int, bool, str]]:
    return {
        (quota_id, year): tuple(kept)
        for quota_id, year, *kept in QuotaUse.objects.values_list(
            "quota_id", "academic_year", "recorded", "unused", "ever_signed", "agreement_title"
        )
    }


def quota_use_partner_sets() -> dict[tuple[int, str], tuple[set, set]]:
    rows = QuotaUse.objects.values_list("quota_id", "academic_year", "partner_countries", "partner_kinds")
    return {(quota_id, year): (set(countries), set(kinds)) for quota_id, year, countries, kinds in rows}


def assert_kept():
    assert first_signed() == first_signed_from_scratch()
    assert quota_uses() == quota_uses_from_scratch()
    expected = partner_sets_from_scratch()
    assert partner_sets() == expected
    # Each condition's uses carry its agreement's partner sets.
    agreement_of = dict(Quota.objects.values_list("pk", "agreement_id"))
    assert quota_use_partner_sets() == {key: expected[agreement_of[key[0]]] for key in quota_uses_from_scratch()}
    assert visit_sets() == visit_sets_from_scratch()
    # The dashboard's tallies: what counting every record afresh gives (read only, nothing rebuilt).
    assert_tallies_kept()


def use(quota, year=YEAR) -> tuple[int, int] | None:
    """(recorded, places left) of the condition in that year."""
    kept = quota_uses().get((quota.pk, year))
    return kept and kept[:2]


def first(institution) -> datetime.date | None:
    institution.refresh_from_db()
    return institution.first_signed_on


@pytest.fixture
def agreement(db):
    return AgreementFactory(signed_on=DAY(2020, 1, 10), valid_from=DAY(2020, 1, 10), expires_on=DAY(2035, 1, 1))


@pytest.fixture
def partner(agreement):
    return AgreementPartyFactory(agreement=agreement).institution


def test_the_agreements_and_their_parties_move_a_partners_first_signing(agreement, partner):
    assert first(partner) == DAY(2020, 1, 10)
    later = AgreementFactory(signed_on=DAY(2018, 5, 5), valid_from=DAY(2018, 5, 5), status=Agreement.Status.DRAFT)
    party = AgreementPartyFactory(agreement=later, institution=partner)
    assert first(partner) == DAY(2020, 1, 10)  # a draft was never signed
    later.status = Agreement.Status.SIGNED
    later.save()
    assert first(partner) == DAY(2018, 5, 5)
    agreement.signed_on = DAY(2017, 1, 1)
    agreement.save(update_fields=["signed_on"])
    assert first(partner) == DAY(2017, 1, 1)

    other = InstitutionFactory()
    party.institution = other  # the party moves to another partner: both move
    party.save()
    assert (first(partner), first(other)) == (DAY(2017, 1, 1), DAY(2018, 5, 5))
    party.delete()
    assert first(other) is None
    QuotaFactory(agreement=agreement)
    agreement.delete()  # its parties and conditions go with it
    assert first(partner) is None
    assert quota_uses() == {}
    assert_kept()


def test_a_stale_copy_of_a_partner_cannot_write_it_back(agreement, partner):
    stale = Institution.objects.get(pk=partner.pk)
    agreement.signed_on = DAY(2019, 9, 9)
    agreement.save()
    stale.city = "Ankara"
    stale.save()
    assert first(partner) == DAY(2019, 9, 9)
    assert_kept()


def test_mobility_and_the_conditions_move_a_conditions_use(agreement, partner):
    quota = QuotaFactory(agreement=agreement, places=3)
    assert use(quota) == (0, 3)
    program = ProgramFactory(agreement=agreement, academic_year=YEAR)
    student = ParticipantFactory(program=program)
    ParticipantFactory(program=program, quota_category=Quota.Category.STUDENT_TRAINEESHIP)  # another category
    ParticipantFactory(program=program, direction="incoming")  # another direction
    assert use(quota) == (1, 2)
    agreement.status = Agreement.Status.NEGOTIATION  # an agreement back in negotiation: not counted
    agreement.save()
    assert quota_uses()[(quota.pk, YEAR)][:3] == (1, 2, False)
    agreement.status = Agreement.Status.SIGNED
    agreement.title = "Memorandum with Gazi"  # the dashboard orders by it
    agreement.save()
    assert quota_uses()[(quota.pk, YEAR)] == (1, 2, True, "Memorandum with Gazi")

    student.status = Participant.Status.WITHDRAWN
    student.save(update_fields=["status"])
    assert use(quota) == (0, 3)
    student.status = Participant.Status.ACCEPTED
    student.save()
    student.quota_category = Quota.Category.STUDENT_TRAINEESHIP
    student.save(update_fields=["quota_category"])
    assert use(quota) == (0, 3)
    student.quota_category = Quota.Category.STUDENT_STUDIES
    student.save()
    assert use(quota) == (1, 2)

    program.academic_year = "2026/2027"  # the program moves to a year the condition does not cover
    program.save()
    assert use(quota) == (0, 3)
    quota.last_academic_year = "2026/2027"  # the condition now spans both
    quota.places = 1
    quota.save()
    assert (use(quota), use(quota, "2026/2027")) == ((0, 1), (1, 0))

    other = AgreementFactory()
    other_quota = QuotaFactory(agreement=other, academic_year="2026/2027")
    program.agreement = other
    program.save()
    assert (use(quota, "2026/2027"), use(other_quota, "2026/2027")) == ((0, 1), (1, 1))
    student.delete()
    assert use(other_quota, "2026/2027") == (0, 2)
    assert_kept()

    quota.delete()
    assert use(quota) is None
    Quota.objects.filter(agreement=other).delete()  # a queryset's delete sends each row's signals
    assert quota_uses() == {}
    assert_kept()


def test_the_agreement_page_keeps_them(client, office_user, agreement, partner):
    quota = QuotaFactory(agreement=agreement, places=3)
    ParticipantFactory(program=ProgramFactory(agreement=agreement, academic_year=YEAR))
    client.force_login(office_user)
    url = reverse("agreements:agreement-edit", args=[agreement.pk])

    form = RenderedForm.get(client, url)
    form[f"quotas-{form.row_index('quotas', quota.pk)}-places"] = "5"
    form["signed_on"] = "2019-03-03"
    save(client, form)

    assert (use(quota), first(partner)) == ((1, 4), DAY(2019, 3, 3))
    assert_kept()
    assert_last_activity_kept()


def test_admin_edits_keep_them(client, admin_user, agreement, partner):
    quota = QuotaFactory(agreement=agreement, places=3)
    student = ParticipantFactory(program=ProgramFactory(agreement=agreement, academic_year=YEAR))
    client.force_login(admin_user)

    url = reverse("admin:mobility_participant_change", args=[student.pk])
    form = RenderedForm.get(client, url, containing="quota_category")
    form["quota_category"] = Quota.Category.STUDENT_TRAINEESHIP
    assert form.submit(client).status_code == 302
    assert use(quota) == (0, 3)

    url = reverse("admin:agreements_agreement_change", args=[agreement.pk])
    form = RenderedForm.get(client, url, containing="signed_on")
    form["signed_on"] = "2016-06-06"
    assert form.submit(client).status_code == 302
    assert first(partner) == DAY(2016, 6, 6)
    assert_kept()


PARTICIPANT_HEADERS = ["Full name", "Partner institution", "Direction", "Starts on"]
AGREEMENT_HEADERS = ["Title", "Kind", "Responsible unit", "Partners (separated by ;)", "Signed on"]


def test_imports_and_their_undo_keep_them(office_user, faculty, agreement, partner):
    quota = QuotaFactory(agreement=agreement, places=3)
    program = ProgramFactory(agreement=agreement, academic_year=YEAR)
    rows = [
        ["Aigerim Seitkali", partner.name, "Outgoing", "2025-09-01"],
        ["Dauren Abenov", partner.name, "Outgoing", ""],
    ]
    batch = import_preview(
        kind="participants",
        file=xlsx_file(PARTICIPANT_HEADERS, rows),
        user=office_user,
        options={"program": program.pk},
    )
    batch = import_confirm(batch=batch, user=office_user)
    assert use(quota) == (2, 1)
    assert_kept()
    import_undo(batch=batch, user=office_user)
    assert use(quota) == (0, 3)

    rows = [["With an old partner", "Memorandum of understanding", faculty.name, partner.name, "01.09.2015"]]
    batch = import_preview(kind="agreements", file=xlsx_file(AGREEMENT_HEADERS, rows), user=office_user)
    batch = import_confirm(batch=batch, user=office_user)
    assert first(partner) == DAY(2015, 9, 1)
    assert_kept()
    import_undo(batch=batch, user=office_user)
    assert first(partner) == DAY(2020, 1, 10)
    assert_kept()


def test_a_partner_merge_brings_the_duplicates_agreements_to_the_survivor(agreement, partner, office_user):
    duplicate = InstitutionFactory(name="Hacettepe Univ.")
    older = AgreementFactory(signed_on=DAY(2012, 2, 2), valid_from=DAY(2012, 2, 2))
    AgreementPartyFactory(agreement=older, institution=duplicate)
    assert (first(partner), first(duplicate)) == (DAY(2020, 1, 10), DAY(2012, 2, 2))

    institution_merge(duplicate=duplicate, survivor=partner, user=office_user)

    assert (first(partner), first(duplicate)) == (DAY(2012, 2, 2), None)
    assert Institution.objects.filter(partner_by_condition(DAY(2013, 1, 1)), pk=partner.pk).exists()
    assert_kept()


def test_the_demo_loader_and_seed_bulk_keep_them(db):
    demo_load(password="demo")
    assert any(first_signed().values()) and quota_uses()
    assert_kept()
    seed_bulk(Sizes(partners=20, agreements=40, visits=30, participants=120, programs=8), seed=3)
    assert_kept()


@pytest.mark.django_db(transaction=True)
def test_a_restored_backup_has_them_right_even_from_an_archive_without_them(tmp_path, settings, agreement, partner):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    quota = QuotaFactory(agreement=agreement, places=3)
    ParticipantFactory(program=ProgramFactory(agreement=agreement, academic_year=YEAR))
    VisitFactory().partners.add(partner)
    expected = (first_signed(), quota_uses(), partner_sets(), visit_sets())
    assert expected[1][(quota.pk, YEAR)][:3] == (1, 2, True)
    assert expected[2][agreement.pk] == ({"TR"}, {"university"})
    assert list(expected[3].values()) == [({"TR"}, {"university"})]
    Institution.objects.update(first_signed_on=None)  # as an archive of an older portal has them
    QuotaUse.objects.all().delete()
    Agreement.objects.update(partner_countries={}, partner_kinds={})
    Visit.objects.update(partner_countries={}, partner_kinds={})
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", output=archive, stdout=io.StringIO())
    call_command("flush", interactive=False, verbosity=0)

    call_command("restore", str(archive), stdout=io.StringIO())

    assert (first_signed(), quota_uses(), partner_sets(), visit_sets()) == expected
    assert_kept()


def test_the_command_puts_right_what_was_changed_behind_its_back(agreement, partner):
    quota = QuotaFactory(agreement=agreement, places=3)
    Institution.objects.update(first_signed_on=DAY(2001, 1, 1))
    QuotaUse.objects.filter(quota=quota).update(recorded=7, unused=-4)
    Agreement.objects.update(partner_countries={"US": True}, partner_kinds={})
    out = io.StringIO()
    call_command("refresh_kept", stdout=out)
    assert "3 kept values" in out.getvalue()
    assert (first(partner), use(quota), sets_of(agreement)) == (DAY(2020, 1, 10), (0, 3), ({"TR"}, {"university"}))
    assert_kept()


# An agreement's partners' countries and kinds


def test_parties_and_their_partners_move_an_agreements_partner_sets(agreement, partner):
    quota = QuotaFactory(agreement=agreement)
    assert sets_of(agreement) == ({"TR"}, {"university"})
    college = InstitutionFactory(country="DE", kind=Institution.Kind.COLLEGE)
    party = AgreementPartyFactory(agreement=agreement, institution=college)
    AgreementPartyFactory(agreement=agreement, institution=None, unit=agreement.responsible_unit)  # our side
    assert sets_of(agreement) == ({"DE", "TR"}, {"college", "university"})

    partner.country = "KZ"  # a partner's country and kind move every agreement it is a party to
    partner.save()
    other = AgreementFactory()
    AgreementPartyFactory(agreement=other, institution=partner)
    assert sets_of(agreement) == ({"DE", "KZ"}, {"college", "university"})
    partner.kind = Institution.Kind.RESEARCH_INSTITUTE
    partner.save(update_fields=["kind"])
    assert sets_of(agreement) == ({"DE", "KZ"}, {"college", "research_institute"})
    assert_kept()  # the condition's uses carry them too
    assert quota_use_partner_sets()[(quota.pk, YEAR)] == sets_of(agreement)
    assert sets_of(other) == ({"KZ"}, {"research_institute"})
    partner.city = "Almaty"  # a save that names no field that moves them changes nothing
    partner.save(update_fields=["city"])

    party.institution = InstitutionFactory(country="CN", kind=Institution.Kind.UNIVERSITY)
    party.save()  # the party moves to another partner
    assert sets_of(agreement) == ({"CN", "KZ"}, {"research_institute", "university"})
    party.delete()
    assert sets_of(agreement) == ({"KZ"}, {"research_institute"})
    AgreementParty.objects.filter(agreement=agreement).delete()  # a queryset's delete: each row's signals
    assert sets_of(agreement) == (set(), set())
    assert_kept()


def test_a_stale_copy_of_an_agreement_cannot_write_its_partner_sets_back(agreement, partner):
    stale = Agreement.objects.get(pk=agreement.pk)
    AgreementPartyFactory(agreement=agreement, institution=InstitutionFactory(country="JP"))
    stale.notes = "Renewal discussed"
    stale.save()
    assert sets_of(agreement)[0] == {"JP", "TR"}
    assert_kept()


def test_the_entry_pages_keep_the_partner_sets(client, office_user, agreement, partner):
    client.force_login(office_user)
    kaznu = InstitutionFactory(name="Al-Farabi Kazakh National University", country="KZ")
    form = RenderedForm.get(client, reverse("agreements:agreement-edit", args=[agreement.pk]))
    assert form["parties-0-institution"] == str(partner.pk)
    form["parties-0-institution"] = str(kaznu.pk)  # another partner in the party's row
    save(client, form)
    assert sets_of(agreement) == ({"KZ"}, {"university"})

    form = RenderedForm.get(client, reverse("partners:institution-edit", args=[kaznu.pk]))
    form["kind"] = Institution.Kind.RESEARCH_INSTITUTE
    form["country"] = "KG"
    save(client, form)
    assert sets_of(agreement) == ({"KG"}, {"research_institute"})
    assert_kept()


def test_admin_edits_keep_the_partner_sets(client, admin_user, agreement, partner):
    QuotaFactory(agreement=agreement)
    client.force_login(admin_user)
    form = RenderedForm.get(client, reverse("admin:partners_institution_change", args=[partner.pk]), containing="kind")
    form["country"] = "UZ"
    form["kind"] = Institution.Kind.COMPANY
    assert form.submit(client).status_code == 302
    assert sets_of(agreement) == ({"UZ"}, {"company"})
    assert_kept()


INSTITUTION_HEADERS = ["Official name", "Country", "City", "Erasmus code", "PIC", "Name in Russian", "Kind"]


def test_an_import_that_changes_a_partners_kind_and_its_undo_keep_the_partner_sets(office_user, agreement, partner):
    Institution.objects.filter(pk=partner.pk).update(erasmus_code="TR ANKARA03")
    rows = [[partner.name, "TR", "", "TR ANKARA03", "", "", "Research institute"]]
    batch = import_preview(kind="institutions", file=xlsx_file(INSTITUTION_HEADERS, rows), user=office_user)
    assert batch.rows[0]["status"] == "update"
    batch = import_confirm(batch=batch, user=office_user)
    assert sets_of(agreement) == ({"TR"}, {"research_institute"})
    import_undo(batch=batch, user=office_user)
    assert sets_of(agreement) == ({"TR"}, {"university"})

    InstitutionFactory(name="Kyoto University", country="JP")
    partners = f"{partner.name}; Kyoto University"
    rows = [["With two partners", "Memorandum of understanding", agreement.responsible_unit.name, partners, ""]]
    batch = import_confirm(
        batch=import_preview(kind="agreements", file=xlsx_file(AGREEMENT_HEADERS, rows), user=office_user),
        user=office_user,
    )
    imported = Agreement.objects.get(title="With two partners")
    assert sets_of(imported) == ({"JP", "TR"}, {"university"})
    assert_kept()
    import_undo(batch=batch, user=office_user)
    assert_kept()


def test_a_partner_merge_moves_the_duplicates_agreements_to_the_survivors_country(agreement, partner, office_user):
    duplicate = InstitutionFactory(name="Hacettepe Univ.", country="DE", kind=Institution.Kind.COLLEGE)
    theirs = AgreementFactory()
    AgreementPartyFactory(agreement=theirs, institution=duplicate)
    AgreementPartyFactory(agreement=agreement, institution=duplicate)  # both are parties: folded into one
    assert sets_of(agreement) == ({"DE", "TR"}, {"college", "university"})

    institution_merge(duplicate=duplicate, survivor=partner, user=office_user)

    assert sets_of(theirs) == sets_of(agreement) == ({"TR"}, {"university"})
    assert_kept()


def test_a_visits_partners_move_its_partner_sets(agreement, partner):
    visit = VisitFactory()
    stale = Visit.objects.get(pk=visit.pk)
    assert visit_sets()[visit.pk] == (set(), set())
    company = InstitutionFactory(country="KR", kind=Institution.Kind.COMPANY)
    visit.partners.add(partner, company)
    assert visit_sets()[visit.pk] == ({"KR", "TR"}, {"company", "university"})
    stale.notes = "Met the rector"  # a copy read before cannot write its sets back
    stale.save()
    assert visit_sets()[visit.pk] == ({"KR", "TR"}, {"company", "university"})

    company.country = "JP"  # a partner's country and kind move every visit it was at
    company.save()
    assert visit_sets()[visit.pk] == ({"JP", "TR"}, {"company", "university"})
    company.visits.remove(visit)  # from the partner's side
    assert visit_sets()[visit.pk] == ({"TR"}, {"university"})
    other = VisitFactory()
    partner.visits.add(other)
    partner.kind = Institution.Kind.COLLEGE
    partner.save(update_fields=["kind"])
    assert visit_sets()[visit.pk] == visit_sets()[other.pk] == ({"TR"}, {"college"})
    partner.visits.clear()
    assert visit_sets()[other.pk] == (set(), set())
    visit.partners.set([company])
    assert visit_sets()[visit.pk] == ({"JP"}, {"company"})
    visit.partners.clear()
    assert visit_sets()[visit.pk] == (set(), set())
    assert_kept()


def test_the_visit_page_and_a_merge_keep_a_visits_partner_sets(client, office_user, agreement, partner):
    visit = VisitFactory()
    duplicate = InstitutionFactory(name="Hacettepe Univ.", country="DE", kind=Institution.Kind.COLLEGE)
    client.force_login(office_user)
    form = RenderedForm.get(client, reverse("cooperation:visit-edit", args=[visit.pk]))
    form["partners"] = [str(duplicate.pk)]
    save(client, form)
    assert visit_sets()[visit.pk] == ({"DE"}, {"college"})

    institution_merge(duplicate=duplicate, survivor=partner, user=office_user)

    assert visit_sets()[visit.pk] == ({"TR"}, {"university"})
    assert_kept()
