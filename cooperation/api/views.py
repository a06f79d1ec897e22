"""The API's views: read-only lists and records with the staff lists' own filters, and the public
list of published partners.

The filters are the FilterSets of the staff lists (partners/filters.py and the others), so a
query string that filters a list page filters the API the same way."""

import logging

import redis
from django.core.cache import caches
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, viewsets
from rest_framework.exceptions import APIException
from rest_framework.permissions import AllowAny
from rest_framework.throttling import AnonRateThrottle

from agreements.filters import AgreementFilter
from agreements.models import Agreement, AgreementParty
from cooperation.api import schema, serializers  # noqa: F401 (schema registers the filters' extension)
from cooperation.visits.filters import VisitFilter
from cooperation.visits.models import Visit
from mobility.filters import ProgramFilter
from mobility.models import Program
from partners.filters import InstitutionFilter
from partners.models import Institution

logger = logging.getLogger(__name__)


class InstitutionViewSet(viewsets.ReadOnlyModelViewSet):
    """Partner institutions (those merged into another are left out)."""

    serializer_class = serializers.InstitutionSerializer
    filterset_class = InstitutionFilter
    queryset = Institution.objects.current().prefetch_related("names", "tags").order_by("name", "pk")


class AgreementViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.AgreementSerializer
    filterset_class = AgreementFilter
    queryset = (
        Agreement.objects.select_related("responsible_unit", "responsible_person")
        .prefetch_related(
            Prefetch("parties", queryset=AgreementParty.objects.select_related("institution", "unit")), "areas"
        )
        .order_by("-signed_on", "pk")
    )


class VisitViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.VisitSerializer
    filterset_class = VisitFilter
    queryset = (
        Visit.objects.select_related("host_unit", "responsible_person")
        .prefetch_related("partners")
        .order_by("-starts_on", "pk")
    )


class ProgramViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.ProgramSerializer
    filterset_class = ProgramFilter
    queryset = (
        Program.objects.select_related("unit", "coordinator")
        .prefetch_related("partners")
        .order_by("-academic_year", "title", "pk")
    )


class CounterUnavailable(APIException):
    status_code = 503
    default_detail = _("The request counter is unavailable; try again in a minute.")
    default_code = "counter_unavailable"


class PublicRateThrottle(AnonRateThrottle):
    """Per client address (REST_FRAMEWORK's "public" rate), counted in the "throttle" cache:
    Redis itself, not the fail-soft cache of the pages. A count that cannot be kept is no limit,
    so with Redis away this endpoint alone fails closed (503) while the rest of the portal is
    served without its cache."""

    scope = "public"

    @property
    def cache(self):
        return caches["throttle"]

    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)
        except redis.RedisError as error:
            logger.warning("the public API's request counter is unavailable, refusing: %s", error)
            failure = CounterUnavailable()
            failure.wait = self.duration
            raise failure from error


@extend_schema(auth=[])
class PublicPartnerListView(generics.ListAPIView):
    """The partners the university publishes (Institution.is_public), for its website's map:
    name, country, city, the kinds of agreement in force and coordinates. No login."""

    serializer_class = serializers.PublicPartnerSerializer
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [PublicRateThrottle]
    filter_backends = []

    def get_queryset(self):
        # Agreements in force today: decided per request, so the query is built here.
        in_force = AgreementParty.objects.filter(agreement__in=Agreement.objects.in_force()).select_related("agreement")
        return (
            Institution.objects.current()
            .filter(is_public=True)
            .only("name", "country", "city", "latitude", "longitude")
            .prefetch_related(Prefetch("agreement_parties", queryset=in_force, to_attr="parties_in_force"))
            .order_by("name", "pk")
        )
