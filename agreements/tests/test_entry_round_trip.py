"""The agreement page submitted as a browser submits it: saving it untouched changes nothing,
and changing one field of one row changes only that."""

import re

import pytest
from django.urls import reverse

from agreements.models import AreaOfCooperation, Quota
from cooperation.tests.browser_form import RenderedForm
from cooperation.tests.db_state import changes_between, database_state, record_changes
from cooperation.tests.entry_pages import (
    assert_one_change,
    assert_untouched_save_changes_nothing,
    check_any_single_change,
    rebuilt_only,
    save,
)
from cooperation.tests.factories import (
    AgreementFactory,
    AgreementPartyFactory,
    InstitutionFactory,
    QuotaFactory,
    SignatoryFactory,
    make_user,
)


@pytest.fixture
def agreement(db, university):
    agreement = AgreementFactory(
        responsible_unit=university,
        responsible_person=make_user("almenova", first_name="Aigerim", last_name="Almenova"),
        purpose="Joint research.\nStudent exchange.",
        notes="Signed in Ankara.\r\nOriginal kept by the rector's office.",
        registration_number="MoU-2024/17",
    )
    agreement.areas.set(AreaOfCooperation.objects.order_by("pk")[:2])
    gazi = AgreementPartyFactory(agreement=agreement, institution=InstitutionFactory(name="Gazi University"), order=0)
    kaznu = AgreementPartyFactory(
        agreement=agreement, institution=InstitutionFactory(name="Al-Farabi Kazakh National University"), order=1
    )
    AgreementPartyFactory(agreement=agreement, institution=None, unit=university, order=2)
    SignatoryFactory(party=gazi, full_name="Musa Yıldız", position="Rector")
    SignatoryFactory(party=kaznu, full_name="Zhansejit Tuimebayev", position="Rector", signed_on="2024-01-15")
    QuotaFactory(
        agreement=agreement,
        academic_year="2025/2026",
        places=4,
        eqf_levels=[6, 7],
        language_skills=[{"language": "en", "cefr": "B2"}, {"language": "tr", "cefr": "B1", "subject_area": "0613"}],
        other_info="EQF: 6-7 (bachelor, master)",
    )
    QuotaFactory(
        agreement=agreement,
        first_academic_year="2025/2026",
        last_academic_year="2027/2028",
        direction=Quota.Direction.INCOMING,
        category=Quota.Category.STAFF_TEACHING,
        partner=kaznu.institution,
        our_unit=university,
        partner_unit="ENG-01",
        places=2,
        total_days=10,
        subject_areas=["0613", "0612"],
        subject_clarification="Software engineering\r\nand networks",
    )
    return agreement


def test_an_untouched_save_changes_nothing(client, office_user, agreement):
    client.force_login(office_user)

    assert_untouched_save_changes_nothing(client, reverse("agreements:agreement-edit", args=[agreement.pk]))


def test_changing_one_signatorys_position_changes_only_that(client, office_user, agreement):
    client.force_login(office_user)
    url = reverse("agreements:agreement-edit", args=[agreement.pk])
    kaznu_signatory = agreement.signatories.get(full_name="Zhansejit Tuimebayev")

    assert_one_change(
        client,
        url,
        "parties-1-signatory_position",
        "Chairman of the Board – Rector",
        table="agreements.Signatory",
        pk=kaznu_signatory.pk,
        fields={"position"},
    )


def test_changing_one_quotas_places_changes_only_that(client, office_user, agreement):
    client.force_login(office_user)
    url = reverse("agreements:agreement-edit", args=[agreement.pk])
    incoming = agreement.quotas.get(direction=Quota.Direction.INCOMING)
    index = RenderedForm.get(client, url).row_index("quotas", incoming.pk)

    assert_one_change(
        client, url, f"quotas-{index}-places", "5", table="agreements.Quota", pk=incoming.pk, fields={"places"}
    )


