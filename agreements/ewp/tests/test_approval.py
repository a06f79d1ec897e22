"""Approvals of IIA copies: recorded per partner, "changed since the partner approved it" on the
page and the list after any write of what enters the hash, and one reminder per change."""

import datetime
import io
import zoneinfo

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from agreements.ewp.approval import (
    IIA_CHANGED,
    agreement_record_our_approval,
    agreement_record_partner_approval,
    party_iia_hashes,
)
from agreements.ewp.documents import IIAS_NS, parse
from agreements.ewp.export import exported_agreement, iia_document
from agreements.models import Agreement, AgreementParty, IiaApproval, Quota
from agreements.services import agreement_set_parties, agreement_terminate
from cooperation import roles
from cooperation.reminders.delivery import reminders_deliver
from cooperation.reminders.models import Reminder
from cooperation.reminders.sweep import reminders_sweep
from cooperation.tests.browser_form import RenderedForm
from cooperation.tests.db_state import changes_between, database_state, record_changes
from cooperation.tests.factories import (
    AgreementFactory,
    AgreementPartyFactory,
    InstitutionFactory,
    QuotaFactory,
    SignatoryFactory,
    make_user,
)

D = datetime.date
ALMATY = zoneinfo.ZoneInfo("Asia/Almaty")
TODAY = D(2026, 3, 2)
pytestmark = pytest.mark.usefixtures("home_schac")


@pytest.fixture
def home_schac():
    with override_settings(HOME_INSTITUTION_SCHAC="ietu.edu.kz", OFFICE_MAILBOX=""):
        yield


def morning(day):
    return datetime.datetime.combine(day, datetime.time(7, 0), tzinfo=ALMATY)


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(morning(TODAY), tick=False)
    return time_machine


@pytest.fixture
def responsible(faculty):
    return make_user("responsible", roles.OFFICE, unit=faculty)


@pytest.fixture
def iia(db, university, faculty, responsible):
    agreement = AgreementFactory(
        title="Erasmus+ IIA with Gazi",
        kind=Agreement.Kind.ERASMUS_IIA,
        status=Agreement.Status.SIGNED,
        signed_on="2025-03-01",
        responsible_unit=faculty,
        responsible_person=responsible,
    )
    ours = AgreementPartyFactory(agreement=agreement, institution=None, unit=university, order=0)
    gazi = AgreementPartyFactory(
        agreement=agreement, institution=InstitutionFactory(name="Gazi University", schac_id="gazi.edu.tr"), order=1
    )
    SignatoryFactory(party=ours, full_name="Aigerim Almenova", position="Rector")
    SignatoryFactory(party=gazi, full_name="Musa Yıldız", position="Rector")
    QuotaFactory(
        agreement=agreement,
        first_academic_year="2025/2026",
        last_academic_year="2027/2028",
        places=3,
        total_months=5,
        subject_areas=["0613"],
        eqf_levels=[6, 7],
        language_skills=[{"language": "en", "cefr": "B2"}],
    )
    return agreement


def gazi_party(agreement) -> AgreementParty:
    return agreement.parties.get(institution__isnull=False)


def exported_hash(agreement) -> str:
    root = parse(iia_document(exported_agreement(agreement.pk)))
    return root.find(f"{{{IIAS_NS}}}iia/{{{IIAS_NS}}}iia-hash").text


def changed(agreement) -> bool:
    return Agreement.objects.changed_since_partner_approval().filter(pk=agreement.pk).exists()


def approve(agreement, user=None, **kwargs) -> IiaApproval:
    return agreement_record_partner_approval(party=gazi_party(agreement), approved_on=TODAY, user=user, **kwargs)


# --- recording ------------------------------------------------------------------------------


def test_the_partner_approves_our_copy_as_it_is_now_by_default(iia, responsible):
    approval = approve(iia, user=responsible)

    party = gazi_party(iia)
    assert party.partner_approval == approval
    assert approval.iia_hash == exported_hash(iia) == party.current_iia_hash
    assert (approval.side, approval.approved_on, approval.recorded_by) == ("partner", TODAY, responsible)
    assert approval.changed_on is None
    assert not changed(iia)


def test_we_approve_their_copy_by_its_hash(iia, responsible):
    theirs = "AB" * 32
    approval = agreement_record_our_approval(
        party=gazi_party(iia), iia_hash=f" {theirs} ", approved_on=TODAY, user=responsible
    )
    assert gazi_party(iia).our_approval == approval
    assert approval.iia_hash == theirs.lower()


@pytest.mark.parametrize("bad", ["", "abc", "g" * 64, "a" * 65])
def test_a_hash_that_is_not_sha256_is_refused_and_nothing_is_written(iia, bad):
    with pytest.raises(ValidationError) as refused:
        agreement_record_our_approval(party=gazi_party(iia), iia_hash=bad, approved_on=TODAY, user=None)
    assert "64 hexadecimal digits" in str(refused.value)
    assert not IiaApproval.objects.exists()


