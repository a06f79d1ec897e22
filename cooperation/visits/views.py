import datetime

import redis
from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models import Prefetch
from django.http import JsonResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.generic import DetailView, TemplateView

from agreements.models import Agreement
from cooperation.filters import VisitFilter
from cooperation.lib.listing import ListPageView
from cooperation.lib.views import HistoryMixin, ViewPermissionMixin
from cooperation.models import FollowUpAction, Outcome, Visit
from cooperation.tables import VisitTable


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


class HomeView(ViewPermissionMixin, TemplateView):
    """What needs attention today: what the office opens first thing in the morning."""

    template_name = "cooperation/home.html"
    # Someone who may not see these records has nothing to attend to here.
    permission_required = ("agreements.view_agreement", "cooperation.view_visit", "cooperation.view_followupaction")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["expiring_agreements"] = (
            Agreement.objects.expiring(within=datetime.timedelta(days=90))
            .select_related("responsible_unit")
            .prefetch_related("parties__institution", "parties__unit")
            .order_by("expires_on")[:10]
        )
        context["upcoming_visits"] = (
            Visit.objects.upcoming(within=datetime.timedelta(days=14))
            .select_related("host_unit")
            .prefetch_related("partners")
            .order_by("starts_on")[:10]
        )
        context["overdue_actions"] = (
            FollowUpAction.objects.overdue().select_related("visit", "owner").order_by("due_on")[:10]
        )
        return context


class VisitListView(ListPageView):
    model = Visit
    filterset_class = VisitFilter
    table_class = VisitTable
    title = _("Visits and events")
    create_url_name = "cooperation:visit-create"
    create_label = _("New visit or event")
    export_name = "visits"

    def get_queryset(self):
        return (
            Visit.objects.select_related("host_unit")
            .prefetch_related(Prefetch("partners", to_attr="listed_partners"))  # see table_rows.listed()
            .order_by("-starts_on", "-pk")
        )


class VisitDetailView(ViewPermissionMixin, HistoryMixin, DetailView):
    model = Visit

    def get_queryset(self):
        return Visit.objects.select_related("host_unit", "responsible_person").prefetch_related(
            "partners",
            "areas",
            "agreements_signed",
            # Each outcome with the partner it concerns, in the same query.
            Prefetch("outcomes", queryset=Outcome.objects.select_related("institution")),
            "gifts",
            "actions__owner",
            "participants__contact__institution",
            "participants__user",
        )
