"""Malformed request parameters, refused once for every address: a NUL byte or another control
character in the path or the query string, or a value longer than any field of ours, answers
400 with the portal's page before any view runs, so no page, search, feed or API call has to
guard against them itself (PostgreSQL refuses a NUL in a string outright)."""

import re

from django.core.exceptions import BadRequest
from django.utils.translation import gettext as _

# Tab, line feed and carriage return may come with pasted text; no other control character does.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# The longest text any filter or search needs, and then some; no longer one is a search.
MAX_PARAMETER_LENGTH = 2000


def malformed_parameter(request) -> str | None:
    """What is wrong with the request's address, or None."""
    if CONTROL_CHARACTERS.search(request.path):
        return _("The address contains a control character.")
    for name, values in request.GET.lists():
        for text in (name, *values):
            if CONTROL_CHARACTERS.search(text):
                return _("The parameter %(name)s contains a control character.") % {"name": _printable(name)}
            if len(text) > MAX_PARAMETER_LENGTH:
                return _("The parameter %(name)s is longer than %(max)s characters.") % {
                    "name": _printable(name),
                    "max": MAX_PARAMETER_LENGTH,
                }
    return None


def _printable(name: str) -> str:
    return CONTROL_CHARACTERS.sub("?", name)[:50]


class MalformedParametersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        problem = malformed_parameter(request)
        if problem:
            raise BadRequest(problem)
        return self.get_response(request)
