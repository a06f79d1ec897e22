from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from agreements.models import (
    Agreement,
    AgreementDocument,
    AgreementParty,
    AreaOfCooperation,
    DocumentVersion,
    IiaApproval,
    Quota,
    QuotaUse,
    Signatory,
)
from cooperation.lib.admin import InstitutionNameSearchMixin, PortalAdmin, ReadOnlyAdmin, TabularInline


class AgreementPartyInline(TabularInline):
    model = AgreementParty
    fields = [
        "order",
        "institution",
        "unit",
        "our_iia_id",
        "our_iia_code",
        "partner_iia_id",
        "partner_iia_code",
        "partner_iia_hash_received",
        "partner_iia_received_on",
    ]
    # Set when a partner's IIA document is recorded (agreements/ewp/services.py), not by hand.
    readonly_fields = ["partner_iia_hash_received", "partner_iia_received_on"]
    autocomplete_fields = ["institution", "unit"]


class SignatoryInline(TabularInline):
    model = Signatory
    fields = ["party", "full_name", "position", "email", "contact", "signed_on"]
    autocomplete_fields = ["contact"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Offer only this agreement's own parties.
        if db_field.name == "party":
            agreement_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = AgreementParty.objects.filter(agreement_id=agreement_id).select_related(
                "institution", "unit"
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class QuotaInline(TabularInline):
    model = Quota
    fields = [
        "category",
        "direction",
        "partner",
        "first_academic_year",
        "last_academic_year",
        "places",
        "total_months",
        "total_days",
        "subject_areas",
    ]
    autocomplete_fields = ["partner"]


class AgreementDocumentInline(TabularInline):
    model = AgreementDocument
    fields = ["kind", "title"]
    show_change_link = True


class ExpiryFilter(admin.SimpleListFilter):
    """Derived from the dates by the queryset methods, never stored."""

    title = _("expiry")
    parameter_name = "expiry"

    def lookups(self, request, model_admin):
        return [
            ("in_force", _("In force")),
            ("30", _("Expiring within 30 days")),
            ("90", _("Expiring within 90 days")),
            ("180", _("Expiring within 180 days")),
            ("expired", _("Expired")),
        ]

    def queryset(self, request, queryset):
        import datetime

        value = self.value()
        if value == "in_force":
            return queryset.in_force()
        if value == "expired":
            return queryset.expired()
        if value in {"30", "90", "180"}:
            return queryset.expiring(within=datetime.timedelta(days=int(value)))
        return queryset


@admin.register(Agreement)
class AgreementAdmin(InstitutionNameSearchMixin, PortalAdmin):
    list_display = ["title", "kind", "status", "responsible_unit", "signed_on", "expires_on", "auto_renews"]
    list_filter = [ExpiryFilter, "status", "kind", "responsible_unit", "areas", "auto_renews"]
    search_fields = ["title", "registration_number", "purpose"]
    institution_search_path = "parties__institution__search_text"
    date_hierarchy = "signed_on"
    autocomplete_fields = ["responsible_unit", "responsible_person", "renews", "areas"]
    list_select_related = ["responsible_unit"]
    # The last activity is computed from mobility and visits (cooperation/activity.py): shown, never entered.
    readonly_fields = ["created_by", "created_at", "updated_at", "last_activity_on"]
    inlines = [AgreementPartyInline, SignatoryInline, QuotaInline, AgreementDocumentInline]
    fieldsets = [
        (None, {"fields": ["title", "kind", "status", "registration_number", "purpose", "areas"]}),
        (_("Responsibility"), {"fields": ["responsible_unit", "responsible_person"]}),
        (
            _("Dates"),
            {
                "fields": [
                    ("signed_on", "valid_from", "expires_on"),
                    ("auto_renews", "renewal_term_months", "renewal_notice_days", "renewal_notice_months"),
                    "renews",
                    ("terminated_on", "termination_reason"),
                ]
            },
        ),
        (_("Notes and record"), {"fields": ["notes", "created_by", "created_at", "updated_at", "last_activity_on"]}),
    ]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(AgreementParty)
class AgreementPartyAdmin(InstitutionNameSearchMixin, PortalAdmin):
    list_display = ["agreement", "institution", "unit", "order"]
    search_fields = ["agreement__title"]
    institution_search_path = "institution__search_text"
    autocomplete_fields = ["agreement", "institution", "unit"]
    list_select_related = ["agreement", "institution", "unit"]
    # Recorded through agreements.ewp.approval (the agreement's page), which keeps the log.
    readonly_fields = ["partner_approval", "our_approval", "current_iia_hash"]


@admin.register(IiaApproval)
class IiaApprovalAdmin(ReadOnlyAdmin):
    """The log of approvals, read-only: they are recorded on the agreement's page."""

    list_display = ["party", "side", "iia_hash", "approved_on", "recorded_by", "recorded_at", "changed_on"]
    list_filter = ["side", "approved_on"]
    search_fields = ["party__agreement__title", "iia_hash"]
    list_select_related = ["party__institution", "party__unit", "recorded_by"]


@admin.register(Signatory)
class SignatoryAdmin(PortalAdmin):
    list_display = ["full_name", "position", "party", "agreement", "signed_on"]
    search_fields = ["full_name", "position", "agreement__title"]
    autocomplete_fields = ["agreement", "party", "contact"]
    list_select_related = ["agreement", "party__institution", "party__unit"]


@admin.register(Quota)
class QuotaAdmin(PortalAdmin):
    list_display = ["agreement", "first_academic_year", "last_academic_year", "direction", "category", "places"]
    list_filter = ["first_academic_year", "direction", "category"]
    search_fields = ["agreement__title"]
    autocomplete_fields = ["agreement", "partner", "our_unit"]
    list_select_related = ["agreement"]


@admin.register(QuotaUse)
class QuotaUseAdmin(ReadOnlyAdmin):
    """Read-only: computed from the participants whenever they are written (cooperation/activity.py;
    `manage.py refresh_kept` computes it afresh)."""

    list_display = ["quota", "academic_year", "agreement_title", "recorded", "unused", "ever_signed"]
    list_filter = ["academic_year", "ever_signed"]
    search_fields = ["agreement_title"]
    list_select_related = ["quota"]

    def has_delete_permission(self, request, obj=None):
        return False


class DocumentVersionInline(TabularInline):
    model = DocumentVersion
    fields = ["number", "file", "original_name", "content_type", "size", "comment", "uploaded_by", "uploaded_at"]
    readonly_fields = ["original_name", "content_type", "size", "uploaded_by", "uploaded_at"]


@admin.register(AgreementDocument)
class AgreementDocumentAdmin(PortalAdmin):
    list_display = ["title", "kind", "agreement", "created_at"]
    list_filter = ["kind"]
    search_fields = ["title", "agreement__title"]
    autocomplete_fields = ["agreement"]
    list_select_related = ["agreement"]
    inlines = [DocumentVersionInline]


@admin.register(DocumentVersion)
class DocumentVersionAdmin(admin.ModelAdmin):
    list_display = ["document", "number", "original_name", "content_type", "size", "uploaded_by", "uploaded_at"]
    search_fields = ["original_name", "document__title", "document__agreement__title"]
    list_select_related = ["document", "uploaded_by"]
    readonly_fields = ["sha256"]

    def has_change_permission(self, request, obj=None):
        # A stored version is evidence: it is replaced by a new version, never edited.
        return False


@admin.register(AreaOfCooperation)
class AreaOfCooperationAdmin(PortalAdmin, TranslationAdmin):
    list_display = ["name", "code", "order"]
    search_fields = ["code", "name", "name_en", "name_ru", "name_kk"]
    ordering = ["order"]
