from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView

from cooperation.lib.listing import ListPageView
from cooperation.lib.views import HistoryMixin, ViewPermissionMixin
from mobility.filters import ProgramFilter
from mobility.models import Program
from mobility.tables import ProgramTable


class ProgramListView(ListPageView):
    model = Program
    filterset_class = ProgramFilter
    table_class = ProgramTable
    title = _("Mobility programs")
    create_url_name = "mobility:program-create"
    create_label = _("New program")
    export_name = "programs"

    def get_queryset(self):
        return (
            Program.objects.select_related("unit", "agreement")
            .prefetch_related("partners")
            .annotate(participant_count=Count("participants"))
            # Django drops Meta.ordering from aggregate queries; pages need a stable order.
            .order_by("-academic_year", "title", "pk")
        )


class ProgramDetailView(ViewPermissionMixin, HistoryMixin, DetailView):
    model = Program

    def get_queryset(self):
        return Program.objects.select_related("unit", "agreement", "coordinator").prefetch_related(
            "partners", "participants__partner_institution", "participants__unit"
        )
