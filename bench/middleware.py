"""Bench settings only. Every response says what its request cost the server: X-Bench-Queries
(SQL queries), X-Bench-SQL-ms (time spent waiting for them: PostgreSQL's work and the round
trips) and X-Bench-CPU-ms (the worker process's own CPU time, which gunicorn's sync workers
spend on one request at a time). A request header X-Bench-No-Cache runs the request with a dummy
default cache, to time a page as its first visitor after the cache expired would see it.

A streamed response (the CSV export) does most of its work after the view returns, while the
server sends its body, and its headers are gone by then: its figures are taken when the stream
ends and written as JSON ({"queries", "sql_ms", "cpu_ms"}) to a file of BENCH_FIGURES_DIR named
by its X-Bench-Figures header, which the benchmark reads once it has read the body."""

import json
import os
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.dummy import DummyCache
from django.db import connections

HEADER = "X-Bench-Queries"
SQL_HEADER = "X-Bench-SQL-ms"
CPU_HEADER = "X-Bench-CPU-ms"
FIGURES_HEADER = "X-Bench-Figures"
NO_CACHE = "HTTP_X_BENCH_NO_CACHE"


def figures_path(name: str) -> Path:
    return Path(settings.BENCH_FIGURES_DIR) / f"{name}.json"


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
        cached = caches["default"]
        if uncached:
            # caches holds a connection per thread: this request's thread alone sees the dummy.
            caches["default"] = DummyCache("", {})

        def restore_cache():
            if uncached:
                caches["default"] = cached

        cpu_started = time.process_time()
        try:
            with connections["default"].execute_wrapper(counter):
                response = self.get_response(request)
        except BaseException:
            restore_cache()
            raise
        if not response.streaming:
            restore_cache()
            response[HEADER] = str(count)
            response[SQL_HEADER] = f"{sql_seconds * 1000:.2f}"
            response[CPU_HEADER] = f"{(time.process_time() - cpu_started) * 1000:.2f}"
            return response

        name = uuid.uuid4().hex
        content = response.streaming_content

        def streamed():
            # A sync worker serves one request at a time: what runs while the body is iterated is
            # this request's, the server's writes of its chunks included.
            try:
                with connections["default"].execute_wrapper(counter):
                    yield from content
            finally:
                restore_cache()
            figures = {
                "queries": count,
                "sql_ms": round(sql_seconds * 1000, 2),
                "cpu_ms": round((time.process_time() - cpu_started) * 1000, 2),
            }
            # Written before the server ends the body, so a client that has read it finds the file.
            temporary = figures_path(f"{name}.partial")
            temporary.write_text(json.dumps(figures))
            os.replace(temporary, figures_path(name))

        response.streaming_content = streamed()
        response[FIGURES_HEADER] = name
        return response
