from django.db.models import Exists, F, OuterRef, Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView

from agreements.filters import AgreementFilter
from agreements.models import Agreement, AgreementDocument, AgreementParty
from agreements.selectors import agreement_quota_use, agreement_related_visits
from agreements.tables import AgreementTable
from cooperation.lib.listing import ListPageView
from cooperation.lib.views import HistoryMixin, ViewPermissionMixin


class AgreementListView(ListPageView):
    model = Agreement
    filterset_class = AgreementFilter
    table_class = AgreementTable
    title = _("Agreements")
    create_url_name = "agreements:agreement-create"
    create_label = _("New agreement")
    export_name = "agreements"

    def get_queryset(self):
        agreements = (
            Agreement.objects.prefetch_related(
                # A plain list, not a queryset per row (cooperation/lib/tables.py prefetched()). The
                # list names the partners alone: our own parties are not read, nor the partners'
                # columns but their names (their search texts are long; an export reads thousands).
                Prefetch(
                    "parties",
                    AgreementParty.objects.filter(unit__isnull=True)
                    .select_related("institution")
                    .only("agreement_id", "institution_id", "unit_id", "institution__name", "institution__short_name"),
                    to_attr="prefetched_parties",
                )
            )
            .annotate(
                iia_changed=Exists(
                    AgreementParty.objects.changed_since_partner_approval().filter(agreement=OuterRef("pk"))
                )
            )
            .order_by(F("signed_on").desc(nulls_first=True), "-pk")
        )
        if self.export_format:
            # Thousands of rows share a few units: read once, one instance each.
            return agreements.prefetch_related("responsible_unit")
        return agreements.select_related("responsible_unit")


class AgreementDetailView(ViewPermissionMixin, HistoryMixin, DetailView):
    model = Agreement

    def get_queryset(self):
        return Agreement.objects.select_related("responsible_unit", "responsible_person", "renews").prefetch_related(
            Prefetch(
                "parties",
                AgreementParty.objects.select_related(
                    "institution", "unit", "partner_approval__recorded_by", "our_approval__recorded_by"
                ),
            ),
            "signatories__party__institution",
            "signatories__party__unit",
            "areas",
            "quotas__partner",
            "quotas__our_unit",
            "documents__versions__uploaded_by",
        )

    def get_context_data(self, **kwargs):
        # Computed once here: the template would run its queries again on every use.
        next_statuses = [
            (status, Agreement.Status(status).label)
            for status in sorted(Agreement.TRANSITIONS[self.object.status])
            if status != Agreement.Status.TERMINATED  # it has its own form: a date and a reason
        ]
        return super().get_context_data(
            renewal_chain=self.object.renewal_chain(),
            quota_use=agreement_quota_use(agreement=self.object),
            related_visits=agreement_related_visits(agreement=self.object),
            next_statuses=next_statuses,
            today=timezone.localdate(),
            document_kinds=AgreementDocument.Kind.choices,
            **kwargs,
        )
