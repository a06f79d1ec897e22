"""Bench settings only. Every response says what its request cost the server: X-Bench-Queries
(SQL queries), X-Bench-SQL-ms (time spent waiting for them: PostgreSQL's work and the round
trips) and X-Bench-CPU-ms (the worker process's own CPU time, which gunicorn's sync workers
spend on one request at a time). A request header X-Bench-No-Cache runs the request with a dummy
default cache, to time a page as its first visitor after the cache expired would see it."""

import time

from django.core.cache import caches
from django.core.cache.backends.dummy import DummyCache
from django.db import connections

HEADER = "X-Bench-Queries"
SQL_HEADER = "X-Bench-SQL-ms"
CPU_HEADER = "X-Bench-CPU-ms"
NO_CACHE = "HTTP_X_BENCH_NO_CACHE"


class QueryCountMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        count = 0
        sql_seconds = 0.0

        def counter(execute, sql, params, many, context):
            nonlocal count, sql_seconds
            count += 1
            started = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                sql_seconds += time.perf_counter() - started

        uncached = request.META.get(NO_CACHE) == "1"
        if uncached:
            # caches holds a connection per thread: this request's thread alone sees the dummy.
            cached = caches["default"]
            caches["default"] = DummyCache("", {})
        cpu_started = time.process_time()
        try:
            with connections["default"].execute_wrapper(counter):
                # A streamed body is read after this returns; the Excel export builds its
                # workbook before the response starts, so its queries are counted.
                response = self.get_response(request)
        finally:
            if uncached:
                caches["default"] = cached
        response[HEADER] = str(count)
        response[SQL_HEADER] = f"{sql_seconds * 1000:.2f}"
        response[CPU_HEADER] = f"{(time.process_time() - cpu_started) * 1000:.2f}"
        return response
