"""Malformed query parameters never give a server error, on any address the portal answers GET on:
every list, search, autocomplete, export, feed and API address gets a fixed set of malformed
values (NUL bytes, huge numbers, impossible dates, 5,000 characters, unknown sort keys), as each
role and anonymously. What is malformed is refused (400) or treated as absent (200)."""

from urllib.parse import urlencode

import pytest
from django.urls import reverse

from cooperation.api.tokens import token_issue
from cooperation.calendar.models import CalendarFeedToken
from cooperation.tests import factories
from cooperation.tests.test_url_permissions import ALL_URLS, WRITES, portal_urls, url_for

MALFORMED = [
    "a\x00b",
    "\x00",
    "99999999",
    "1e9",
    "-1",
    "99999999999999999999999999",
    "2025-02-30",
    "99999-01-01",
    "9999-12-31",
    "0001-01-01",
    "x" * 5000,
    "nosuchkey",
    "-nosuchkey",
]
# The other roles go the same code paths with other rights: a few values suffice for them.
FEW = ["a\x00b", "99999999", "1e9", "x" * 5000, "nosuchkey"]
# Parameters some page reads besides its filters.
COMMON = ["q", "sort", "page", "page_size", "ordering", "export", "status", "participant", "institution", "survivor"]
# Addresses that only write (their GET answers 405 or shows a form that posts elsewhere).
SKIPPED = {"logout", "set_language", "password_reset_confirm", "api:public-partners"}

PATTERNS = dict(portal_urls())


def parameter_names(name: str) -> list[str]:
    callback = PATTERNS[name].callback
    view = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
    filterset = getattr(view, "filterset_class", None)
    names = list(filterset.base_filters) if filterset else []
    if name == "dashboard":
        names += ["academic_year", "unit", "country", "region", "partner_kind"]
    return COMMON + [name for name in names if name not in COMMON]


ADDRESSES = [name for name in ALL_URLS if name not in SKIPPED and name not in WRITES]


@pytest.fixture
def cast(office_user, coordinator, rector, outsider):
    return {"office": office_user, "coordinator": coordinator, "rector": rector, "outsider": outsider}


def _urls(name):
    if name == "calendar-feed":
        return [reverse("calendar-feed", args=["x\x00y"]), reverse("calendar-feed", args=["x" * 5000])]
    return [url_for(name)]


def _no_server_error(client, url, query):
    response = client.get(f"{url}?{urlencode(query)}")
    assert response.status_code < 500, (url, query, response.status_code)
    return response


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["office", "coordinator", "rector", "outsider", "anonymous"])
def test_every_address_with_every_malformed_value_as_each_role(client, cast, role):
    """Every parameter an address reads at once: a list leaves out each filter it cannot use
    and applies the others, so one request per value asks all of them."""
    if role != "anonymous":
        client.force_login(cast[role])
    for name in ADDRESSES:
        for url in _urls(name):
            for value in MALFORMED if role == "office" else FEW:
                _no_server_error(client, url, dict.fromkeys(parameter_names(name), value))


API_LISTS = [name for name in ADDRESSES if name.startswith("api:") and name.endswith("-list")]


@pytest.mark.django_db
@pytest.mark.parametrize("name", API_LISTS)
def test_each_api_parameter_alone(client, office_user, name):
    """The API refuses a request with one bad filter as a whole (400), so each is asked alone."""
    client.force_login(office_user)
    for parameter in parameter_names(name):
        for value in MALFORMED:
            response = _no_server_error(client, url_for(name), {parameter: value})
            expected = {200, 400, 404} if parameter == "page" else {200, 400}
            assert response.status_code in expected, (parameter, value, response.status_code)


@pytest.mark.django_db
def test_nul_in_a_calendar_feed_address_is_refused(client):
    response = client.get("/calendar/feed/%00.ics")
    assert response.status_code == 400
    assert "The address contains a control character." in response.content.decode()


def test_a_nul_in_a_search_gets_the_portals_400_page_naming_the_parameter(client, office_user):
    client.force_login(office_user)
    for url in ("/search/?q=%00", "/partners/autocomplete/?q=a%00b"):
        response = client.get(url)
        assert response.status_code == 400
        content = response.content.decode()
        assert "The parameter q contains a control character." in content
        assert "This address cannot be answered" in content


def test_a_year_no_date_can_hold_is_a_filter_error_on_the_list_and_refused_by_the_api(client, office_user):
    factories.VisitFactory(title="Delegation from Gazi University")
    client.force_login(office_user)
    for year, error in (("99999999", "less than or equal to 9999"), ("1e9", "less than or equal to 9999")):
        response = client.get("/visits/", {"year": year})
        assert response.status_code == 200
        assert error in response.content.decode()  # the list's filter form says what is wrong
        response = client.get("/api/visits/", {"year": year})
        assert response.status_code == 400
        assert "year" in response.json()


def test_a_long_text_is_refused_but_a_long_search_is_not(client, office_user):
    client.force_login(office_user)
    assert client.get("/search/", {"q": "x" * 2000}).status_code == 200
    response = client.get("/search/", {"q": "x" * 5000})
    assert response.status_code == 400
    assert "The parameter q is longer than 2000 characters." in response.content.decode()


@pytest.mark.django_db
def test_a_real_feed_and_api_token_with_malformed_parameters(client, office_user):
    _token, secret = token_issue(model=CalendarFeedToken, user=office_user)
    for value in MALFORMED:
        _no_server_error(client, reverse("calendar-feed", args=[secret]), {"q": value})
    factories.VisitFactory()
    from cooperation.api.models import ApiToken

    _token, key = token_issue(model=ApiToken, user=office_user)
    for parameter in parameter_names("api:visit-list"):
        for value in MALFORMED:
            response = client.get(
                f"{reverse('api:visit-list')}?{urlencode({parameter: value})}", HTTP_AUTHORIZATION=f"Token {key}"
            )
            assert response.status_code in (200, 400, 404), (parameter, value, response.status_code)
