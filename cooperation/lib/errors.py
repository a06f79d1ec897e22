"""The server-error page, and a clear 503 when the database is away (restarted, failed over).

Django calls the 500 handler from inside its `except` block, so the exception is still at hand:
a lost database connection is said as such, with a status that tells proxies and monitors it is
temporary; Django's persistent connections are checked before reuse (CONN_HEALTH_CHECKS), so the
next request reconnects by itself.
"""

import sys

from django import db
from django.http import HttpResponseBadRequest, HttpResponseServerError
from django.shortcuts import render
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


@requires_csrf_token
def bad_request(request, exception):
    """A malformed request (cooperation/lib/parameters.py): the page says what was wrong with it."""
    reason = str(exception) if exception.args else ""
    return HttpResponseBadRequest(loader.get_template("400.html").render({"reason": reason}))


class MethodNotAllowedPageMiddleware:
    """Django's views answer a method they do not take (a GET on an action that only a button
    POSTs) with an empty 405: the portal's page says what happened instead. Answers that have a
    body of their own (the API's) keep it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 405 or response.streaming or response.content:
            return response
        page = render(request, "405.html", status=405)
        if response.has_header("Allow"):
            page["Allow"] = response["Allow"]
        return page
