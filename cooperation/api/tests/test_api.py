"""The REST API: who may read it, that every response matches the published OpenAPI schema, the
staff lists' filters, pinned query counts, and the public list of partners that shows nothing
private."""

import datetime
import itertools
import random
import re
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.core.management import call_command
from openapi_core import OpenAPI
from openapi_core.contrib.django import DjangoOpenAPIRequest, DjangoOpenAPIResponse

from agreements.models import Agreement
from cooperation.api.models import ApiToken
from cooperation.api.tokens import token_issue
from cooperation.api.views import PublicRateThrottle
from cooperation.tests.factories import (
    AgreementFactory,
    AgreementPartyFactory,
    ContactFactory,
    InstitutionFactory,
    InstitutionNameFactory,
    ProgramFactory,
    VisitFactory,
)

NOW = datetime.datetime(2025, 10, 1, 9, 0, tzinfo=ZoneInfo("Asia/Almaty"))
IDENTIFIERS = itertools.count(1)
LISTS = ["/api/institutions/", "/api/agreements/", "/api/visits/", "/api/programs/"]


@pytest.fixture(autouse=True)
def client_address(client):
    """The public endpoint counts requests per client address in the cache, which may be a Redis
    shared by parallel test workers: each test calls from an address of its own, and drops its
    count afterwards (only that key: the Redis may hold the broker's queues too)."""
    address = f"198.18.{random.randrange(256)}.{random.randrange(1, 255)}"
    client.defaults["REMOTE_ADDR"] = address
    yield address
    cache.delete(PublicRateThrottle.cache_format % {"scope": PublicRateThrottle.scope, "ident": address})


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(NOW, tick=False)


def make_partner(name, *, published=True, kinds=(Agreement.Kind.MOU,), **fields):
    number = next(IDENTIFIERS)
    partner = InstitutionFactory(
        name=name,
        is_public=published,
        notes="Private: the rector's remarks",
        erasmus_code=f"TR SECRET{number:02}",
        pic=f"99{number:07}",
        **fields,
    )
    ContactFactory(institution=partner, full_name=f"Dean of {name}", email="dean@partner.example")
    InstitutionNameFactory(institution=partner, name=f"{name} (ru)", language="ru")
    for kind in kinds:
        AgreementPartyFactory(institution=partner, agreement=AgreementFactory(kind=kind))
    return partner


@pytest.fixture
def data(clock, faculty):
    hacettepe = make_partner(
        "Hacettepe University",
        kinds=[Agreement.Kind.MOU, Agreement.Kind.EXCHANGE],
        country="TR",
        city="Ankara",
        latitude=Decimal("39.866700"),
        longitude=Decimal("32.734400"),
    )
    InstitutionNameFactory(institution=hacettepe, name="Университет Хаджеттепе", language="ru")
    # An expired agreement is not "in force": its kind must not be published.
    AgreementPartyFactory(
        institution=hacettepe,
        agreement=AgreementFactory(kind=Agreement.Kind.DOUBLE_DEGREE, expires_on=datetime.date(2025, 1, 1)),
    )
    make_partner("Urumqi Vocational University", country="CN", city="Urumqi")
    make_partner("Secret Partner Institute", published=False, country="KZ", city="Astana")
    visit = VisitFactory(title="Hacettepe delegation", host_unit=faculty, starts_on=datetime.date(2025, 10, 20))
    visit.partners.add(hacettepe)
    program = ProgramFactory(title="Hacettepe exchange", unit=faculty, application_deadline=datetime.date(2025, 11, 1))
    program.partners.add(hacettepe)
    return {"hacettepe": hacettepe, "visit": visit, "program": program}


def authorization(user) -> dict:
    _token, secret = token_issue(model=ApiToken, user=user)
    return {"HTTP_AUTHORIZATION": f"Token {secret}"}


@pytest.fixture
def openapi(client, db):
    """The schema as published at /api/schema/, read by openapi-core."""
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return OpenAPI.from_dict(response.json())


def checked(openapi, response):
    """The response, after openapi-core validated it (status, headers and body) against the schema."""
    openapi.validate_response(DjangoOpenAPIRequest(response.wsgi_request), DjangoOpenAPIResponse(response))
    return response


