"""Error pages say what happened in the user's words: not allowed, not found, and a database
that is away (503, try again) rather than a bare server error."""

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
