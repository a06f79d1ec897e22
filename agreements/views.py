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
            "parties__institution",
            "parties__unit",
            "signatories__party__institution",
            "signatories__party__unit",
            "areas",
            "quotas",
            "documents",
        )

    def get_context_data(self, **kwargs):
        # Computed once here: the template would run its queries again on every use.
        return super().get_context_data(renewal_chain=self.object.renewal_chain(), **kwargs)
