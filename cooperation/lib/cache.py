"""A Redis cache that the portal can lose without failing.

The cache only ever holds what can be computed again (dashboard figures, API throttling counts),
so with Redis down a page is slower, not broken: a read misses, a write is dropped, and one
warning is logged per failing call. Everything that must survive (records, reminders) lives in
PostgreSQL, and /healthz tells the load balancer that Redis is gone.
"""

import logging

import redis
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)

# How long to wait for a Redis that does not answer: a page must not hang on its cache.
SOCKET_TIMEOUT_SECONDS = 0.5


def _fail_soft(method_name: str, fallback):
    def method(self, *args, **kwargs):
        try:
            return getattr(super(FailSoftRedisCache, self), method_name)(*args, **kwargs)
        except redis.RedisError as error:
            logger.warning("cache %s failed, going on without the cache: %s", method_name, error)
            return fallback(*args, **kwargs) if callable(fallback) else fallback

    method.__name__ = method_name
    return method


def _default_of_get(key, default=None, version=None):
    return default


def _empty_dict(*args, **kwargs):
    return {}


class FailSoftRedisCache(RedisCache):
    def __init__(self, server, params):
        options = params.setdefault("OPTIONS", {})
        options.setdefault("socket_timeout", SOCKET_TIMEOUT_SECONDS)
        options.setdefault("socket_connect_timeout", SOCKET_TIMEOUT_SECONDS)
        super().__init__(server, params)

    get = _fail_soft("get", _default_of_get)
    get_many = _fail_soft("get_many", _empty_dict)
    set = _fail_soft("set", None)
    set_many = _fail_soft("set_many", lambda data, *args, **kwargs: list(data))
    add = _fail_soft("add", False)
    delete = _fail_soft("delete", False)
    delete_many = _fail_soft("delete_many", None)
    touch = _fail_soft("touch", False)
    has_key = _fail_soft("has_key", False)
    incr = _fail_soft("incr", lambda key, delta=1, version=None: delta)
    clear = _fail_soft("clear", False)
