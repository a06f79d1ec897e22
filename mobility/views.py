from django.core.paginator import Paginator
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView

from cooperation.lib.listing import ListPageView
from cooperation.lib.text import record_id
from cooperation.lib.views import HistoryMixin, ViewPermissionMixin
from mobility.filters import ParticipantFilter, ProgramFilter
from mobility.models import Participant, Program
from mobility.tables import ParticipantTable, ProgramTable


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
            # COUNT(*), not of the ids: the program's index alone answers it, without reading
            # each participant's row (scattered over the table, one page each).
            .annotate(total=Count("*"))
            .values("total")
        )
        return (
            Program.objects.select_related("unit", "agreement")
            .prefetch_related(
                Prefetch("partners", to_attr="prefetched_partners")
            )  # see cooperation.lib.tables.prefetched()
            # A count per row of the page, not a GROUP BY over every participant of every program.
            .annotate(participant_count=Coalesce(Subquery(participants, output_field=IntegerField()), 0))
            # Pages need a stable order (program_year_title_id, see mobility/models.py).
            .order_by("-academic_year", "title", "pk")
        )


class ProgramDetailView(ViewPermissionMixin, HistoryMixin, DetailView):
    model = Program

    # A program may have hundreds of participants: the page shows them a page at a time.
    PARTICIPANTS_PER_PAGE = 50
    # A stable order, so that a participant is on one page only (names repeat).
    PARTICIPANT_ORDER = ("full_name", "pk")

    def get_queryset(self):
        return Program.objects.select_related("unit", "agreement", "coordinator").prefetch_related("partners")

    def get_context_data(self, **kwargs):
        participants = (
            self.object.participants.select_related("unit")
            # Prefetched, not joined: PostgreSQL would hash every partner to join them; this way
            # it reads the page's partners by their ids.
            .prefetch_related("partner_institution")
            .order_by(*self.PARTICIPANT_ORDER)
        )
        # get_page(): a page number that is not one gives the first page, one past the end the last.
        page = Paginator(participants, self.PARTICIPANTS_PER_PAGE).get_page(self._page_number())
        return super().get_context_data(participants=page, **kwargs)

    def _page_number(self):
        """The ?page= asked for, else the page that holds ?participant=<id> (a link to one
        participant; the page links keep it in their query string, so ?page= comes first)."""
        page, wanted = self.request.GET.get("page"), self.request.GET.get("participant", "")
        if page is not None or record_id(wanted) is None:
            return page
        participants = self.object.participants.all()
        name = participants.filter(pk=record_id(wanted)).values_list("full_name", flat=True).first()
        if name is None:
            return page
        # How many come before it in PARTICIPANT_ORDER (full name, then id).
        before = participants.filter(Q(full_name__lt=name) | Q(full_name=name, pk__lt=record_id(wanted))).count()
        return before // self.PARTICIPANTS_PER_PAGE + 1


class ParticipantListView(ListPageView):
    """The mobility participants the dashboard's figures count, at /dashboard/participants/ (its
    route is in cooperation/urls.py, beside the dashboard's): the figures' links open it filtered."""

    model = Participant
    filterset_class = ParticipantFilter
    table_class = ParticipantTable
    title = _("Mobility participants")
    export_name = "participants"

    def get_queryset(self):
        return Participant.objects.select_related("program", "partner_institution", "unit").order_by(
            "-program__academic_year", "full_name", "pk"
        )
