"""The search box in the navigation bar: one query over partners, contacts, agreements, visits
and programs, a few hits of each with a link to the whole filtered list."""

from dataclasses import dataclass

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from agreements.models import Agreement
from cooperation.lib.listing import counted_or_estimated, rounded
from cooperation.visits.models import Visit
from mobility.models import Program
from partners.models import Contact, Institution

HITS_PER_KIND = 8


@dataclass
class ResultGroup:
    key: str
    title: str
    hits: list
    total: int
    list_url: str  # the full list, filtered by the same words; empty where there is none
    estimated: bool = False  # the total is PostgreSQL's estimate (the lists' rule, COUNT_UP_TO)


class SearchView(LoginRequiredMixin, TemplateView):
    template_name = "cooperation/search.html"

    def groups(self, text: str) -> list[ResultGroup]:
        user = self.request.user
        # A few hits of each kind: a search matching many rows finds them by testing the newest
        # rows in order and stops there, rather than gathering every match (search_any).
        shown = HITS_PER_KIND + 1
        sources: list[tuple[str, str, str, QuerySet, str]] = [
            (
                "partners",
                _("Partners"),
                "partners.view_institution",
                Institution.objects.current().search(text).order_by("name"),
                reverse("partners:institution-list"),
            ),
            (
                "contacts",
                _("Contacts"),
                "partners.view_contact",
                Contact.objects.search(text, rows=shown).select_related("institution").order_by("full_name"),
                "",
            ),
            (
                "agreements",
                _("Agreements"),
                "agreements.view_agreement",
                Agreement.objects.search(text, rows=shown).order_by("-signed_on", "-pk"),
                reverse("agreements:agreement-list"),
            ),
            (
                "visits",
                _("Visits and events"),
                "cooperation.view_visit",
                Visit.objects.search(text, rows=shown).order_by("-starts_on", "-pk"),
                reverse("cooperation:visit-list"),
            ),
            (
                "programs",
                _("Mobility programs"),
                "mobility.view_program",
                Program.objects.search(text, rows=shown).order_by("-academic_year", "title"),
                reverse("mobility:program-list"),
            ),
        ]
        groups = []
        for key, title, permission, queryset, list_url in sources:
            if not user.has_perm(permission):
                continue
            hits = list(queryset[: HITS_PER_KIND + 1])
            # Count only when there are more hits than shown: most searches find a handful. Many
            # matches are estimated, as the lists count them.
            total, estimated = len(hits), False
            if len(hits) > HITS_PER_KIND:
                total, estimated = counted_or_estimated(queryset) or (queryset.count(), False)
            groups.append(ResultGroup(key, title, hits[:HITS_PER_KIND], total, list_url, estimated))
        return groups

    def get(self, request, *args, **kwargs):
        if not any(request.user.has_perm(p) for p in ("partners.view_institution", "agreements.view_agreement")):
            raise PermissionDenied
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        text = self.request.GET.get("q", "").strip()[:200]
        groups = self.groups(text) if text else []
        found, estimated = sum(group.total for group in groups), any(group.estimated for group in groups)
        return super().get_context_data(
            query=text,
            groups=groups,
            found=rounded(found) if estimated else found,
            found_estimated=estimated,
            **kwargs,
        )
