"""The agreement page submitted as a browser submits it: saving it untouched changes nothing,
and changing one field of one row changes only that."""

import re

import pytest
from django.urls import reverse

from agreements.models import AreaOfCooperation, Quota
from cooperation.tests.browser_form import RenderedForm
from cooperation.tests.db_state import changes_between, database_state
from cooperation.tests.entry_pages import assert_one_change, check_any_single_change
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
    QuotaFactory(agreement=agreement, academic_year="2025/2026", places=4)
    QuotaFactory(
        agreement=agreement,
        academic_year="2025/2026",
        direction=Quota.Direction.INCOMING,
        places=2,
        subject_area="0613",
    )
    return agreement


def test_an_untouched_save_changes_nothing(client, office_user, agreement):
    client.force_login(office_user)
    url = reverse("agreements:agreement-edit", args=[agreement.pk])
    form = RenderedForm.get(client, url)
    before = database_state()

    response = form.submit(client)

    assert response.status_code == 302, response.content.decode()[:3000]
    assert changes_between(before, database_state()) == []
    assert RenderedForm.get(client, url).values() == form.values()


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
    form = RenderedForm.get(client, url)
    index = next(i for i in range(5) if form[f"quotas-{i}-id"] == str(incoming.pk))

    assert_one_change(
        client, url, f"quotas-{index}-places", "5", table="agreements.Quota", pk=incoming.pk, fields={"places"}
    )


def test_any_single_change_changes_one_thing(client, office_user, agreement):
    client.force_login(office_user)
    # Another party in a row is another party (its own row and signatory): tested on its own.
    check_any_single_change(
        client,
        reverse("agreements:agreement-edit", args=[agreement.pk]),
        leave_out=re.compile(r"^parties-\d+-(institution|unit)$"),
    )
