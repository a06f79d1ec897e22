import datetime

from django.apps import apps
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView

from cooperation.lib.listing import ListPageView
from cooperation.lib.permissions import is_office
from cooperation.lib.views import HistoryMixin, ViewPermissionMixin
from partners.filters import InstitutionFilter
from partners.models import Institution
from partners.tables import InstitutionTable
from partners.timeline import institution_timeline


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

    # The order of the partner's agreements: what is in force first, then what is being
    # prepared, then what has ended.
    STATE_ORDER = ["expiring", "active", "pending", "negotiation", "draft", "renewed", "expired", "terminated"]
    IN_FORCE = {"expiring", "active"}

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if self.object.merged_into_id:
            # A partner merged into another (partners.merging) keeps its id: old links lead on.
            return redirect("partners:institution-detail", pk=self.object.merged_into_id)
        context = self.get_context_data(object=self.object, can_merge=is_office(request.user))
        return self.render_to_response(context)

    def get_queryset(self):
        # partners imports no app above it, yet shows what points to it: through the registry
        # and string lookups.
        party_model = apps.get_model("agreements", "AgreementParty")
        return Institution.objects.select_related("parent").prefetch_related(
            "names",
            "contacts",
            "tags",
            "children",
            Prefetch(
                "agreement_parties",
                party_model.objects.select_related("agreement__renews", "agreement__renewed_by"),
            ),
            "visits__host_unit",
            "programs",
        )

    def get_context_data(self, **kwargs):
        agreements = list(
            {party.agreement_id: party.agreement for party in self.object.agreement_parties.all()}.values()
        )
        states = {agreement.pk: agreement.state() for agreement in agreements}
        agreements.sort(
            key=lambda agreement: (
                self.STATE_ORDER.index(states[agreement.pk]),
                -(agreement.signed_on or datetime.date.min).toordinal(),
            )
        )
        visits = sorted(self.object.visits.all(), key=lambda visit: visit.starts_on, reverse=True)
        return super().get_context_data(
            agreements_in_force=[agreement for agreement in agreements if states[agreement.pk] in self.IN_FORCE],
            other_agreements=[agreement for agreement in agreements if states[agreement.pk] not in self.IN_FORCE],
            visits=visits,
            timeline=institution_timeline(agreements=agreements, visits=visits, programs=self.object.programs.all()),
            **kwargs,
        )
