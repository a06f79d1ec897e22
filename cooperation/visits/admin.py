"""Visits and their rows in the Django admin (imported by cooperation/admin.py)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from cooperation.lib.admin import InstitutionNameSearchMixin, PortalAdmin, TabularInline
from cooperation.visits.models import FollowUpAction, Gift, Outcome, Visit, VisitParticipant


class VisitParticipantInline(TabularInline):
    model = VisitParticipant
    fields = ["side", "role", "contact", "user", "full_name", "position"]
    autocomplete_fields = ["contact", "user"]


class OutcomeInline(TabularInline):
    model = Outcome
    fields = ["order", "text", "institution"]
    autocomplete_fields = ["institution"]


class FollowUpActionInline(TabularInline):
    model = FollowUpAction
    fields = ["description", "owner", "due_on", "done_on"]
    autocomplete_fields = ["owner"]


class GiftInline(TabularInline):
    model = Gift
    fields = ["direction", "description", "counterpart"]


@admin.register(Visit)
class VisitAdmin(InstitutionNameSearchMixin, PortalAdmin):
    list_display = ["title", "kind", "status", "starts_on", "ends_on", "host_unit", "city"]
    list_filter = ["kind", "status", "host_unit", "country", "areas"]
    search_fields = ["title", "purpose", "topics", "places", "city"]
    institution_search_path = "partners__search_text"
    date_hierarchy = "starts_on"
    autocomplete_fields = ["host_unit", "responsible_person", "partners", "areas", "agreements_signed"]
    list_select_related = ["host_unit"]
    inlines = [VisitParticipantInline, OutcomeInline, FollowUpActionInline, GiftInline]


@admin.register(VisitParticipant)
class VisitParticipantAdmin(PortalAdmin):
    list_display = ["__str__", "side", "role", "visit"]
    list_filter = ["side", "role"]
    search_fields = ["full_name", "contact__full_name", "user__last_name", "visit__title"]
    autocomplete_fields = ["visit", "contact", "user"]
    list_select_related = ["visit", "contact", "user"]


@admin.register(Outcome)
class OutcomeAdmin(PortalAdmin):
    list_display = ["__str__", "visit", "institution"]
    search_fields = ["text", "visit__title"]
    autocomplete_fields = ["visit", "institution"]
    list_select_related = ["visit", "institution"]


class OverdueFilter(admin.SimpleListFilter):
    """Derived from the due date by FollowUpAction.objects.overdue(), never stored."""

    title = _("state")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("Overdue")), ("open", _("Open"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.overdue()
        if self.value() == "open":
            return queryset.open()
        return queryset


@admin.register(FollowUpAction)
class FollowUpActionAdmin(PortalAdmin):
    list_display = ["__str__", "owner", "due_on", "done_on", "visit"]
    list_filter = [OverdueFilter, "owner"]
    search_fields = ["description", "visit__title"]
    autocomplete_fields = ["visit", "owner"]
    list_select_related = ["visit", "owner"]
    date_hierarchy = "due_on"


@admin.register(Gift)
class GiftAdmin(PortalAdmin):
    list_display = ["description", "direction", "counterpart", "visit"]
    list_filter = ["direction"]
    search_fields = ["description", "counterpart", "visit__title"]
    autocomplete_fields = ["visit"]
    list_select_related = ["visit"]