def test_our_own_party_approves_nothing(iia):
    ours = iia.parties.get(unit__isnull=False)
    with pytest.raises(ValidationError):
        agreement_record_partner_approval(party=ours, approved_on=TODAY, user=None)


def test_an_approval_of_an_older_copy_is_changed_at_once(iia):
    approve(iia, iia_hash="0" * 64)
    assert changed(iia)


# --- every write of what enters the hash keeps the rule right ----------------------------------


def _condition(agreement) -> Quota:
    return agreement.quotas.get()


WRITES = {
    "a condition's places": lambda agreement: _with(_condition(agreement), places=4).save(),
    "a condition added": lambda agreement: QuotaFactory(
        agreement=agreement,
        category=Quota.Category.STAFF_TRAINING,
        first_academic_year="2025/2026",
        last_academic_year="2025/2026",
        places=1,
    ),
    "a condition removed": lambda agreement: _condition(agreement).delete(),
    "the partner's IIA id": lambda agreement: _with(gazi_party(agreement), partner_iia_id="G-1").save(),
    "the partner's SCHAC code": lambda agreement: _with(
        gazi_party(agreement).institution, schac_id="gazi.example.tr"
    ).save(),
    "our unit's EWP id on a condition": lambda agreement: _our_unit_ewp_id(agreement),
    "terminated": lambda agreement: agreement_terminate(agreement=agreement, on=TODAY, reason="Closed", user=None),
}


def _with(instance, **values):
    for name, value in values.items():
        setattr(instance, name, value)
    return instance


def _our_unit_ewp_id(agreement):
    quota = _condition(agreement)
    quota.our_unit = agreement.responsible_unit
    quota.save()
    _with(agreement.responsible_unit, ewp_ounit_id="FIT").save()


@pytest.mark.parametrize("write", WRITES, ids=list(WRITES))
def test_every_write_of_what_enters_the_hash_keeps_the_stored_hash_right(iia, write, clock):
    approve(iia)

    WRITES[write](Agreement.objects.get(pk=iia.pk))

    agreement = exported_agreement(iia.pk)
    party = gazi_party(agreement)
    assert party.current_iia_hash == party_iia_hashes(agreement)[party.pk] != party.partner_approval.iia_hash
    assert changed(iia)
    assert party.partner_approval.changed_on == TODAY


def test_what_does_not_enter_the_hash_changes_nothing(iia):
    approve(iia)
    _with(Agreement.objects.get(pk=iia.pk), notes="Signed in Ankara", title="Renamed").save()
    signatory = gazi_party(iia).signatories.get()
    _with(signatory, position="Vice-rector").save()

    assert not changed(iia)


def test_the_entry_page_keeps_it_right_and_its_untouched_round_trip_changes_nothing(client, office_user, iia):
    approve(iia)
    client.force_login(office_user)
    url = reverse("agreements:agreement-edit", args=[iia.pk])
    before = database_state()

    assert RenderedForm.get(client, url).submit(client).status_code == 302

    assert changes_between(before, database_state()) == []
    form = RenderedForm.get(client, url)
    form[f"quotas-{form.row_index('quotas', _condition(iia).pk)}-places"] = "9"
    assert form.submit(client).status_code == 302
    assert changed(iia)


def test_going_back_to_the_approved_copy_is_no_change(iia):
    approve(iia)
    quota = _condition(iia)
    _with(quota, places=4).save()
    assert changed(iia)
    _with(quota, places=3).save()
    assert not changed(iia)
    assert gazi_party(iia).partner_approval.changed_on is None


def test_setting_the_same_parties_again_is_no_change(iia, university):
    approve(iia)
    rows = [
        {"unit": university, "signatory_name": "Aigerim Almenova", "signatory_position": "Rector"},
        {"institution": gazi_party(iia).institution, "signatory_name": "Musa Yıldız", "signatory_position": "Rector"},
    ]
    agreement_set_parties(agreement=iia, rows=rows, user=None)
    assert not changed(iia)


def test_removing_the_partner_leaves_nothing_to_compare(iia, university):
    approve(iia)
    rows = [{"unit": university, "signatory_name": "Aigerim Almenova", "signatory_position": "Rector"}]
    agreement_set_parties(agreement=iia, rows=rows, user=None)
    assert not changed(iia)
    assert not IiaApproval.objects.exists()


# --- the page and the list --------------------------------------------------------------------


def test_the_page_and_the_list_say_changed_since_the_partner_approved_it(client, office_user, iia):
    approve(iia, user=office_user)
    client.force_login(office_user)
    text = "changed since the partner approved it"
    assert text not in client.get(iia.get_absolute_url()).content.decode()
    assert text not in client.get(reverse("agreements:agreement-list")).content.decode()

    _with(_condition(iia), places=5).save()

    page = client.get(iia.get_absolute_url()).content.decode()
    assert text in page
    assert exported_hash(Agreement.objects.get(pk=iia.pk))[:12] not in page  # the approved one is shown
    assert gazi_party(iia).partner_approval.iia_hash[:12] in page
    assert text in client.get(reverse("agreements:agreement-list")).content.decode()


