"""Settings for `bench/pages.py` only: the portal's settings, plus a floor view (bench/urls.py)
and a response header with the number of SQL queries the request made. Never used in
production or by the tests."""

import os
import tempfile

from cooperation.settings import *  # noqa: F403
from cooperation.settings import MIDDLEWARE

ROOT_URLCONF = "bench.urls"
# First, so that it counts the queries of every other middleware too (session, user).
MIDDLEWARE = ["bench.middleware.QueryCountMiddleware", *MIDDLEWARE]
# Where bench/middleware.py writes a streamed response's figures (bench/pages.py sets its own).
BENCH_FIGURES_DIR = os.environ.get("BENCH_FIGURES_DIR") or tempfile.gettempdir()
