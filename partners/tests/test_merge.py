"""Merging a duplicate partner into the one that stays: what moves, what conflicts are resolved,
what is refused, who may do it, and that old links still lead somewhere."""

import threading

import psycopg2
import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from agreements.models import AgreementParty, Signatory
from conftest import service_missing
from cooperation.tests.factories import (
    AgreementFactory,
    AgreementPartyFactory,
    ContactFactory,
    InstitutionFactory,
    InstitutionNameFactory,
    ParticipantFactory,
    ProgramFactory,
    QuotaFactory,
    SignatoryFactory,
    VisitFactory,
)
from cooperation.visits.models import Outcome, Visit
from mobility.models import Participant, Program
from partners import merging
from partners.merging import institution_merge, institution_merge_preview
from partners.models import Contact, Institution, InstitutionName, Tag


@pytest.fixture
def survivor(db):
    return InstitutionFactory(name="Gazi University", short_name="GU", country="TR", city="Ankara", pic="999111222")


@pytest.fixture
def duplicate(db):
    duplicate = InstitutionFactory(
        name="Gazi Üniversitesi", short_name="GAZI", country="TR", city="", erasmus_code="TR ANKARA02"
    )
    InstitutionNameFactory(institution=duplicate, name="Университет Гази", language="ru")
    return duplicate


def test_it_moves_every_record_to_the_survivor(survivor, duplicate, office_user):
    party = AgreementPartyFactory(institution=duplicate)
    visit = VisitFactory()
    visit.partners.add(duplicate)
    program = ProgramFactory()
    program.partners.add(duplicate)
    participant = ParticipantFactory(partner_institution=duplicate)
    contact = ContactFactory(institution=duplicate)
    child = InstitutionFactory(name="Gazi Faculty of Medicine", parent=duplicate)
    tag = Tag.objects.create(name="Erasmus+")
    duplicate.tags.add(tag)

    summary = institution_merge(duplicate=duplicate, survivor=survivor, user=office_user)

    party.refresh_from_db()
    participant.refresh_from_db()
    contact.refresh_from_db()
    child.refresh_from_db()
    assert party.institution == survivor
    assert list(visit.partners.all()) == [survivor]
    assert list(program.partners.all()) == [survivor]
    assert participant.partner_institution == survivor
    assert contact.institution == survivor
    assert child.parent == survivor
    assert list(survivor.tags.all()) == [tag]
    assert summary.moved_count == 7  # party, visit, program, participant, contact, child, name variant
    duplicate.refresh_from_db()
    assert duplicate.merged_into == survivor
    assert duplicate.merged_at is not None
    assert not duplicate.names.exists()


def test_the_duplicates_names_become_variants_of_the_survivor(survivor, duplicate, office_user):
    institution_merge(duplicate=duplicate, survivor=survivor, user=office_user)

    variants = set(survivor.names.values_list("name", "kind"))
    assert variants == {
        ("Университет Гази", InstitutionName.Kind.TRANSLATION),
        ("Gazi Üniversitesi", InstitutionName.Kind.MERGED),
        ("GAZI", InstitutionName.Kind.MERGED),
    }


def test_a_name_the_survivor_already_has_is_not_added_twice(survivor, duplicate, office_user):
    InstitutionNameFactory(institution=survivor, name="университет гази")  # same name, other case
    InstitutionNameFactory(institution=duplicate, name="GAZI UNIVERSITY")  # the survivor's official name
    duplicate.short_name = "gu"
    duplicate.save()

    institution_merge(duplicate=duplicate, survivor=survivor, user=office_user)

    assert sorted(survivor.names.values_list("name", flat=True)) == ["Gazi Üniversitesi", "университет гази"]


def test_the_search_finds_the_survivor_by_the_duplicates_old_names(client, survivor, duplicate, office_user):
    institution_merge(duplicate=duplicate, survivor=survivor, user=office_user)

    for old_name in ("Gazi Universitesi", "университет гази", "gazi"):
        assert list(Institution.objects.current().search(old_name)) == [survivor], old_name
    client.force_login(office_user)
    found = client.get("/partners/autocomplete/", {"q": "Университет Гази"}).json()["results"]
    assert [result["id"] for result in found] == [survivor.pk]
    response = client.get("/search/", {"q": "Gazi Üniversitesi"})
    assert response.status_code == 200
    assert duplicate.get_absolute_url() not in response.content.decode()


