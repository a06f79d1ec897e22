"""Sessions end: after a working day, and everywhere once the password changes; a weak new
password is refused with the reason."""

import datetime

import time_machine
from django.test import Client
from django.utils import timezone


def test_changing_the_password_logs_out_the_other_sessions(office_user):
    office_user.set_password("an old long passphrase")
    office_user.save()
    laptop, phone = Client(), Client()
    for device in (laptop, phone):
        device.force_login(office_user)

    response = laptop.post(
        "/accounts/password_change/",
        {
            "old_password": "an old long passphrase",
            "new_password1": "steppe horses run at dawn",
            "new_password2": "steppe horses run at dawn",
        },
    )

    assert response.status_code == 302
    assert laptop.get("/partners/").status_code == 200  # the session that changed it stays in
    stale = phone.get("/partners/")
    assert stale.status_code == 302 and stale.url.startswith("/accounts/login/")


def test_a_common_or_short_new_password_is_refused_with_the_reason(client, office_user):
    office_user.set_password("an old long passphrase")
    office_user.save()
    client.force_login(office_user)

    response = client.post(
        "/accounts/password_change/",
        {"old_password": "an old long passphrase", "new_password1": "qwerty", "new_password2": "qwerty"},
    )

    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["new_password2"])
    assert "too common" in errors and "too short" in errors
    office_user.refresh_from_db()
    assert office_user.check_password("an old long passphrase")


def test_a_session_ends_after_a_working_day(client, office_user, settings):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client.force_login(office_user)
        assert client.get("/partners/").status_code == 200
        traveller.shift(datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE - 60))
        assert client.get("/partners/").status_code == 200
        traveller.shift(datetime.timedelta(seconds=120))
        expired = client.get("/partners/")
    assert expired.status_code == 302 and expired.url.startswith("/accounts/login/")
