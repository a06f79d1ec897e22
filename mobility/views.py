from django.db.models import Count
from django.views.generic import DetailView, ListView

from cooperation.lib.views import ViewPermissionMixin
from mobility.models import Program


class ProgramListView(ViewPermissionMixin, ListView):
    model = Program
    paginate_by = 50

    def get_queryset(self):
        return (
            Program.objects.select_related("unit", "agreement")
            .prefetch_related("partners")
            .annotate(participant_count=Count("participants"))
            # Django drops Meta.ordering from aggregate queries; pages need a stable order.
            .order_by("-academic_year", "title", "pk")
        )


class ProgramDetailView(ViewPermissionMixin, DetailView):
    model = Program

    def get_queryset(self):
        return Program.objects.select_related("unit", "agreement", "coordinator").prefetch_related(
            "partners", "participants__partner_institution", "participants__unit"
        )