def test_changing_one_conditions_language_skills_changes_only_that(client, office_user, agreement):
    client.force_login(office_user)
    url = reverse("agreements:agreement-edit", args=[agreement.pk])
    outgoing = agreement.quotas.get(direction=Quota.Direction.OUTGOING)
    index = RenderedForm.get(client, url).row_index("quotas", outgoing.pk)

    assert_one_change(
        client,
        url,
        f"quotas-{index}-language_skills",
        "en B2; tr B1 0613; kk A2",
        table="agreements.Quota",
        pk=outgoing.pk,
        fields={"language_skills"},
    )
    assert agreement.quotas.get(pk=outgoing.pk).language_skills[-1] == {"language": "kk", "cefr": "A2"}


def test_a_language_skill_written_otherwise_is_no_change(client, office_user, agreement):
    client.force_login(office_user)
    url = reverse("agreements:agreement-edit", args=[agreement.pk])
    outgoing = agreement.quotas.get(direction=Quota.Direction.OUTGOING)
    form = RenderedForm.get(client, url)
    form[f"quotas-{form.row_index('quotas', outgoing.pk)}-language_skills"] = "English b2 , tr B1 0613"
    before = database_state()

    save(client, form)

    assert changes_between(before, database_state()) == []


def test_a_wrong_language_skill_is_explained_and_nothing_is_written(client, office_user, agreement):
    client.force_login(office_user)
    url = reverse("agreements:agreement-edit", args=[agreement.pk])
    form = RenderedForm.get(client, url)
    form["quotas-0-language_skills"] = "en B2; fluent Klingon"
    before = database_state()

    response = form.submit(client)

    assert response.status_code == 200
    assert "“fluent Klingon” is not a language skill" in response.content.decode()
    assert changes_between(before, database_state()) == []


def test_choosing_subject_areas_and_eqf_levels_changes_only_that_condition(client, office_user, agreement):
    client.force_login(office_user)
    url = reverse("agreements:agreement-edit", args=[agreement.pk])
    incoming = agreement.quotas.get(direction=Quota.Direction.INCOMING)
    index = RenderedForm.get(client, url).row_index("quotas", incoming.pk)

    assert_one_change(
        client,
        url,
        f"quotas-{index}-subject_areas",
        ["0613", "0612", "0714"],
        table="agreements.Quota",
        pk=incoming.pk,
        fields={"subject_areas"},
    )


def test_a_condition_names_only_a_partner_of_the_agreement(client, office_user, agreement):
    client.force_login(office_user)
    url = reverse("agreements:agreement-edit", args=[agreement.pk])
    incoming = agreement.quotas.get(direction=Quota.Direction.INCOMING)
    form = RenderedForm.get(client, url)
    form["parties-1-DELETE"] = "on"  # KazNU leaves, while the condition still names it
    before = database_state()

    response = form.submit(client)

    assert response.status_code == 200
    assert "Choose a partner institution of this agreement." in response.content.decode()
    assert changes_between(before, database_state()) == []
    assert incoming.partner.name == "Al-Farabi Kazakh National University"


def test_any_single_change_changes_one_thing(client, office_user, agreement):
    client.force_login(office_user)
    # Another party in a row is another party (its own row and signatory): tested on its own.
    check_any_single_change(
        client,
        reverse("agreements:agreement-edit", args=[agreement.pk]),
        leave_out=re.compile(r"^parties-\d+-(institution|unit)$"),
    )


def test_another_partner_in_a_row_replaces_only_that_party(client, office_user, agreement):
    client.force_login(office_user)
    url = reverse("agreements:agreement-edit", args=[agreement.pk])
    gazi, kaznu, ours = agreement.parties.order_by("order")
    hacettepe = InstitutionFactory(name="Hacettepe University")
    form = RenderedForm.get(client, url)
    form["parties-0-institution"] = str(hacettepe.pk)
    before = database_state()

    save(client, form)

    changes = record_changes(changes_between(before, database_state()))
    # The two partners' first signing follows (partners.Institution.first_signed_on): rebuilt.
    touched = {(change.table, change.kind) for change in changes if not rebuilt_only(change)}
    assert touched == {
        ("agreements.AgreementParty", "removed"),
        ("agreements.AgreementParty", "added"),
        ("agreements.Signatory", "removed"),
        ("agreements.Signatory", "added"),
    }
    assert {party.pk for party in agreement.parties.all()} >= {kaznu.pk, ours.pk}
    assert agreement.parties.get(order=0).institution == hacettepe
    assert agreement.signatories.get(party__institution=hacettepe).full_name == "Musa Yıldız"


