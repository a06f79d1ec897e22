"""The audit history in the Django admin: for administrators, every historical-record table
(django-simple-history) of the portal's models as a read-only changelist, searched and filtered
by who made the change, what kind of change, when, and the reason recorded with it.

The "History" button on each record (SimpleHistoryAdmin, cooperation/lib/admin.py) shows one
record's changes; these lists answer "what did this person change last week?" for a whole kind
of record (the model is the list: historical agreements, historical partners, ...).
"""

from django.contrib import admin
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalChanges

from cooperation.roles import DOMAIN_APPS


class HistoricalRecordAdmin(admin.ModelAdmin):
    list_display = ["history_date", "history_user", "history_type", "record", "history_change_reason"]
    list_filter = [
        ("history_user", admin.RelatedOnlyFieldListFilter),
        "history_type",
        "history_date",
    ]
    date_hierarchy = "history_date"
    search_fields = [
        "history_change_reason",
        "history_user__username",
        "history_user__first_name",
        "history_user__last_name",
    ]
    list_select_related = ["history_user"]
    ordering = ["-history_date", "-history_id"]
    list_per_page = 50
    show_full_result_count = False  # a count of a large history table costs more than the page

    # The history is what happened: nobody adds, edits or deletes it here.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        # Administrators only: the roles read a record's history on its own page.
        return request.user.is_active and request.user.is_superuser

    @admin.display(description=_("record"))
    def record(self, historical):
        instance_type = historical.instance_type
        text = str(historical.instance)
        try:
            url = reverse(
                f"admin:{instance_type._meta.app_label}_{instance_type._meta.model_name}_change", args=[historical.id]
            )
        except NoReverseMatch:
            return text
        if historical.history_type == "-" and not instance_type._default_manager.filter(pk=historical.id).exists():
            return text  # deleted since: no page to go to
        return format_html('<a href="{}">{}</a>', url, text)


def register(site: admin.AdminSite) -> None:
    """Every historical model of a record (not the many-to-many snapshots, which belong to one)."""
    from django.apps import apps

    for model in apps.get_models():
        if (
            model._meta.app_label in DOMAIN_APPS
            and issubclass(model, HistoricalChanges)
            and any(field.name == "history_date" for field in model._meta.fields)
            and not site.is_registered(model)
        ):
            site.register(model, HistoricalRecordAdmin)


register(admin.site)