def test_the_merged_partner_leaves_the_list(client, survivor, duplicate, office_user):
    institution_merge(duplicate=duplicate, survivor=survivor, user=office_user)

    client.force_login(office_user)
    listed = [row.record for row in client.get("/partners/").context["table"].page.object_list]
    assert listed == [survivor]


def test_the_old_url_redirects_to_the_survivor(client, survivor, duplicate, office_user):
    institution_merge(duplicate=duplicate, survivor=survivor, user=office_user)

    client.force_login(office_user)
    response = client.get(f"/partners/{duplicate.pk}/")
    assert response.status_code in (301, 302)
    assert response.url == f"/partners/{survivor.pk}/"


def test_the_old_edit_and_contact_addresses_lead_to_the_survivor(client, survivor, duplicate, office_user):
    contact = ContactFactory(institution=duplicate)
    institution_merge(duplicate=duplicate, survivor=survivor, user=office_user)

    client.force_login(office_user)
    assert client.get(f"/partners/{duplicate.pk}/edit/").url == f"/partners/{survivor.pk}/edit/"
    moved = client.get(f"/partners/{duplicate.pk}/contacts/{contact.pk}/edit/")
    assert moved.url == f"/partners/{survivor.pk}/contacts/{contact.pk}/edit/"
    assert client.get(moved.url).status_code == 200


def test_identifiers_the_survivor_lacks_are_carried_over(survivor, duplicate, office_user):
    duplicate.pic = "123456789"  # the survivor has another PIC: it keeps its own
    duplicate.save()

    summary = institution_merge(duplicate=duplicate, survivor=survivor, user=office_user)

    survivor.refresh_from_db()
    duplicate.refresh_from_db()
    assert survivor.erasmus_code == "TR ANKARA02"
    assert duplicate.erasmus_code == ""  # given up, so the unique identifier is held once
    assert survivor.pic == "999111222"
    assert duplicate.pic == "123456789"
    assert any("123456789" in conflict for conflict in summary.conflicts)


def test_history_records_who_merged(survivor, duplicate, office_user):
    participant = ParticipantFactory(partner_institution=duplicate)

    institution_merge(duplicate=duplicate, survivor=survivor, user=office_user)

    for record in (participant, duplicate, survivor):
        last = record.history.latest()
        assert last.history_user == office_user
        assert "Merged Gazi Üniversitesi" in last.history_change_reason
    assert duplicate.history.latest().merged_into_id == survivor.pk


def test_an_agreement_with_both_as_parties_keeps_one_party_and_its_signatories(survivor, duplicate, office_user):
    agreement = AgreementFactory()
    kept = AgreementPartyFactory(agreement=agreement, institution=survivor, order=1)
    dropped = AgreementPartyFactory(agreement=agreement, institution=duplicate, order=2)
    signatory = SignatoryFactory(party=dropped, agreement=agreement)

    summary = institution_merge(duplicate=duplicate, survivor=survivor, user=office_user)

    assert list(AgreementParty.objects.filter(agreement=agreement)) == [kept]
    signatory.refresh_from_db()
    assert signatory.party == kept
    assert Signatory.history.filter(id=signatory.pk).latest().history_user == office_user
    assert any(agreement.title in conflict for conflict in summary.conflicts)


def test_a_cooperation_condition_naming_the_duplicate_names_the_survivor(survivor, duplicate, office_user):
    party = AgreementPartyFactory(institution=duplicate)
    condition = QuotaFactory(agreement=party.agreement, partner=duplicate)

    institution_merge(duplicate=duplicate, survivor=survivor, user=office_user)

    condition.refresh_from_db()
    assert condition.partner == survivor


def test_a_visit_and_a_program_linked_to_both_are_linked_once(survivor, duplicate, office_user):
    visit = VisitFactory()
    visit.partners.add(survivor, duplicate)
    program = ProgramFactory()
    program.partners.add(survivor, duplicate)

    institution_merge(duplicate=duplicate, survivor=survivor, user=office_user)

    assert list(visit.partners.all()) == [survivor]
    assert list(program.partners.all()) == [survivor]
    assert Visit.history.filter(id=visit.pk).latest().history_user == office_user
    assert Program.history.filter(id=program.pk).latest().history_user == office_user


