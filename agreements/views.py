from django.views.generic import DetailView, ListView

from agreements.models import Agreement
from cooperation.lib.views import ViewPermissionMixin


class AgreementListView(ViewPermissionMixin, ListView):
    model = Agreement
    paginate_by = 50

    def get_queryset(self):
        return Agreement.objects.select_related("responsible_unit").prefetch_related(
            "parties__institution", "parties__unit"
        )


class AgreementDetailView(ViewPermissionMixin, DetailView):
    model = Agreement

    def get_queryset(self):
        return Agreement.objects.select_related("responsible_unit", "responsible_person", "renews").prefetch_related(
            "parties__institution", "parties__unit", "signatories__party", "areas", "quotas"
        )
