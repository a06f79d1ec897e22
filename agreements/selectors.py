"""Reads about agreements that need more than a queryset method.

`agreements` imports no app above it: the mobility and the visits that rest on an agreement
come in through the model registry and reverse relations.
"""

from dataclasses import dataclass

from django.apps import apps
from django.db.models import Count

from agreements.isced import ISCED_F_FIELDS
from agreements.models import Agreement, Quota
from cooperation.lib.queries import pk_in_any


@dataclass(frozen=True)
class QuotaUse:
    """Places agreed for one academic year, direction, mobility type and subject area (ISCED-F
    code, "" for any) against participants recorded."""

    academic_year: str
    direction: str
    category: str
    subject_area: str
    places: int | None  # None: participants recorded with no condition agreed for them
    participants: int

    @property
    def direction_label(self) -> str:
        return Quota.Direction(self.direction).label

    @property
    def category_label(self) -> str:
        return Quota.Category(self.category).label

    @property
    def subject_area_label(self) -> str:
        return f"{self.subject_area} {ISCED_F_FIELDS.get(self.subject_area, '')}".strip()

    @property
    def over_quota(self) -> bool:
        return self.places is not None and self.participants > self.places

    @property
    def percent_used(self) -> int | None:
        if not self.places:
            return None
        return round(100 * self.participants / self.places)


def agreement_quota_use(*, agreement: Agreement) -> list[QuotaUse]:
    """Each year of each cooperation condition beside the participants (not withdrawn) of the
    programs resting on the agreement, in the same academic year, direction and mobility type;
    one aggregate query. A condition for one subject area counts the participants of that ISCED-F
    field; one for several areas or none counts the rest of its year, direction and type."""
    participant_model = apps.get_model("mobility", "Participant")
    counted = (
        participant_model.objects.active()
        .filter(program__agreement=agreement)
        .values("program__academic_year", "direction", "quota_category", "isced_code")
        .annotate(total=Count("pk"))
        .order_by()
    )
    places: dict[tuple[str, str, str, str], int] = {}
    for quota in agreement.quotas.all():  # prefetched by the detail page
        area = quota.subject_areas[0] if len(quota.subject_areas) == 1 else ""
        for year in quota.academic_years():
            key = (year, quota.direction, quota.category, area)
            places[key] = places.get(key, 0) + quota.places
    participants: dict[tuple[str, str, str, str], int] = {}
    for row in counted:
        key = (row["program__academic_year"], row["direction"], row["quota_category"], row["isced_code"])
        if key not in places:
            key = (*key[:3], "")
        participants[key] = participants.get(key, 0) + row["total"]
    keys = sorted(set(places) | set(participants))
    return [QuotaUse(*key, places=places.get(key), participants=participants.get(key, 0)) for key in keys]


def agreement_related_visits(*, agreement: Agreement, limit: int = 10):
    """Visits at which the agreement was signed or with any of its partners, newest first."""
    visit_model = apps.get_model("cooperation", "Visit")
    partner_ids = [party.institution_id for party in agreement.parties.all() if party.institution_id]
    # A union of the two ways in (cooperation.lib.queries): an OR over both many-to-many joins
    # needed a DISTINCT over every visit of the partners.
    related = pk_in_any(
        visit_model.agreements_signed.through.objects.filter(agreement=agreement).values("visit_id"),
        visit_model.partners.through.objects.filter(institution__in=partner_ids).values("visit_id"),
    )
    return visit_model.objects.filter(related).select_related("host_unit").order_by("-starts_on", "-pk")[:limit]