class TestWhoMayRead:
    @pytest.mark.parametrize("role", ["office_user", "coordinator", "rector"])
    def test_the_three_roles_read_everything_with_a_token(self, client, data, role, request):
        headers = authorization(request.getfixturevalue(role))
        for url in LISTS:
            response = client.get(url, **headers)
            assert response.status_code == 200, url
            assert response.json()["count"] >= 1, url

    def test_a_user_with_no_role_is_refused(self, client, data, outsider):
        headers = authorization(outsider)
        assert {client.get(url, **headers).status_code for url in LISTS} == {403}

    def test_anonymous_callers_get_401(self, client, data):
        response = client.get("/api/agreements/")
        assert response.status_code == 401
        assert response["WWW-Authenticate"] == "Token"

    def test_a_revoked_or_unknown_token_gets_401(self, client, data, coordinator):
        headers = authorization(coordinator)
        authorization(coordinator)  # a new token revokes the first
        response = client.get("/api/visits/", **headers)
        assert response.status_code == 401
        assert "revoked" in response.json()["detail"]
        assert client.get("/api/visits/", HTTP_AUTHORIZATION="Token nonsense").status_code == 401

    def test_the_api_is_read_only(self, client, data, office_user):
        headers = authorization(office_user)
        assert client.post("/api/agreements/", {"title": "New"}, **headers).status_code in {403, 405}
        agreement = Agreement.objects.first()
        assert client.delete(f"/api/agreements/{agreement.pk}/", **headers).status_code in {403, 405}
        assert Agreement.objects.filter(pk=agreement.pk).exists()


class TestTheSchema:
    def test_spectacular_validates_it_with_no_warning(self, tmp_path):
        # Raises (and the command exits non-zero) on any warning or an invalid schema.
        call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
        assert "/api/public/partners/" in (tmp_path / "schema.yaml").read_text()

    def test_every_response_matches_the_schema(self, client, data, rector, openapi):
        headers = authorization(rector)
        urls = [
            *LISTS,
            "/api/institutions/?country=TR&agreements=in_force",
            "/api/agreements/?state=in_force&kind=mou",
            "/api/visits/?period=upcoming",
            "/api/programs/?open_for_applications=true",
            "/api/institutions/?page_size=1&page=2",
            f"/api/institutions/{data['hacettepe'].pk}/",
            f"/api/agreements/{Agreement.objects.first().pk}/",
            f"/api/visits/{data['visit'].pk}/",
            f"/api/programs/{data['program'].pk}/",
        ]
        for url in urls:
            assert checked(openapi, client.get(url, **headers)).status_code == 200, url
        assert checked(openapi, client.get("/api/public/partners/")).status_code == 200

    def test_every_refusal_matches_the_schema_too(self, client, data, outsider, rector, openapi, monkeypatch):
        assert checked(openapi, client.get("/api/visits/")).status_code == 401
        assert checked(openapi, client.get("/api/visits/", **authorization(outsider))).status_code == 403
        headers = authorization(rector)
        assert checked(openapi, client.get("/api/visits/999999/", **headers)).status_code == 404
        assert checked(openapi, client.get("/api/visits/?page=99", **headers)).status_code == 404
        response = checked(openapi, client.get("/api/agreements/?kind=treaty&state=lost", **headers))
        assert response.status_code == 400
        assert set(response.json()) == {"kind", "state"}  # each bad filter named, with its reason
        monkeypatch.setattr(PublicRateThrottle, "THROTTLE_RATES", {"public": "1/minute"})
        client.get("/api/public/partners/")
        assert checked(openapi, client.get("/api/public/partners/")).status_code == 429

    def test_the_documentation_page_loads_nothing_from_outside(self, client):
        page = client.get("/api/docs/").content.decode()
        assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in page
        assert re.findall(r"https?://", page) == []  # no CDN, no fonts, no validator badge
        # Its start-up script comes from its own address (the Content-Security-Policy allows no
        # inline script).
        script = client.get("/api/docs/?script=").content.decode()
        assert re.findall(r"https?://", script) == []
        assert '"validatorUrl": null' in script


