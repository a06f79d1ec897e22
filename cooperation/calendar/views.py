"""The calendar feed (by secret token), one visit as .ics, and the page where a user makes and
revokes the secret tokens of the feed and of the API."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, TemplateView

from cooperation.api.models import ApiToken
from cooperation.api.tokens import token_issue, token_revoke, token_touch
from cooperation.calendar.feed import feed_for, visit_calendar
from cooperation.calendar.models import CalendarFeedToken
from cooperation.lib.permissions import holds_a_role
from cooperation.lib.views import ViewPermissionMixin
from cooperation.visits.models import Visit

ICS_CONTENT_TYPE = "text/calendar; charset=utf-8"


def _base_url(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def ics_response(calendar, filename: str, *, attachment: bool) -> HttpResponse:
    response = HttpResponse(calendar.to_ical(), content_type=ICS_CONTENT_TYPE)
    disposition = "attachment" if attachment else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    # The feed is someone's own calendar: no shared cache may keep it.
    response["Cache-Control"] = "private, no-cache"
    return response


class CalendarFeedView(View):
    """GET /calendar/feed/<secret>.ics: no session (a calendar application cannot log in); the
    secret is the key. An unknown secret is 404; a revoked one, or one whose user no longer holds
    a role or is deactivated, 403, so the application's owner can tell "revoked" from "mistyped"."""

    def get(self, request, secret):
        token = CalendarFeedToken.objects.find(secret)
        if token is None:
            raise Http404(_("There is no calendar feed at this address."))
        if token.is_revoked or not holds_a_role(token.user):
            raise PermissionDenied(_("This calendar feed was revoked. Make a new one on your calendar page."))
        token_touch(token=token)
        return ics_response(feed_for(token.user, base_url=_base_url(request)), "cooperation.ics", attachment=False)


class VisitIcsView(ViewPermissionMixin, DetailView):
    """One visit as an .ics file, for whoever may see the visit's page."""

    model = Visit

    def get(self, request, *args, **kwargs):
        visit = get_object_or_404(Visit.objects.prefetch_related("partners"), pk=kwargs["pk"])
        return ics_response(
            visit_calendar(visit, base_url=_base_url(request)), f"visit-{visit.pk}.ics", attachment=True
        )


class CalendarPageView(ViewPermissionMixin, TemplateView):
    """The user's own feed address and API token: make one (which revokes the previous one) or
    revoke it. A secret is shown once, in the answer to the POST that made it, and never stored,
    so it is not put in the session or a message either."""

    template_name = "cooperation/calendar.html"
    # Anyone in a role reads visits: the feed and the API are for them, not for users with no role.
    permission_required = "cooperation.view_visit"
    ACTIONS = {
        "feed-new": (CalendarFeedToken, "new"),
        "feed-revoke": (CalendarFeedToken, "revoke"),
        "api-new": (ApiToken, "new"),
        "api-revoke": (ApiToken, "revoke"),
    }

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            feed_token=CalendarFeedToken.objects.active().filter(user=user).first(),
            api_token=ApiToken.objects.active().filter(user=user).first(),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        action = self.ACTIONS.get(request.POST.get("action", ""))
        if action is None:
            messages.error(request, _("Unknown action: choose one of the buttons on this page."))
            return self.render_to_response(self.get_context_data(), status=400)
        model, verb = action
        if verb == "revoke":
            if token_revoke(model=model, user=request.user):
                messages.success(request, _("Revoked: the old address or token no longer works."))
            return self.render_to_response(self.get_context_data())
        token, secret = token_issue(model=model, user=request.user)
        context = {}
        if model is CalendarFeedToken:
            context["new_feed_url"] = request.build_absolute_uri(reverse("calendar-feed", args=[secret]))
        else:
            context["new_api_token"] = secret
        return self.render_to_response(self.get_context_data(**context))
