"""After `load_demo`, the office finds every seed document's partners, people and events in the
admin by any of their names (issue: foundation, what must be shown)."""

import pytest
from django.http import HttpRequest
from django.urls import reverse

from cooperation.demo import demo_load


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        from django.db import transaction

        with transaction.atomic():
            demo_load(password="demo")
            yield
            transaction.set_rollback(True)


@pytest.mark.parametrize(
    ("model", "query", "expected"),
    [
        ("partners_institution", "Hacettepe", "Hacettepe University"),
        ("partners_institution", "Hacetteppe", "Hacettepe University"),
        ("partners_institution", "Урумчи", "Urumqi Vocational University"),
        ("partners_institution", "乌鲁木齐", "Urumqi Vocational University"),
        ("partners_institution", "Gazi", "Gazi University"),
        ("partners_institution", "KITIG", "College of Tourism and Hospitality Industry"),
        ("partners_contact", "Xia Jianhui", "Xia Jianhui"),
        ("partners_contact", "CETIN", "Abdulmuttalib Cetin"),
        ("cooperation_visit", "Study Abroad Center", None),
    ],
)
def test_the_office_finds_seed_records_in_the_admin(client, demo, model, query, expected):
    # django-axes checks every authentication against the request it comes with.
    assert client.login(request=HttpRequest(), username="staff", password="demo")
    response = client.get(reverse(f"admin:{model}_changelist"), {"q": query})
    assert response.status_code == 200
    found = [str(row) for row in response.context["cl"].result_list]
    assert found, f"{query!r} found nothing"
    if expected:
        assert any(expected in row for row in found), found