def test_a_party_leaves_only_through_its_remove_box(client, office_user, agreement):
    client.force_login(office_user)
    url = reverse("agreements:agreement-edit", args=[agreement.pk])
    form = RenderedForm.get(client, url)
    form["parties-2-unit"] = ""  # our unit, with no signatory
    before = database_state()

    response = form.submit(client)

    assert response.status_code == 200
    assert "tick Remove" in response.content.decode()
    assert changes_between(before, database_state()) == []

    form["parties-1-DELETE"] = "on"
    form["parties-2-DELETE"] = "on"
    form["quotas-0-partner"] = ""  # the condition with KazNU now holds for each partner
    save(client, form)
    assert list(agreement.parties.values_list("institution__name", flat=True)) == ["Gazi University"]
    assert not agreement.signatories.filter(full_name="Zhansejit Tuimebayev").exists()


def test_a_party_is_added_only_when_its_empty_row_is_filled(client, office_user, agreement):
    client.force_login(office_user)
    url = reverse("agreements:agreement-edit", args=[agreement.pk])
    form = RenderedForm.get(client, url)
    form["parties-3-signatory_name"] = "Nobody"  # a name with no party is refused, not dropped
    assert form.submit(client).status_code == 200

    form["parties-3-signatory_name"] = ""
    form["parties-3-institution"] = str(InstitutionFactory(name="Sakarya University").pk)
    save(client, form)

    assert agreement.parties.count() == 4


def test_a_signing_date_without_a_name_is_refused_not_dropped(client, office_user, agreement):
    client.force_login(office_user)
    url = reverse("agreements:agreement-edit", args=[agreement.pk])
    form = RenderedForm.get(client, url)
    form["parties-2-signed_on"] = "2024-01-16"
    before = database_state()

    response = form.submit(client)

    assert response.status_code == 200
    assert "Name the person who signed." in response.content.decode()
    assert changes_between(before, database_state()) == []


def test_a_closed_unit_and_a_departed_colleague_stay_on_an_untouched_save(client, office_user, agreement):
    client.force_login(office_user)
    agreement.responsible_unit.is_active = False
    agreement.responsible_unit.save()
    agreement.responsible_person.is_active = False
    agreement.responsible_person.save()

    assert_untouched_save_changes_nothing(client, reverse("agreements:agreement-edit", args=[agreement.pk]))


def test_a_second_signatory_entered_in_the_admin_is_kept(client, office_user, agreement):
    client.force_login(office_user)
    gazi = agreement.parties.get(order=0)
    SignatoryFactory(party=gazi, full_name="Second Signatory", position="Vice-rector")

    assert_untouched_save_changes_nothing(client, reverse("agreements:agreement-edit", args=[agreement.pk]))


def test_parties_entered_in_the_admin_with_one_order_are_not_renumbered(client, office_user, agreement):
    """The admin's parties rows all default to order 0: an untouched save keeps them as they are."""
    client.force_login(office_user)
    agreement.parties.update(order=0)

    assert_untouched_save_changes_nothing(client, reverse("agreements:agreement-edit", args=[agreement.pk]))


def test_a_departed_colleague_is_offered_only_where_they_are_already_named(client, office_user, agreement):
    client.force_login(office_user)
    departed = agreement.responsible_person
    departed.is_active = False
    departed.save()

    new = RenderedForm.get(client, reverse("agreements:agreement-create"))
    edit = RenderedForm.get(client, reverse("agreements:agreement-edit", args=[agreement.pk]))

    assert str(departed.pk) not in new.controls["responsible_person"].options
    assert edit["responsible_person"] == str(departed.pk)