def test_the_outcomes_of_visits_that_name_the_duplicate_move_to_the_survivor(survivor, duplicate, office_user):
    visit = VisitFactory(title="Delegation to Ankara and Istanbul")
    visit.partners.add(duplicate)
    concerning = Outcome.objects.create(visit=visit, text="A 3+1 double degree", institution=duplicate)
    whole_visit = Outcome.objects.create(visit=visit, text="A joint Erasmus+ application")

    preview = institution_merge_preview(duplicate=duplicate, survivor=survivor)
    summary = institution_merge(duplicate=duplicate, survivor=survivor, user=office_user)

    labels = {group.label: [item.record for item in group.items] for group in preview.groups}
    assert labels["Visits — outcomes"] == ["Delegation to Ankara and Istanbul"]  # shown by its visit
    assert summary.moved_count == preview.moved_count == 3  # the visit's link, the outcome, the name
    concerning.refresh_from_db()
    whole_visit.refresh_from_db()
    assert concerning.institution == survivor
    assert whole_visit.institution is None
    assert list(visit.partners.all()) == [survivor]  # the outcome still names one of the visit's partners
    assert Outcome.history.filter(id=concerning.pk).latest().history_user == office_user


def test_earlier_merges_into_the_duplicate_follow_it(survivor, duplicate, office_user):
    older = InstitutionFactory(name="Gazi Eğitim Enstitüsü", merged_into=duplicate)

    institution_merge(duplicate=duplicate, survivor=survivor, user=office_user)

    older.refresh_from_db()
    assert older.merged_into == survivor


def test_the_preview_lists_what_will_move_and_writes_nothing(survivor, duplicate):
    party = AgreementPartyFactory(institution=duplicate)
    ContactFactory(institution=duplicate, full_name="Ayşe Yılmaz")

    summary = institution_merge_preview(duplicate=duplicate, survivor=survivor)

    labels = {group.label: [item.record for item in group.items] for group in summary.groups}
    assert labels["Contacts"] == ["Ayşe Yılmaz"]
    assert labels["Agreements — parties"] == [party.agreement.title]
    assert "Gazi Üniversitesi" in summary.names_added
    assert ("Erasmus code", "TR ANKARA02") in summary.carried
    assert survivor.erasmus_code == ""  # the survivor the page shows is left as it is
    party.refresh_from_db()
    survivor.refresh_from_db()
    assert party.institution == duplicate
    assert survivor.erasmus_code == ""
    assert Institution.objects.get(pk=duplicate.pk).merged_into is None


PART_OF_ITSELF = (
    "{survivor} is part of {duplicate}: merging would make it part of itself. "
    "Change its “part of” first, or merge the other way round."
)


@pytest.mark.parametrize(
    "case, message",
    [
        ("itself", "An institution cannot be merged into itself: choose another partner."),
        ("duplicate already merged", "{duplicate} has already been merged into another partner."),
        ("survivor already merged", "{survivor} has itself been merged into another partner: choose that one instead."),
        ("survivor is part of the duplicate", PART_OF_ITSELF),
        ("survivor is a grandchild of the duplicate", PART_OF_ITSELF),
    ],
)
def test_it_refuses_and_writes_nothing(survivor, duplicate, office_user, case, message):
    contact = ContactFactory(institution=duplicate)
    target = survivor
    if case == "itself":
        target = duplicate
    elif case == "duplicate already merged":
        duplicate.merged_into = InstitutionFactory()
        duplicate.save()
    elif case == "survivor already merged":
        survivor.merged_into = InstitutionFactory()
        survivor.save()
    elif case == "survivor is part of the duplicate":
        survivor.parent = duplicate
        survivor.save()
    else:
        survivor.parent = InstitutionFactory(parent=duplicate)
        survivor.save()

    with pytest.raises(ValidationError) as refused:
        institution_merge(duplicate=duplicate, survivor=target, user=office_user)

    assert refused.value.messages == [message.format(survivor=survivor.name, duplicate=duplicate.name)]

    contact.refresh_from_db()
    assert contact.institution == duplicate
    assert duplicate.names.count() == 1


