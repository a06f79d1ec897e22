from django.apps import apps
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView

from cooperation.lib.listing import ListPageView
from cooperation.lib.views import HistoryMixin, ViewPermissionMixin
from partners.filters import InstitutionFilter
from partners.models import Institution
from partners.tables import InstitutionTable


class InstitutionListView(ListPageView):
    model = Institution
    filterset_class = InstitutionFilter
    table_class = InstitutionTable
    title = _("Partners")
    create_url_name = "partners:institution-create"
    create_label = _("New partner")
    export_name = "partners"

    def get_queryset(self):
        # partners imports no app above it: the agreements it is party to come through the registry.
        agreement_model = apps.get_model("agreements", "Agreement")
        in_force = (
            agreement_model.objects.in_force()
            .filter(parties__institution=OuterRef("pk"))
            .order_by()
            .values("parties__institution")
            .annotate(total=Count("pk", distinct=True))
            .values("total")
        )
        return (
            Institution.objects.current()
            .select_related("parent")
            .annotate(agreements_in_force=Coalesce(Subquery(in_force, output_field=IntegerField()), 0))
            .order_by("name")
        )


class InstitutionDetailView(ViewPermissionMixin, HistoryMixin, DetailView):
    model = Institution

    def get_queryset(self):
        # String lookups: partners imports no app above it, yet shows what points to it.
        return Institution.objects.select_related("parent").prefetch_related(
            "names",
            "contacts",
            "tags",
            "children",
            "agreement_parties__agreement",
            "visits__host_unit",
            "programs",
        )
