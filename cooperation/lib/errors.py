"""The server-error page, and a clear 503 when the database is away (restarted, failed over).

Django calls the 500 handler from inside its `except` block, so the exception is still at hand:
a lost database connection is said as such, with a status that tells proxies and monitors it is
temporary; Django's persistent connections are checked before reuse (CONN_HEALTH_CHECKS), so the
next request reconnects by itself.
"""

import sys

from django import db
from django.http import HttpResponseServerError
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

DATABASE_AWAY = (db.OperationalError, db.InterfaceError)


@requires_csrf_token
def server_error(request):
    error = sys.exc_info()[1]
    if isinstance(error, DATABASE_AWAY):
        response = HttpResponseServerError(loader.get_template("503.html").render())
        response.status_code = 503
        response["Retry-After"] = "30"
        return response
    return HttpResponseServerError(loader.get_template("500.html").render())
