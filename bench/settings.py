"""Settings for `bench/pages.py` only: the portal's settings, plus a floor view (bench/urls.py)
and a response header with the number of SQL queries the request made. Never used in
production or by the tests."""

from cooperation.settings import *  # noqa: F403
from cooperation.settings import MIDDLEWARE

ROOT_URLCONF = "bench.urls"
# First, so that it counts the queries of every other middleware too (session, user).
MIDDLEWARE = ["bench.middleware.QueryCountMiddleware", *MIDDLEWARE]