class TestFilters:
    def test_the_staff_lists_filters_apply(self, client, data, office_user):
        headers = authorization(office_user)
        names = [row["name"] for row in client.get("/api/institutions/?country=CN", **headers).json()["results"]]
        assert names == ["Urumqi Vocational University"]
        kinds = {row["kind"] for row in client.get("/api/agreements/?kind=exchange", **headers).json()["results"]}
        assert kinds == {"exchange"}
        found = client.get("/api/institutions/?q=хаджеттепе", **headers).json()["results"]
        assert [row["name"] for row in found] == ["Hacettepe University"]

    def test_a_bad_filter_value_says_which_and_why(self, client, data, office_user):
        response = client.get("/api/agreements/?kind=treaty", **authorization(office_user))
        assert response.status_code == 400
        assert "kind" in response.json()

    def test_it_pages(self, client, data, office_user):
        body = client.get("/api/institutions/?page_size=2", **authorization(office_user)).json()
        assert body["count"] == 3
        assert len(body["results"]) == 2
        assert body["next"].endswith("page=2&page_size=2")


class TestQueryCounts:
    """Each list costs the same queries for 3 rows as for 13: no query per row."""

    # Token lookup, its user's groups, the page's count and rows, then one query per prefetch.
    COUNTS = {"/api/institutions/": 6, "/api/agreements/": 6, "/api/visits/": 5, "/api/programs/": 5}

    @pytest.mark.parametrize("url", LISTS)
    def test_a_list_costs_the_same_whatever_its_length(
        self, client, data, faculty, office_user, url, django_assert_num_queries
    ):
        headers = authorization(office_user)
        client.get(url, **headers)  # the first request notes the token's use
        with django_assert_num_queries(self.COUNTS[url]):
            client.get(url, **headers)
        for number in range(10):
            partner = make_partner(f"Partner {number}")
            VisitFactory(host_unit=faculty).partners.add(partner)
            ProgramFactory(unit=faculty).partners.add(partner)
        with django_assert_num_queries(self.COUNTS[url]):
            assert client.get(url, **headers).json()["count"] >= 11

    def test_the_public_list_costs_three_queries(self, client, data, django_assert_num_queries):
        # The count, the page of partners, their parties in agreements in force.
        with django_assert_num_queries(3):
            client.get("/api/public/partners/")
        for number in range(10):
            make_partner(f"Partner {number}")
        with django_assert_num_queries(3):
            assert client.get("/api/public/partners/").json()["count"] == 12


class TestThePublicPartners:
    def test_it_needs_no_login_and_shows_published_partners_only(self, client, data):
        response = client.get("/api/public/partners/")
        assert response.status_code == 200
        names = [row["name"] for row in response.json()["results"]]
        assert names == ["Hacettepe University", "Urumqi Vocational University"]

    def test_it_shows_nothing_private(self, client, data):
        rows = client.get("/api/public/partners/").json()["results"]
        assert all(set(row) == {"name", "country", "city", "agreement_kinds", "latitude", "longitude"} for row in rows)
        assert rows[0] == {
            "name": "Hacettepe University",
            "country": "TR",
            "city": "Ankara",
            "agreement_kinds": ["exchange", "mou"],  # in force only: not the expired double degree
            "latitude": 39.8667,
            "longitude": 32.7344,
        }
        assert rows[1]["latitude"] is None and rows[1]["longitude"] is None
        text = client.get("/api/public/partners/").content.decode()
        for private in ("Private", "dean@", "Dean of", "TR SECRET", "990000", "Secret Partner", "(ru)"):
            assert private not in text

    def test_a_merged_partner_is_not_shown_twice(self, client, data):
        duplicate = make_partner("Hacettepe Universitesi")
        duplicate.merged_into = data["hacettepe"]
        duplicate.save()
        names = [row["name"] for row in client.get("/api/public/partners/").json()["results"]]
        assert "Hacettepe Universitesi" not in names

    def test_it_ignores_a_session_and_tokens(self, client, data, outsider):
        # Anyone gets the same public answer, whatever they send.
        client.force_login(outsider)
        assert client.get("/api/public/partners/", HTTP_AUTHORIZATION="Token nonsense").status_code == 200

    def test_the_partner_form_sets_publication_and_coordinates(self, client, office_user):
        client.force_login(office_user)
        form = client.get("/partners/new/").content.decode()
        assert all(f'name="{field}"' in form for field in ("is_public", "latitude", "longitude"))

    def test_it_is_rate_limited_per_address(self, client, data, monkeypatch):
        monkeypatch.setattr(PublicRateThrottle, "THROTTLE_RATES", {"public": "3/minute"})
        codes = [client.get("/api/public/partners/").status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        assert int(client.get("/api/public/partners/")["Retry-After"]) > 0
        # A forged X-Forwarded-For does not make a new address (NUM_PROXIES: no proxy here).
        assert client.get("/api/public/partners/", HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 429
