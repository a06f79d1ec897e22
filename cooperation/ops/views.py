"""What a load balancer asks: do the database and Redis answer."""

import redis
from django.conf import settings
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache


def _database_state() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return "ok"
    except DatabaseError as error:
        return f"down: {error.__class__.__name__}"


def _redis_state() -> str:
    if not settings.REDIS_URL:
        return "not configured (filesystem broker)"
    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_timeout=1, socket_connect_timeout=1).ping()
        return "ok"
    except redis.RedisError as error:
        return f"down: {error.__class__.__name__}"


@never_cache
def healthz(request):
    """200 when the database and Redis answer, 503 when one of them does not (for load balancers)."""
    state = {"database": _database_state(), "redis": _redis_state()}
    healthy = all(value == "ok" or value.startswith("not configured") for value in state.values())
    return JsonResponse({"status": "ok" if healthy else "unavailable", **state}, status=200 if healthy else 503)
