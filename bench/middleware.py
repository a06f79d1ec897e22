"""Bench settings only: X-Bench-Queries on every response, the number of SQL queries the request
made; and a request header X-Bench-No-Cache that runs the request with a dummy default cache, to
time a page as its first visitor after the cache expired would see it."""

from django.core.cache import caches
from django.core.cache.backends.dummy import DummyCache
from django.db import connections

HEADER = "X-Bench-Queries"
NO_CACHE = "HTTP_X_BENCH_NO_CACHE"


class QueryCountMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        count = 0

        def counter(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        uncached = request.META.get(NO_CACHE) == "1"
        if uncached:
            # caches holds a connection per thread: this request's thread alone sees the dummy.
            cached = caches["default"]
            caches["default"] = DummyCache("", {})
        try:
            with connections["default"].execute_wrapper(counter):
                # A streamed body is read after this returns; the Excel export builds its
                # workbook before the response starts, so its queries are counted.
                response = self.get_response(request)
        finally:
            if uncached:
                caches["default"] = cached
        response[HEADER] = str(count)
        return response
