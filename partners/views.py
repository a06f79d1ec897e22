from dataclasses import dataclass
from urllib.parse import urlencode

from django.apps import apps
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView

from cooperation.lib.listing import ListPageView
from cooperation.lib.permissions import is_office
from cooperation.lib.views import HistoryMixin, ViewPermissionMixin
from partners.filters import InstitutionFilter
from partners.models import Institution
from partners.selectors import institutions_suggested
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
    template_name = "partners/institution_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        searched = context["filter"].form.cleaned_data.get("q") if context["filter"].is_bound else ""
        if searched and not self.export_format and context["table"].paginator.count == 0:
            # Nothing has every word: the partners whose names are closest (a misspelling).
            context["suggestions"] = institutions_suggested(searched)
        return context

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


def _count(queryset, outer_field: str):
    """How many rows of `queryset` have `outer_field` equal to the institution: a subquery of the
    one query that loads the institution, so the headings' totals cost no query of their own."""
    counted = (
        queryset.filter(**{outer_field: OuterRef("pk")})
        .order_by()
        .values(outer_field)
        .annotate(total=Count("pk"))
        .values("total")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _list_url(name: str, **params) -> str:
    return f"{reverse(name)}?{urlencode(params)}"


@dataclass(frozen=True)
class FirstRows:
    """The first rows of a long section of the partner's page, how many there are in all, and the
    staff list that shows them all. Iterates and has a length like the list of rows it shows."""

    rows: list
    total: int
    list_url: str

    def __iter__(self):
        return iter(self.rows)

    def __len__(self):
        return len(self.rows)

    @property
    def has_more(self) -> bool:
        return self.total > len(self.rows)


class InstitutionDetailView(ViewPermissionMixin, HistoryMixin, DetailView):
    model = Institution

    # A partner may have hundreds of agreements and visits (the bulk data has one with 152
    # agreements): the page shows the first rows of each section, in the order of its staff list,
    # and links to that list filtered to the partner. The agreements in force are shown in full
    # unless they are very many.
    IN_FORCE_LIMIT = 50
    SECTION_LIMIT = 20
    TIMELINE_LIMIT = 30

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
        agreement_model = apps.get_model("agreements", "Agreement")
        visit_model = apps.get_model("cooperation", "Visit")
        outcome_model = apps.get_model("cooperation", "Outcome")
        program_model = apps.get_model("mobility", "Program")
        return (
            Institution.objects.select_related("parent")
            .prefetch_related("names", "contacts", "tags", "children")
            .annotate(
                # A partner is a party to an agreement at most once (party_institution_once).
                agreement_total=_count(agreement_model.objects.all(), "parties__institution"),
                in_force_total=_count(agreement_model.objects.in_force(), "parties__institution"),
                visit_total=_count(visit_model.partners.through.objects.all(), "institution"),
                outcome_total=_count(outcome_model.objects.all(), "institution"),
                program_total=_count(program_model.partners.through.objects.all(), "institution"),
            )
        )

    def get_context_data(self, **kwargs):
        institution = self.object
        agreements_in_force = FirstRows(
            list(self._agreements_in_force()[: self.IN_FORCE_LIMIT]),
            institution.in_force_total,
            _list_url("agreements:agreement-list", partner=institution.pk, state="in_force"),
        )
        other_agreements = FirstRows(
            list(self._other_agreements()[: self.SECTION_LIMIT]),
            institution.agreement_total - institution.in_force_total,
            # No list filter selects "not in force": the link opens all the partner's agreements.
            _list_url("agreements:agreement-list", partner=institution.pk),
        )
        visits = FirstRows(
            # The visit list's order (cooperation.visits.views.VisitListView): the latest first.
            list(institution.visits.select_related("host_unit").order_by("-starts_on", "-pk")[: self.SECTION_LIMIT]),
            institution.visit_total,
            _list_url("cooperation:visit-list", partner=institution.pk),
        )
        outcomes = FirstRows(
            # What was agreed at visits about this partner (Outcome.institution): the latest visits
            # first, as above, and each visit's points in their order. No list shows outcomes: the
            # link opens the partner's visits, whose pages show them all.
            list(
                institution.visit_outcomes.select_related("visit").order_by(
                    "-visit__starts_on", "-visit__pk", "order", "pk"
                )[: self.SECTION_LIMIT]
            ),
            institution.outcome_total,
            _list_url("cooperation:visit-list", partner=institution.pk),
        )
        programs = FirstRows(
            # The program list's order (mobility.views.ProgramListView): the latest year first.
            list(institution.programs.order_by("-academic_year", "title", "pk")[: self.SECTION_LIMIT]),
            institution.program_total,
            _list_url("mobility:program-list", partner=institution.pk),
        )
        sections = (agreements_in_force, other_agreements, visits, programs)
        # The timeline is made from the rows above (no query of its own), so with a section cut
        # short it tells the events of those rows nearest to today only, and says so.
        timeline = institution_timeline(
            agreements=[*agreements_in_force, *other_agreements],
            visits=visits,
            programs=programs,
            limit=self.TIMELINE_LIMIT,
        )
        timeline_shown = sum(len(year.entries) for year in timeline)
        return super().get_context_data(
            agreements_in_force=agreements_in_force,
            other_agreements=other_agreements,
            visits=visits,
            outcomes=outcomes,
            programs=programs,
            timeline=timeline,
            timeline_shown=timeline_shown,
            timeline_partial=timeline_shown == self.TIMELINE_LIMIT or any(section.has_more for section in sections),
            **kwargs,
        )

    def _agreements(self):
        agreement_model = apps.get_model("agreements", "Agreement")
        return agreement_model.objects.filter(parties__institution=self.object).select_related("renews", "renewed_by")

    def _agreements_in_force(self):
        """The expiring ones first (they need attention), then the newest signed."""
        agreement_model = apps.get_model("agreements", "Agreement")
        expiring = agreement_model.objects.in_state("expiring").filter(pk=OuterRef("pk"))
        return (
            self._agreements()
            .in_force()
            .annotate(is_expiring=Exists(expiring))
            .order_by("-is_expiring", F("signed_on").desc(nulls_last=True), "-pk")
        )

    def _other_agreements(self):
        """Being prepared (not signed yet) or ended, in the agreement list's order: the unsigned
        first, then the newest signed (agreements.views.AgreementListView)."""
        agreement_model = apps.get_model("agreements", "Agreement")
        in_force = agreement_model.objects.in_force().filter(pk=OuterRef("pk"))
        return self._agreements().filter(~Exists(in_force)).order_by(F("signed_on").desc(nulls_first=True), "-pk")
