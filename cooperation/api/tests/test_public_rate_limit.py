"""The public partner list's rate limit is counted in a real Redis, and when that Redis cannot
be reached the endpoint fails closed (503) while the rest of the portal is served."""

import pytest
from django.core.cache import caches
from django.test import override_settings
from openapi_core import OpenAPI

from cooperation.api.tests.test_api import authorization, checked
from cooperation.api.views import PublicRateThrottle
from cooperation.tests.test_cache import DEAD_REDIS_URL, require_live_redis
from cooperation.tests.test_cache import REDIS_URL as LIVE_REDIS_URL

PUBLIC = "/api/public/partners/"


def redis_caches(location: str) -> dict:
    """The settings' two caches, both on the Redis at `location`."""
    return {
        "default": {"BACKEND": "cooperation.lib.cache.FailSoftRedisCache", "LOCATION": location},
        "throttle": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": location,
            "KEY_PREFIX": "cooperation-throttle",
            "OPTIONS": {"socket_timeout": 0.5, "socket_connect_timeout": 0.5},
        },
    }


@pytest.fixture
def schema(client, db):
    return OpenAPI.from_dict(client.get("/api/schema/", {"format": "json"}).json())


@pytest.fixture
def three_a_minute(monkeypatch):
    monkeypatch.setattr(PublicRateThrottle, "THROTTLE_RATES", {"public": "3/minute"})


@pytest.mark.integration
def test_the_limit_is_counted_in_redis(client, db, three_a_minute):
    require_live_redis()
    with override_settings(CACHES=redis_caches(LIVE_REDIS_URL)):
        caches["throttle"].clear()
        try:
            assert [client.get(PUBLIC).status_code for _ in range(4)] == [200, 200, 200, 429]
        finally:
            caches["throttle"].clear()


def test_with_redis_unreachable_the_public_list_fails_closed_and_the_rest_is_served(
    client, db, rector, schema, three_a_minute
):
    with override_settings(CACHES=redis_caches(DEAD_REDIS_URL)):
        codes = [client.get(PUBLIC).status_code for _ in range(10)]
        assert codes == [503] * 10
        response = checked(schema, client.get(PUBLIC))
        assert response.status_code == 503
        assert response["Retry-After"] == "60"
        assert response.json() == {"detail": "The request counter is unavailable; try again in a minute."}
        # Only that endpoint: the pages and the token API go on without their cache.
        assert client.get("/api/visits/", **authorization(rector)).status_code == 200
        client.force_login(rector)
        assert client.get("/partners/").status_code == 200
