"""The finer rules of merging a duplicate partner, each one a slip away from losing or corrupting
data: which fields the survivor takes and which it keeps, when a difference is a conflict, the
"part of" that must never make a loop, names alike kept once, and who is named in the history."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from cooperation.tests.factories import (
    AgreementFactory,
    AgreementPartyFactory,
    ContactFactory,
    InstitutionFactory,
    InstitutionNameFactory,
    ParticipantFactory,
    SignatoryFactory,
    VisitFactory,
)
from cooperation.visits.models import Visit
from partners.merging import institution_merge, institution_merge_preview
from partners.models import Contact, Institution, InstitutionName, Tag

REASON_START = "Merged Gazi Üniversitesi"


@pytest.fixture
def survivor(db):
    return InstitutionFactory(name="Gazi University", country="TR", city="", website="")


@pytest.fixture
def duplicate(db):
    return InstitutionFactory(name="Gazi Üniversitesi", country="TR", city="Ankara", website="https://gazi.edu.tr")


def test_the_city_and_website_the_survivor_lacks_are_carried_over(survivor, duplicate, office_user):
    summary = institution_merge(duplicate=duplicate, survivor=survivor, user=office_user)

    survivor.refresh_from_db()
    assert (survivor.city, survivor.website) == ("Ankara", "https://gazi.edu.tr")
    assert ("city", "Ankara") in summary.carried
    assert ("website", "https://gazi.edu.tr") in summary.carried
    assert summary.conflicts == []
    assert summary.names_added == ["Gazi Üniversitesi"]  # it has no short name: no empty name is added
    assert list(survivor.names.values_list("name", flat=True)) == ["Gazi Üniversitesi"]


def test_the_survivors_own_city_and_website_are_kept_and_their_difference_is_no_conflict(duplicate, office_user):
    survivor = InstitutionFactory(name="Gazi University", city="Ankara, Beşevler", website="https://www.gazi.edu.tr")

    summary = institution_merge(duplicate=duplicate, survivor=survivor, user=office_user)

    survivor.refresh_from_db()
    assert (survivor.city, survivor.website) == ("Ankara, Beşevler", "https://www.gazi.edu.tr")
    assert summary.carried == []
    assert summary.conflicts == []


def test_the_pic_and_schac_code_move_to_the_survivor_and_the_duplicate_gives_them_up(survivor, duplicate, office_user):
    duplicate.pic, duplicate.schac_id = "949920587", "gazi.edu.tr"
    duplicate.save()

    institution_merge(duplicate=duplicate, survivor=survivor, user=office_user)

    survivor.refresh_from_db()
    duplicate.refresh_from_db()
    assert (survivor.pic, survivor.schac_id) == ("949920587", "gazi.edu.tr")
    assert (duplicate.pic, duplicate.schac_id) == ("", "")
    assert list(Institution.objects.current().search("949920587")) == [survivor]


def test_an_identifier_written_in_another_case_is_the_same_identifier_not_a_conflict(survivor, duplicate, office_user):
    # Different records may hold the same code in another case only once merged: the unique
    # index is on LOWER(erasmus_code), so the survivor is given it first.
    survivor.erasmus_code = "TR ANKARA02"
    survivor.save()
    Institution.objects.filter(pk=duplicate.pk).update(erasmus_code="tr ankara02 ")  # as typed long ago

    summary = institution_merge_preview(duplicate=Institution.objects.get(pk=duplicate.pk), survivor=survivor)

    assert summary.conflicts == []
    assert summary.carried == [("website", "https://gazi.edu.tr"), ("city", "Ankara")]


def test_a_different_identifier_is_a_conflict_the_survivor_wins(survivor, duplicate, office_user):
    survivor.schac_id = "gazi.edu.tr"
    survivor.save()
    duplicate.schac_id = "gazi-universitesi.edu.tr"
    duplicate.save()

    summary = institution_merge(duplicate=duplicate, survivor=survivor, user=office_user)

    assert summary.conflicts == [
        "SCHAC id differs: Gazi University keeps gazi.edu.tr; gazi-universitesi.edu.tr stays on the merged record."
    ]
    survivor.refresh_from_db()
    duplicate.refresh_from_db()
    assert survivor.schac_id == "gazi.edu.tr"
    assert duplicate.schac_id == "gazi-universitesi.edu.tr"


def test_a_duplicate_that_is_part_of_the_survivor_does_not_make_the_survivor_its_own_parent(
    survivor, duplicate, office_user
):
    duplicate.parent = survivor
    duplicate.save()

    summary = institution_merge(duplicate=duplicate, survivor=survivor, user=office_user)

    survivor.refresh_from_db()
    assert survivor.parent is None
    assert all(field != "part of" for field, _value in summary.carried)


def test_the_duplicates_parent_is_not_taken_over_when_it_is_part_of_the_survivor(survivor, duplicate, office_user):
    faculty = InstitutionFactory(name="Gazi Faculty of Medicine", parent=survivor)
    duplicate.parent = faculty
    duplicate.save()

    institution_merge(duplicate=duplicate, survivor=survivor, user=office_user)

    survivor.refresh_from_db()
    assert survivor.parent is None


def test_the_survivors_own_parent_is_kept(duplicate, office_user):
    foundation, other = InstitutionFactory(name="Gazi Foundation"), InstitutionFactory(name="Ankara Foundation")
    survivor = InstitutionFactory(name="Gazi University", parent=foundation)
    duplicate.parent = other
    duplicate.save()

    summary = institution_merge(duplicate=duplicate, survivor=survivor, user=office_user)

    survivor.refresh_from_db()
    assert survivor.parent == foundation
    assert all(field != "part of" for field, _value in summary.carried)


def test_the_duplicates_parent_taken_over_is_listed_in_the_preview(survivor, duplicate):
    foundation = InstitutionFactory(name="Gazi Foundation")
    duplicate.parent = foundation
    duplicate.save()

    summary = institution_merge_preview(duplicate=duplicate, survivor=survivor)

    assert ("part of", "Gazi Foundation") in summary.carried
    survivor.refresh_from_db()
    assert survivor.parent is None


def test_a_loop_of_parents_already_in_the_data_does_not_stop_the_check(survivor, duplicate, office_user):
    first, second = InstitutionFactory(name="Loop A"), InstitutionFactory(name="Loop B")
    Institution.objects.filter(pk=first.pk).update(parent=second)
    Institution.objects.filter(pk=second.pk).update(parent=first)
    Institution.objects.filter(pk=survivor.pk).update(parent=first)

    institution_merge(duplicate=duplicate, survivor=Institution.objects.get(pk=survivor.pk), user=office_user)

    assert Institution.objects.get(pk=duplicate.pk).merged_into_id == survivor.pk


def test_a_grandchild_three_levels_down_is_still_refused_as_survivor(survivor, duplicate, office_user):
    child = InstitutionFactory(name="Faculty", parent=duplicate)
    grandchild = InstitutionFactory(name="Department", parent=child)
    survivor.parent = grandchild
    survivor.save()

    with pytest.raises(ValidationError, match="part of itself"):
        institution_merge(duplicate=duplicate, survivor=survivor, user=office_user)


def test_two_names_of_the_duplicate_alike_become_one_name_and_the_other_is_deleted_with_who_did_it(
    survivor, duplicate, office_user
):
    first = InstitutionNameFactory(institution=duplicate, name="Университет Гази", language="ru")
    second = InstitutionNameFactory(institution=duplicate, name="УНИВЕРСИТЕТ ГАЗИ", language="kk")

    summary = institution_merge(duplicate=duplicate, survivor=survivor, user=office_user)

    assert sorted(survivor.names.values_list("name", flat=True)) == ["Gazi Üniversitesi", "Университет Гази"]
    assert survivor.names.get(name="Университет Гази").pk == first.pk
    assert not InstitutionName.objects.filter(pk=second.pk).exists()
    deletion = InstitutionName.history.get(id=second.pk, history_type="-")
    assert deletion.history_user == office_user
    assert deletion.history_change_reason.startswith(REASON_START)
    assert summary.names_added == ["Университет Гази", "Gazi Üniversitesi"]
    assert summary.groups[0].label == "Name variants"
    items = {item.record: item.note for item in summary.groups[0].items}
    assert items["Университет Гази"] == ""
    assert items["УНИВЕРСИТЕТ ГАЗИ"] == "already a name of Gazi University: not added twice"


def test_the_duplicates_short_name_the_survivor_already_has_is_not_added(survivor, office_user):
    survivor.short_name = "GU"
    survivor.save()
    duplicate = InstitutionFactory(name="Gazi Üniversitesi", short_name="gu")

    summary = institution_merge(duplicate=duplicate, survivor=survivor, user=office_user)

    assert summary.names_added == ["Gazi Üniversitesi"]
    assert list(survivor.names.values_list("name", flat=True)) == ["Gazi Üniversitesi"]


def test_a_moved_names_history_says_who_moved_it(survivor, duplicate, office_user):
    variant = InstitutionNameFactory(institution=duplicate, name="Университет Гази", language="ru")

    institution_merge(duplicate=duplicate, survivor=survivor, user=office_user)

    last = InstitutionName.history.filter(id=variant.pk).latest()
    assert (last.institution_id, last.history_user) == (survivor.pk, office_user)
    assert last.history_change_reason.startswith(REASON_START)
    added = survivor.names.get(name="Gazi Üniversitesi")
    assert added.kind == InstitutionName.Kind.MERGED
    assert added.history.latest().history_user == office_user


def test_a_moved_row_is_stamped_as_updated_and_nothing_else_of_it_is_rewritten(survivor, duplicate, office_user):
    with time_machine.travel(datetime.datetime(2026, 1, 5, 9, 0, tzinfo=datetime.UTC), tick=False):
        contact = ContactFactory(institution=duplicate, full_name="Ayşe Yılmaz", position="Dean")
    stale = Contact.objects.get(pk=contact.pk)
    Contact.objects.filter(pk=contact.pk).update(position="Vice-Rector")  # meanwhile, without a save()

    with time_machine.travel(datetime.datetime(2026, 2, 9, 9, 0, tzinfo=datetime.UTC), tick=False):
        institution_merge(duplicate=duplicate, survivor=survivor, user=office_user)

    moved = Contact.objects.get(pk=contact.pk)
    assert moved.institution == survivor
    assert moved.position == "Vice-Rector"
    assert moved.updated_at == datetime.datetime(2026, 2, 9, 9, 0, tzinfo=datetime.UTC)
    assert stale.updated_at == datetime.datetime(2026, 1, 5, 9, 0, tzinfo=datetime.UTC)


def test_the_preview_of_a_folded_party_counts_the_linked_rows_that_move_with_it(survivor, duplicate):
    agreement = AgreementFactory(title="Memorandum with Gazi")
    AgreementPartyFactory(agreement=agreement, institution=survivor, order=1)
    dropped = AgreementPartyFactory(agreement=agreement, institution=duplicate, order=2)
    SignatoryFactory(party=dropped, agreement=agreement)
    SignatoryFactory(party=dropped, agreement=agreement)

    summary = institution_merge_preview(duplicate=duplicate, survivor=survivor)

    note = "Gazi University already has this: the duplicate's row is merged into it (linked rows that move with it: 2)"
    assert summary.conflicts == [f"Agreements — parties: Memorandum with Gazi — {note}"]
    assert AgreementPartyFactory._meta.model.objects.filter(pk=dropped.pk).exists()


def test_a_folded_party_with_nothing_linked_says_only_that_it_is_merged(survivor, duplicate, office_user):
    agreement = AgreementFactory(title="Memorandum with Gazi")
    AgreementPartyFactory(agreement=agreement, institution=survivor, order=1)
    AgreementPartyFactory(agreement=agreement, institution=duplicate, order=2)

    summary = institution_merge(duplicate=duplicate, survivor=survivor, user=office_user)

    assert summary.conflicts == [
        "Agreements — parties: Memorandum with Gazi — "
        "Gazi University already has this: the duplicate's row is merged into it"
    ]
    assert agreement.parties.count() == 1


def test_a_visit_linked_to_both_is_listed_as_a_link_removed(survivor, duplicate, office_user):
    both = VisitFactory(title="Delegation to Ankara")
    both.partners.add(survivor, duplicate)
    only_duplicate = VisitFactory(title="Summer school visit")
    only_duplicate.partners.add(duplicate)

    summary = institution_merge(duplicate=duplicate, survivor=survivor, user=office_user)

    assert summary.conflicts == [
        "Visits: Delegation to Ankara — already linked to Gazi University: the duplicate's link is removed"
    ]
    assert list(only_duplicate.partners.all()) == [survivor]
    assert list(both.partners.all()) == [survivor]
    assert survivor.visits.count() == 2


def test_tags_the_survivor_already_has_are_neither_listed_nor_added_twice(survivor, duplicate, office_user):
    shared, new = Tag.objects.create(name="Erasmus+"), Tag.objects.create(name="Double degree")
    survivor.tags.add(shared)
    duplicate.tags.add(shared, new)

    summary = institution_merge(duplicate=duplicate, survivor=survivor, user=office_user)

    assert ("tags", "Double degree") in summary.carried
    assert sorted(survivor.tags.values_list("name", flat=True)) == ["Double degree", "Erasmus+"]


def test_no_tags_to_carry_lists_none(survivor, duplicate, office_user):
    shared = Tag.objects.create(name="Erasmus+")
    survivor.tags.add(shared)
    duplicate.tags.add(shared)

    summary = institution_merge(duplicate=duplicate, survivor=survivor, user=office_user)

    assert all(field != "tags" for field, _value in summary.carried)


def test_a_partner_deleted_since_the_page_was_shown_is_refused(survivor, duplicate, office_user):
    gone = InstitutionFactory(name="Gazi Universitesi (old)")
    gone_pk = gone.pk
    gone.delete()
    gone.pk = gone_pk

    for pair in ((gone, survivor), (duplicate, gone)):
        with pytest.raises(ValidationError) as refused:
            institution_merge(duplicate=pair[0], survivor=pair[1], user=office_user)
        assert refused.value.messages == ["The institution no longer exists."]
    assert Institution.objects.get(pk=duplicate.pk).merged_into is None


def test_the_merge_reason_names_both_partners_and_their_numbers(survivor, duplicate, office_user):
    institution_merge(duplicate=duplicate, survivor=survivor, user=office_user)

    assert survivor.history.latest().history_change_reason == (
        f"Merged Gazi Üniversitesi (#{duplicate.pk}) into Gazi University (#{survivor.pk})"
    )
    assert duplicate.history.latest().history_user == office_user


def test_rows_of_a_kind_the_survivor_already_has_are_moved_beside_its_own_not_folded_into_them(
    survivor, duplicate, office_user
):
    own = ContactFactory(institution=survivor, full_name="Mehmet Öz")
    moved = ContactFactory(institution=duplicate, full_name="Ayşe Yılmaz")
    kept_party = AgreementPartyFactory(institution=survivor)
    moved_party = AgreementPartyFactory(institution=duplicate)  # another agreement: no conflict

    summary = institution_merge(duplicate=duplicate, survivor=survivor, user=office_user)

    assert sorted(Contact.objects.filter(institution=survivor).values_list("pk", flat=True)) == sorted(
        [own.pk, moved.pk]
    )
    kept_party.refresh_from_db()
    moved_party.refresh_from_db()
    assert (kept_party.institution, moved_party.institution) == (survivor, survivor)
    assert summary.conflicts == []


def test_every_name_after_one_the_survivor_already_has_is_still_moved(survivor, duplicate, office_user):
    alike = InstitutionNameFactory(institution=duplicate, name="GAZI UNIVERSITY", language="tr")
    after = InstitutionNameFactory(institution=duplicate, name="Университет Гази", language="ru")
    assert alike.pk < after.pk

    institution_merge(duplicate=duplicate, survivor=survivor, user=office_user)

    assert not InstitutionName.objects.filter(pk=alike.pk).exists()
    assert InstitutionName.objects.get(pk=after.pk).institution == survivor


def test_a_visit_moved_to_the_survivor_says_in_its_history_who_moved_it_and_why(survivor, duplicate, office_user):
    visit = VisitFactory()
    visit.partners.add(duplicate)

    institution_merge(duplicate=duplicate, survivor=survivor, user=office_user)

    assert list(visit.partners.all()) == [survivor]
    last = Visit.history.filter(id=visit.pk).latest()
    assert last.history_user == office_user
    assert last.history_change_reason.startswith(REASON_START)


def test_the_preview_lists_every_row_that_moves_under_its_kind_with_the_page_it_is_shown_on(survivor, duplicate):
    child = InstitutionFactory(name="Gazi Faculty of Medicine", parent=duplicate)
    earlier = InstitutionFactory(name="Gazi Univ.", merged_into=duplicate)
    first = ContactFactory(institution=duplicate, full_name="Ayşe Yılmaz")
    second = ContactFactory(institution=duplicate, full_name="Mehmet Kaya")
    participant = ParticipantFactory(partner_institution=duplicate, full_name="Aigerim Seitkali")
    agreement = AgreementFactory(title="Memorandum with Gazi")
    AgreementPartyFactory(agreement=agreement, institution=duplicate)
    visit = VisitFactory(title="Delegation from Gazi")
    visit.partners.add(duplicate)
    duplicate.tags.add(Tag.objects.create(name="priority"), Tag.objects.create(name="erasmus"))

    summary = institution_merge_preview(duplicate=duplicate, survivor=survivor)

    groups = {group.label: [(item.record, item.url, item.note) for item in group.items] for group in summary.groups}
    assert groups == {
        "Child institutions": [("Gazi Faculty of Medicine", child.get_absolute_url(), "")],
        "Institutions merged into it earlier": [("Gazi Univ.", earlier.get_absolute_url(), "")],
        "Contacts": [
            ("Ayşe Yılmaz", first.get_absolute_url(), ""),
            ("Mehmet Kaya", second.get_absolute_url(), ""),
        ],
        "Agreements — parties": [("Memorandum with Gazi", agreement.get_absolute_url(), "")],
        "Mobility participants": [("Aigerim Seitkali", participant.get_absolute_url(), "")],
        "Visits": [("Delegation from Gazi", visit.get_absolute_url(), "")],
    }
    assert ("tags", "erasmus, priority") in summary.carried


def test_a_row_folded_into_the_survivors_brings_its_own_rows_with_who_moved_them_and_why(
    survivor, duplicate, office_user
):
    agreement = AgreementFactory()
    AgreementPartyFactory(agreement=agreement, institution=survivor, order=1)
    folded = AgreementPartyFactory(agreement=agreement, institution=duplicate, order=2)
    signatory = SignatoryFactory(agreement=agreement, party=folded)

    institution_merge(duplicate=duplicate, survivor=survivor, user=office_user)

    last = signatory.history.latest()
    assert last.party_id == agreement.parties.get().pk
    assert last.history_user == office_user
    assert last.history_change_reason.startswith(REASON_START)


def test_a_duplicate_whose_short_name_is_its_name_written_otherwise_gives_the_survivor_one_name(survivor, office_user):
    duplicate = InstitutionFactory(name="Gazi Üniversitesi", short_name="GAZI UNIVERSITESI")

    summary = institution_merge(duplicate=duplicate, survivor=survivor, user=office_user)

    assert summary.names_added == ["Gazi Üniversitesi"]
    added = survivor.names.get()
    assert added.history.latest().history_change_reason.startswith(REASON_START)
