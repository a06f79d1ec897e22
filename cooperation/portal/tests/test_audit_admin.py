"""The administrator searches the audit history in the admin: by user, kind of record and date."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from agreements.models import Agreement
from cooperation.lib.history import save_with_history
from cooperation.tests.factories import AgreementFactory, InstitutionFactory, make_user

pytestmark = pytest.mark.django_db

AGREEMENT_HISTORY = reverse("admin:agreements_historicalagreement_changelist")


def listed(response) -> list:
    return list(response.context["cl"].result_list)


@pytest.fixture
def changes(db, office_user):
    other = make_user("other-staff")
    with time_machine.travel(datetime.datetime(2026, 3, 2, 10, tzinfo=datetime.UTC), tick=False):
        agreement = AgreementFactory(title="Memorandum with Gazi University")
    with time_machine.travel(datetime.datetime(2026, 4, 6, 10, tzinfo=datetime.UTC), tick=False):
        agreement.title = "Memorandum with Gazi University (renewed)"
        save_with_history(agreement, user=office_user, reason="Renewed")
    with time_machine.travel(datetime.datetime(2026, 4, 7, 10, tzinfo=datetime.UTC), tick=False):
        agreement.notes = "Signed copy received"
        save_with_history(agreement, user=other, reason="Edited")
    return agreement, other


def test_the_administrator_filters_the_history_by_user(client, admin_user, office_user, changes):
    client.force_login(admin_user)

    response = client.get(AGREEMENT_HISTORY, {"history_user__id__exact": office_user.pk})

    assert response.status_code == 200
    assert [record.history_change_reason for record in listed(response)] == ["Renewed"]


def test_the_administrator_filters_the_history_by_date_and_kind(client, admin_user, changes):
    client.force_login(admin_user)

    in_april = client.get(
        AGREEMENT_HISTORY, {"history_date__gte": "2026-04-01", "history_date__lt": "2026-05-01", "history_type": "~"}
    )
    by_day = client.get(AGREEMENT_HISTORY, {"history_date__year": 2026, "history_date__month": 3})

    assert [record.history_change_reason for record in listed(in_april)] == ["Edited", "Renewed"]
    assert [record.history_type for record in listed(by_day)] == ["+"]


def test_the_administrator_searches_the_history_by_reason_and_name(client, admin_user, changes):
    agreement, other = changes
    client.force_login(admin_user)

    assert len(listed(client.get(AGREEMENT_HISTORY, {"q": "Renewed"}))) == 1
    assert [record.history_user for record in listed(client.get(AGREEMENT_HISTORY, {"q": other.username}))] == [other]


def test_each_kind_of_record_has_its_history_list(client, admin_user, office_user):
    institution = InstitutionFactory(name="Gazi University")
    save_with_history(institution, user=office_user, reason="Edited")
    client.force_login(admin_user)

    response = client.get(reverse("admin:partners_historicalinstitution_changelist"))

    assert response.status_code == 200
    assert "Gazi University" in response.content.decode()
    assert not listed(client.get(AGREEMENT_HISTORY))


def test_the_history_is_read_only(client, admin_user, changes):
    agreement, _ = changes
    record = agreement.history.earliest()
    client.force_login(admin_user)

    assert client.get(reverse("admin:agreements_historicalagreement_add")).status_code == 403
    assert client.post(reverse("admin:agreements_historicalagreement_delete", args=[record.pk])).status_code == 403
    page = client.get(reverse("admin:agreements_historicalagreement_change", args=[record.pk]))
    assert page.status_code == 200  # a view page, without a save button
    assert 'name="_save"' not in page.content.decode()
    assert Agreement.history.count() == 3


@pytest.mark.parametrize("role", ["office_user", "rector"])
def test_only_administrators_see_the_audit_lists(client, request, role):
    user = request.getfixturevalue(role)
    user.is_staff = True
    user.save()
    client.force_login(user)

    assert client.get(AGREEMENT_HISTORY).status_code == 403
