"""The list of visits and events, and a visit's page (entering and editing one: editing.py)."""

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView

from cooperation.lib.listing import ListPageView
from cooperation.lib.views import HistoryMixin, ViewPermissionMixin
from cooperation.visits.filters import VisitFilter
from cooperation.visits.models import Outcome, Visit
from cooperation.visits.tables import VisitTable


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
            .prefetch_related(
                Prefetch("partners", to_attr="prefetched_partners")
            )  # see cooperation.lib.tables.prefetched()
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
