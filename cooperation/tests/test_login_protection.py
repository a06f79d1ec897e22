"""Login protection: repeated wrong passwords lock the account on that computer for a while."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from cooperation.tests.factories import make_user

LOGIN = "/accounts/login/"


@pytest.fixture
def staff(db):
    user = make_user("staff")
    user.set_password("correct-horse-battery")
    user.save()
    return user


def attempt(client, password, address="10.0.0.5"):
    return client.post(LOGIN, {"username": "staff", "password": password}, REMOTE_ADDR=address)


def test_five_wrong_passwords_lock_the_account_then_it_opens_again(client, staff, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attempt(client, "guess").status_code == 200  # the form again, with its error
    response = attempt(client, "guess")
    assert response.status_code == 429
    assert "Too many failed logins" in response.content.decode()
    # Locked: even the right password is refused now.
    assert attempt(client, "correct-horse-battery").status_code == 429
    # Another computer is not locked out.
    assert attempt(client, "correct-horse-battery", address="10.0.0.9").status_code == 302
    with time_machine.travel(timezone.now() + settings.AXES_COOLOFF_TIME + datetime.timedelta(minutes=1)):
        client.logout()
        assert attempt(client, "correct-horse-battery").status_code == 302


def test_a_successful_login_forgets_the_earlier_failures(client, staff, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(client, "guess")
    assert attempt(client, "correct-horse-battery").status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attempt(client, "guess").status_code == 200


def test_behind_the_proxy_the_address_nginx_saw_counts_not_a_forged_one(rf, settings):
    from cooperation.lib.security import client_ip_address

    settings.BEHIND_PROXY = True
    request = rf.get("/", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7", REMOTE_ADDR="127.0.0.1")
    assert client_ip_address(request) == "203.0.113.7"
    settings.BEHIND_PROXY = False
    assert client_ip_address(request) == "127.0.0.1"
