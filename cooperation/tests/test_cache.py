"""The cache is Redis, and the portal survives losing it: a read misses, a write is dropped, the
page is served (cooperation/lib/cache.py)."""

import os
import socket

import pytest
import redis
from django.core.cache import caches
from django.test import override_settings

from conftest import service_missing

REDIS_URL = os.environ.get("CACHE_TEST_REDIS_URL", "redis://127.0.0.1:6379/8")

# One test process at a time clears this Redis database (`--dist loadgroup`, pytest.ini).
pytestmark = pytest.mark.xdist_group("cache-redis")


def unused_port() -> int:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        return listener.getsockname()[1]


def cache_settings(location: str) -> dict:
    return {"default": {"BACKEND": "cooperation.lib.cache.FailSoftRedisCache", "LOCATION": location}}


def require_live_redis() -> None:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        service_missing(f"Redis at {REDIS_URL}")


@pytest.fixture
def live_redis():
    require_live_redis()
    with override_settings(CACHES=cache_settings(REDIS_URL)):
        caches["default"].clear()
        yield caches["default"]
        caches["default"].clear()


DEAD_REDIS_URL = f"redis://127.0.0.1:{unused_port()}/0"  # nothing listens there


@pytest.fixture
def dead_redis():
    with override_settings(CACHES=cache_settings(DEAD_REDIS_URL)):
        yield caches["default"]


@pytest.mark.integration
def test_it_caches_in_a_real_redis(live_redis):
    live_redis.set("figure", {"agreements": 12}, 60)
    assert live_redis.get("figure") == {"agreements": 12}
    assert live_redis.add("figure-count", 0) is True
    assert live_redis.incr("figure-count") == 1
    assert live_redis.get_many(["figure", "missing"]) == {"figure": {"agreements": 12}}


def test_with_redis_down_reads_miss_and_writes_are_dropped(dead_redis):
    dead_redis.set("figure", 1, 60)
    assert dead_redis.get("figure") is None
    assert dead_redis.get("figure", "default") == "default"
    assert dead_redis.get_many(["figure"]) == {}
    assert dead_redis.add("figure", 1) is False
    assert dead_redis.delete("figure") is False
    assert dead_redis.get_or_set("figure", 42) == 42


def test_with_redis_down_the_pages_are_served_and_healthz_says_so(dead_redis, client, office_user, settings):
    settings.REDIS_URL = DEAD_REDIS_URL
    client.force_login(office_user)
    for url in ("/", "/partners/", "/agreements/", "/dashboard/"):
        assert client.get(url).status_code == 200, url
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["redis"].startswith("down")
