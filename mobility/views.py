from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView

from cooperation.lib.listing import ListPageView
from cooperation.lib.views import HistoryMixin, ViewPermissionMixin
from mobility.filters import ProgramFilter
from mobility.models import Participant, Program
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
        participants = (
            Participant.objects.filter(program=OuterRef("pk"))
            .order_by()
            .values("program")
            .annotate(total=Count("pk"))
            .values("total")
        )
        return (
            Program.objects.select_related("unit", "agreement")
            .prefetch_related("partners")
            # A count per row of the page, not a GROUP BY over every participant of every program.
            .annotate(participant_count=Coalesce(Subquery(participants, output_field=IntegerField()), 0))
            # Pages need a stable order (program_year_title_id, see mobility/models.py).
            .order_by("-academic_year", "title", "pk")
        )


class ProgramDetailView(ViewPermissionMixin, HistoryMixin, DetailView):
    model = Program

    def get_queryset(self):
        return Program.objects.select_related("unit", "agreement", "coordinator").prefetch_related(
            "partners", "participants__partner_institution", "participants__unit"
        )
