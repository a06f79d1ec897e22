from django.views.generic import DetailView, ListView

from cooperation.lib.views import ViewPermissionMixin
from partners.models import Institution


class InstitutionListView(ViewPermissionMixin, ListView):
    model = Institution
    paginate_by = 50

    def get_queryset(self):
        institutions = Institution.objects.current().select_related("parent")
        query = self.request.GET.get("q", "").strip()
        return institutions.search(query) if query else institutions


class InstitutionDetailView(ViewPermissionMixin, DetailView):
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
