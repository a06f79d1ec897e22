"""Error pages say what happened in the user's words: not allowed, not found, and a database
that is away (503, try again) rather than a bare server error."""

import io
import logging

from django import db as django_db
from django.test import RequestFactory

from cooperation.lib.errors import server_error
from cooperation.tests.factories import AgreementFactory


def test_the_rector_s_office_is_told_why_it_may_not_edit(client, rector):
    client.force_login(rector)
    response = client.get(f"/agreements/{AgreementFactory().pk}/edit/")
    assert response.status_code == 403
    assert "The rector's office reads every record but changes none" in response.content.decode()


def test_a_missing_record_gets_a_page_in_the_portal(client, office_user):
    client.force_login(office_user)
    response = client.get("/agreements/999999/")
    assert response.status_code == 404
    assert "There is nothing at this address" in response.content.decode()


def test_a_lost_database_connection_is_a_503_that_asks_to_try_again(db):
    request = RequestFactory().get("/partners/")
    try:
        raise django_db.OperationalError("server closed the connection unexpectedly")
    except django_db.OperationalError:
        response = server_error(request)
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "database is not answering" in response.content.decode()


def test_any_other_error_is_a_500_that_says_nothing_was_half_saved(db):
    request = RequestFactory().get("/partners/")
    try:
        raise ValueError("a bug")
    except ValueError:
        response = server_error(request)
    assert response.status_code == 500
    assert "not saved half-way" in response.content.decode()


def test_a_get_on_an_action_gets_the_portals_page_not_a_blank_405(client, office_user):
    client.force_login(office_user)
    agreement = AgreementFactory()
    response = client.get(f"/agreements/{agreement.pk}/renew/")
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    content = response.content.decode()
    assert "This address is a button, not a page" in content
    assert 'href="/agreements/"' in content  # the navigation bar of base.html


def test_the_api_keeps_its_own_405(client, db):
    response = client.post("/api/public/partners/")
    assert response.status_code == 405
    assert response.json() == {"detail": 'Method "POST" not allowed.'}


def _console_output_of(logger_name: str):
    """Every stream handler a record of `logger_name` reaches through the configured loggers,
    pointed at one buffer."""
    buffer = io.StringIO()
    swapped = []
    logger = logging.getLogger(logger_name)
    while logger:
        for handler in logger.handlers:
            if type(handler) is logging.StreamHandler:  # not pytest's capturing handlers
                swapped.append((handler, handler.setStream(buffer)))
        logger = logger.parent if logger.propagate else None
    return buffer, swapped


def test_a_403_is_logged_once_on_one_line(client, rector, settings):
    settings.DEBUG = True  # Django's own console handler of "django" logs only with DEBUG on
    client.force_login(rector)
    agreement = AgreementFactory()
    buffer, swapped = _console_output_of("django.request")
    try:
        response = client.get(f"/agreements/{agreement.pk}/edit/")
    finally:
        for handler, stream in swapped:
            handler.setStream(stream)
    assert response.status_code == 403
    assert buffer.getvalue() == f"Forbidden (Permission denied): /agreements/{agreement.pk}/edit/\n"
