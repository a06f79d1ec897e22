"""What the API shows of each record. Read-only: every field is declared read-only, so the
schema drf-spectacular publishes says exactly what a response holds.

The views select and prefetch every relation these serializers follow (cooperation/api/views.py),
so a page of results costs the same few queries whatever its length."""

from django.conf import settings
from django_countries.serializer_fields import CountryField
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from agreements.models import Agreement
from cooperation.visits.models import Visit
from mobility.models import Program
from partners.models import Institution, InstitutionName, Unit


class PortalUrlField(serializers.SerializerMethodField):
    """The record's page in the portal, as an absolute address."""

    def __init__(self, **kwargs):
        super().__init__(method_name="_portal_url", **kwargs)


class PortalUrlMixin:
    @extend_schema_field(OpenApiTypes.URI)
    def _portal_url(self, obj) -> str:
        return settings.SITE_URL + obj.get_absolute_url()


class UnitSerializer(serializers.ModelSerializer):
    class Meta:
        model = Unit
        fields = ["id", "name", "short_name"]
        read_only_fields = fields


class InstitutionRefSerializer(serializers.ModelSerializer):
    country = CountryField(read_only=True)

    class Meta:
        model = Institution
        fields = ["id", "name", "country"]
        read_only_fields = fields


class InstitutionNameSerializer(serializers.ModelSerializer):
    class Meta:
        model = InstitutionName
        fields = ["name", "language", "kind", "used_until"]
        read_only_fields = fields


def _person(user) -> str | None:
    return (user.get_full_name() or user.get_username()) if user else None


class InstitutionSerializer(PortalUrlMixin, serializers.ModelSerializer):
    country = CountryField(read_only=True)
    names = InstitutionNameSerializer(many=True, read_only=True)
    tags = serializers.SlugRelatedField(many=True, read_only=True, slug_field="name")
    latitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, coerce_to_string=False, allow_null=True, read_only=True
    )
    longitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, coerce_to_string=False, allow_null=True, read_only=True
    )
    portal_url = PortalUrlField()

    class Meta:
        model = Institution
        fields = [
            "id",
            "name",
            "short_name",
            "names",
            "kind",
            "country",
            "city",
            "website",
            "parent",
            "status",
            "erasmus_code",
            "pic",
            "schac_id",
            "tags",
            "is_public",
            "latitude",
            "longitude",
            "notes",
            "portal_url",
            "updated_at",
        ]
        read_only_fields = fields


class AgreementPartySerializer(serializers.Serializer):
    institution = InstitutionRefSerializer(read_only=True, allow_null=True)
    unit = UnitSerializer(read_only=True, allow_null=True)


class AgreementSerializer(PortalUrlMixin, serializers.ModelSerializer):
    state = serializers.SerializerMethodField(help_text="Derived from the dates: active, expiring, expired...")
    responsible_unit = UnitSerializer(read_only=True)
    responsible_person = serializers.SerializerMethodField()
    parties = AgreementPartySerializer(many=True, read_only=True)
    areas = serializers.StringRelatedField(many=True, read_only=True)
    current_term_end = serializers.SerializerMethodField()
    portal_url = PortalUrlField()

    class Meta:
        model = Agreement
        fields = [
            "id",
            "title",
            "kind",
            "status",
            "state",
            "registration_number",
            "responsible_unit",
            "responsible_person",
            "parties",
            "areas",
            "signed_on",
            "valid_from",
            "expires_on",
            "auto_renews",
            "current_term_end",
            "renews",
            "portal_url",
            "updated_at",
        ]
        read_only_fields = fields

    def get_state(self, agreement) -> str:
        return agreement.state()

    def get_responsible_person(self, agreement) -> str | None:
        return _person(agreement.responsible_person)

    @extend_schema_field(OpenApiTypes.DATE)
    def get_current_term_end(self, agreement):
        return agreement.current_term_end()


class VisitSerializer(PortalUrlMixin, serializers.ModelSerializer):
    country = CountryField(read_only=True, allow_blank=True)  # "" for an online meeting
    host_unit = UnitSerializer(read_only=True)
    responsible_person = serializers.SerializerMethodField()
    partners = InstitutionRefSerializer(many=True, read_only=True)
    portal_url = PortalUrlField()

    class Meta:
        model = Visit
        fields = [
            "id",
            "title",
            "kind",
            "status",
            "starts_on",
            "ends_on",
            "places",
            "city",
            "country",
            "host_unit",
            "responsible_person",
            "partners",
            "purpose",
            "news_url",
            "portal_url",
            "updated_at",
        ]
        read_only_fields = fields

    def get_responsible_person(self, visit) -> str | None:
        return _person(visit.responsible_person)


class ProgramSerializer(PortalUrlMixin, serializers.ModelSerializer):
    unit = UnitSerializer(read_only=True)
    coordinator = serializers.SerializerMethodField()
    partners = InstitutionRefSerializer(many=True, read_only=True)
    portal_url = PortalUrlField()

    class Meta:
        model = Program
        fields = [
            "id",
            "title",
            "kind",
            "degree_structure",
            "direction",
            "academic_year",
            "unit",
            "coordinator",
            "agreement",
            "partners",
            "places",
            "funding_source",
            "application_deadline",
            "nomination_deadline",
            "portal_url",
            "updated_at",
        ]
        read_only_fields = fields

    def get_coordinator(self, program) -> str | None:
        return _person(program.coordinator)


class PublicPartnerSerializer(serializers.ModelSerializer):
    """What the university's website may show of a published partner, and nothing else: no
    identifiers, notes, contacts or people. test_api.py pins this exact set of keys."""

    country = CountryField(read_only=True)
    agreement_kinds = serializers.SerializerMethodField(help_text="The kinds of the agreements in force with it.")
    latitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, coerce_to_string=False, allow_null=True, read_only=True
    )
    longitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, coerce_to_string=False, allow_null=True, read_only=True
    )

    class Meta:
        model = Institution
        fields = ["name", "country", "city", "agreement_kinds", "latitude", "longitude"]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=Agreement.Kind.choices)))
    def get_agreement_kinds(self, institution) -> list[str]:
        # parties_in_force: prefetched by the view, the parties of agreements in force today.
        return sorted({party.agreement.kind for party in institution.parties_in_force})