def test_the_duplicates_parent_is_taken_over_when_the_survivor_has_none(survivor, duplicate, office_user):
    university = InstitutionFactory(name="Gazi University Foundation")
    duplicate.parent = university
    duplicate.save()

    institution_merge(duplicate=duplicate, survivor=survivor, user=office_user)

    survivor.refresh_from_db()
    assert survivor.parent == university


# The pages.


def test_the_office_merges_through_the_preview(client, survivor, duplicate, office_user):
    participant = ParticipantFactory(partner_institution=duplicate, full_name="Aigerim Bekova")
    client.force_login(office_user)

    detail = client.get(duplicate.get_absolute_url())
    assert f"/partners/{duplicate.pk}/merge/" in detail.content.decode()
    assert client.get(f"/partners/{duplicate.pk}/merge/").status_code == 200
    preview = client.get(f"/partners/{duplicate.pk}/merge/preview/", {"survivor": survivor.pk})
    assert preview.status_code == 200
    assert "Aigerim Bekova" in preview.content.decode()
    assert Participant.objects.get(pk=participant.pk).partner_institution == duplicate

    response = client.post(f"/partners/{duplicate.pk}/merge/", {"survivor": survivor.pk})

    assert response.status_code == 302
    assert response.url == survivor.get_absolute_url()
    assert Participant.objects.get(pk=participant.pk).partner_institution == survivor
    page = client.get(response.url)
    assert "was merged into" in page.content.decode()


def test_the_preview_explains_a_refused_choice(client, survivor, duplicate, office_user):
    survivor.parent = duplicate
    survivor.save()
    client.force_login(office_user)

    response = client.get(f"/partners/{duplicate.pk}/merge/preview/", {"survivor": survivor.pk})

    assert response.status_code == 200
    assert "part of itself" in response.content.decode()


def test_choosing_the_partner_itself_or_nothing_is_refused(client, duplicate, office_user):
    client.force_login(office_user)

    for chosen in (duplicate.pk, "", "not-a-number", 999999, "99999999999999999999"):
        response = client.post(f"/partners/{duplicate.pk}/merge/", {"survivor": chosen})
        assert response.status_code == 200, chosen
        assert response.context["form"].errors, chosen
    assert Institution.objects.get(pk=duplicate.pk).merged_into is None


def test_a_merged_partners_merge_page_leads_to_the_survivor(client, survivor, duplicate, office_user):
    institution_merge(duplicate=duplicate, survivor=survivor, user=office_user)
    client.force_login(office_user)

    response = client.get(f"/partners/{duplicate.pk}/merge/")

    assert response.status_code == 302
    assert response.url == survivor.get_absolute_url()


@pytest.mark.parametrize("role", ["coordinator", "rector", "outsider"])
def test_only_the_international_office_merges(client, request, survivor, duplicate, role):
    client.force_login(request.getfixturevalue(role))

    assert client.get(f"/partners/{duplicate.pk}/merge/").status_code == 403
    assert client.get(f"/partners/{duplicate.pk}/merge/preview/", {"survivor": survivor.pk}).status_code == 403
    assert client.post(f"/partners/{duplicate.pk}/merge/", {"survivor": survivor.pk}).status_code == 403
    assert Institution.objects.get(pk=duplicate.pk).merged_into is None
    assert f"/partners/{duplicate.pk}/merge/" not in client.get(duplicate.get_absolute_url()).content.decode()