def test_the_list_costs_the_same_queries_with_approvals(client, office_user, iia, django_assert_num_queries):
    approve(iia)
    _with(_condition(iia), places=5).save()
    client.force_login(office_user)
    with django_assert_num_queries(10):  # as without approvals (agreements/tests/test_views.py)
        client.get(reverse("agreements:agreement-list"))


# --- the form ---------------------------------------------------------------------------------


def test_the_untouched_form_records_the_partners_approval_of_our_copy_now(client, office_user, iia, clock):
    client.force_login(office_user)
    url = reverse("agreements:iia-approval", args=[iia.pk])
    before = database_state()

    response = RenderedForm.get(client, url).submit(client)

    assert response.status_code == 302
    approval = IiaApproval.objects.get()
    assert (approval.side, approval.iia_hash, approval.approved_on) == ("partner", exported_hash(iia), TODAY)
    tables = sorted(
        {(change.table, change.kind) for change in record_changes(changes_between(before, database_state()))}
    )
    assert tables == [("agreements.AgreementParty", "changed"), ("agreements.IiaApproval", "added")]


def test_the_form_records_our_approval_from_their_document(client, office_user, iia):
    document = iia_document(exported_agreement(iia.pk))  # their copy says the same as ours
    client.force_login(office_user)
    form = RenderedForm.get(client, reverse("agreements:iia-approval", args=[iia.pk]))
    form["side"] = "ours"
    data = form.data()
    data["document"] = SimpleUploadedFile("theirs.xml", document, content_type="application/xml")
    response = client.post(form.action, data)

    assert response.status_code == 302
    assert gazi_party(iia).our_approval.iia_hash == exported_hash(iia)


def test_the_form_asks_for_their_hash_and_refuses_a_bad_one(client, office_user, iia):
    client.force_login(office_user)
    url = reverse("agreements:iia-approval", args=[iia.pk])
    form = RenderedForm.get(client, url)
    form["side"] = "ours"
    response = form.submit(client)
    assert response.status_code == 200
    assert "Paste the iia-hash of the partner" in response.content.decode()
    form["iia_hash"] = "not a hash"
    response = form.submit(client)
    assert "64 hexadecimal digits" in response.content.decode()
    assert not IiaApproval.objects.exists()


def test_a_reader_cannot_record_an_approval(client, rector, iia):
    client.force_login(rector)
    assert client.get(reverse("agreements:iia-approval", args=[iia.pk])).status_code == 403


# --- the reminder, exactly once per change ------------------------------------------------------


def sent_iia_reminders():
    return list(Reminder.objects.filter(kind=IIA_CHANGED, state=Reminder.State.SENT))


def sweep_and_send(day):
    reminders_sweep(on=day)
    reminders_deliver(reminder_ids=Reminder.objects.unsent().values_list("id", flat=True), on=day)


def test_one_reminder_per_change_to_the_responsible_person(iia, responsible, clock):
    approve(iia)
    sweep_and_send(TODAY)
    assert sent_iia_reminders() == []

    _with(_condition(iia), places=4).save()  # two edits before the sweep: one change
    _with(_condition(iia), places=5).save()
    sweep_and_send(TODAY)
    sweep_and_send(TODAY)  # a second sweep and delivery: nothing again
    clock.move_to(morning(TODAY + datetime.timedelta(days=1)))
    _with(_condition(iia), places=6).save()  # still the same change since the approval
    sweep_and_send(TODAY + datetime.timedelta(days=1))

    reminders = sent_iia_reminders()
    assert [(reminder.recipient, reminder.due_on) for reminder in reminders] == [(responsible, TODAY)]
    assert len(mail.outbox) == 1
    assert "Gazi University" in mail.outbox[0].subject

    # Re-approved, then changed again: a new change, a new reminder.
    approve(Agreement.objects.get(pk=iia.pk))
    _with(_condition(iia), places=7).save()
    sweep_and_send(TODAY + datetime.timedelta(days=1))
    sweep_and_send(TODAY + datetime.timedelta(days=1))
    assert len(sent_iia_reminders()) == 2
    assert len(mail.outbox) == 2


def test_a_change_undone_before_the_sweep_reminds_nobody(iia, clock):
    approve(iia)
    _with(_condition(iia), places=4).save()
    reminders_sweep(on=TODAY)
    _with(_condition(iia), places=3).save()
    sweep_and_send(TODAY)
    assert sent_iia_reminders() == []
    assert mail.outbox == []


def test_a_changed_home_schac_is_caught_by_the_command(iia):
    approve(iia)
    with override_settings(HOME_INSTITUTION_SCHAC="new.ietu.edu.kz"):
        assert not changed(iia)  # no write sent a signal
        call_command("refresh_iia_hashes", stdout=io.StringIO())
        assert changed(iia)
        call_command("refresh_iia_hashes", stdout=io.StringIO())
    assert gazi_party(iia).partner_approval.changed_on is not None