def test_contacts_keep_their_page_after_the_merge(survivor, duplicate, office_user):
    contact = ContactFactory(institution=duplicate)

    institution_merge(duplicate=duplicate, survivor=survivor, user=office_user)

    assert Contact.objects.get(pk=contact.pk).get_absolute_url().startswith(f"/partners/{survivor.pk}/")


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_two_merges_of_the_same_pair_at_once_make_no_loop(office_user):
    """A into B and B into A at the same moment: the rows are locked, so the second waits, sees
    the first merge and is refused, instead of each becoming merged into the other."""
    if connection.vendor != "postgresql":
        service_missing("PostgreSQL (row locks)")
    first, second = InstitutionFactory(name="Gazi University"), InstitutionFactory(name="Gazi Üniversitesi")
    start = threading.Barrier(2)
    outcomes = []

    def merge(duplicate, survivor):
        try:
            start.wait()
            institution_merge(duplicate=duplicate, survivor=survivor, user=office_user)
            outcomes.append("merged")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=merge, args=pair) for pair in ((first, second), (second, first))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["merged", "refused"]
    merged = Institution.objects.filter(merged_into__isnull=False)
    assert merged.count() == 1
    assert Institution.objects.current().count() == 1


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_a_merge_locks_the_two_partners_and_the_row_it_folds_into_and_no_other_partner(office_user, monkeypatch):
    """Seen from a second connection while the merge's transaction is open: the pair and the
    survivor's party that the duplicate's party is folded into cannot be locked (another merge
    or edit waits), while an unrelated partner can (a merge does not hold up the whole list).
    A name variant of the duplicate is locked from the moment the merge reads it, before it is
    moved: an edit of it meanwhile waits instead of being overwritten."""
    if connection.vendor != "postgresql":
        service_missing("PostgreSQL (row locks)")
    survivor, duplicate = InstitutionFactory(name="Gazi University"), InstitutionFactory(name="Gazi Üniversitesi")
    other = InstitutionFactory(name="Ankara University")
    agreement = AgreementFactory()
    # Nothing points at the kept party, so only the merge's own lock can hold it.
    kept = AgreementPartyFactory(agreement=agreement, institution=survivor, order=1)
    AgreementPartyFactory(agreement=agreement, institution=duplicate, order=2)
    variant = InstitutionNameFactory(institution=duplicate, name="Gazi Universitesi Rektorlugu")
    contact = ContactFactory(institution=duplicate)
    visit = VisitFactory()
    visit.partners.add(duplicate)
    probe = psycopg2.connect(**connection.get_connection_params())
    probe.autocommit = True

    def locked(row) -> bool:
        with probe.cursor() as cursor:
            try:
                cursor.execute(f'SELECT 1 FROM "{row._meta.db_table}" WHERE id = %s FOR UPDATE NOWAIT', [row.pk])
            except psycopg2.errors.LockNotAvailable:
                return True
        return False

    held = {}
    real_fold = merging.fold

    def fold(text):
        # The merge compares a variant's name right after reading it, before moving it.
        if text == variant.name and "variant, read" not in held:
            held["variant, read"] = locked(variant)
        return real_fold(text)

    real_describe = merging._describe

    def describe(row, *, skip):
        # Each row that moves, and each record whose link moves, is described right after the
        # merge has read it, before it is changed.
        for name, read in (("contact, read", contact), ("visit, read", visit)):
            if type(row) is type(read) and row.pk == read.pk and name not in held:
                held[name] = locked(read)
        return real_describe(row, skip=skip)

    monkeypatch.setattr(merging, "fold", fold)
    monkeypatch.setattr(merging, "_describe", describe)
    try:
        with transaction.atomic():
            institution_merge(duplicate=duplicate, survivor=survivor, user=office_user)
            held.update(survivor=locked(survivor), duplicate=locked(duplicate), kept_party=locked(kept))
            held["other partner"] = locked(other)
    finally:
        probe.close()

    assert held == {
        "variant, read": True,
        "contact, read": True,
        "visit, read": True,
        "survivor": True,
        "duplicate": True,
        "kept_party": True,
        "other partner": False,
    }


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_the_preview_and_the_merge_work_outside_a_test_transaction(client, office_user):
    """As in production (autocommit, no transaction around the request): the preview locks
    nothing, which PostgreSQL would refuse outside a transaction; the merge locks in its own."""
    if connection.vendor != "postgresql":
        service_missing("PostgreSQL (row locks)")
    survivor = InstitutionFactory(name="Gazi University")
    duplicate = InstitutionFactory(name="Gazi Üniversitesi")
    agreement = AgreementFactory()
    AgreementPartyFactory(agreement=agreement, institution=survivor)
    AgreementPartyFactory(agreement=agreement, institution=duplicate)
    VisitFactory().partners.add(duplicate)
    client.force_login(office_user)

    preview = client.get(f"/partners/{duplicate.pk}/merge/preview/", {"survivor": survivor.pk})
    merge = client.post(f"/partners/{duplicate.pk}/merge/", {"survivor": survivor.pk})

    assert preview.status_code == 200
    assert merge.status_code == 302
    assert Institution.objects.get(pk=duplicate.pk).merged_into == survivor
    assert AgreementParty.objects.filter(agreement=agreement).count() == 1
