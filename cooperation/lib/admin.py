"""What every ModelAdmin of the portal shares: audit history, and the coordinator's unit rule."""

from django.contrib import admin
from django.utils.text import capfirst
from simple_history.admin import SimpleHistoryAdmin

from cooperation.lib.permissions import can_change
from cooperation.lib.protection import link_referrers
from cooperation.lib.text import words_condition


class UnitScopedAdminMixin:
    """Model permissions say what a role may do to a kind of record; a faculty coordinator may
    additionally change or delete only the records of their own unit (cooperation.lib.permissions)."""

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or can_change(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or can_change(request.user, obj))


class PortalAdmin(UnitScopedAdminMixin, SimpleHistoryAdmin):
    """A ModelAdmin with the audit history ("History" button: who changed what, when)."""

    list_per_page = 50

    def get_deleted_objects(self, objs, request):
        """Django lists the PROTECT foreign keys that stand in the way of a delete; the links of
        cooperation.lib.protection are added to them, so the delete page (and "delete
        selected") refuses with the list instead of failing when it is confirmed."""
        to_delete, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        for obj in objs:
            for referrer in link_referrers(obj):
                protected.append(f"{capfirst(str(referrer._meta.verbose_name))}: {referrer}")
        return to_delete, model_count, perms_needed, protected


class ScopedInline(UnitScopedAdminMixin):
    """An inline whose rows may be changed only by whoever may change the parent record."""

    extra = 0
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        allowed = super().has_add_permission(request, obj)
        return allowed and (obj is None or can_change(request.user, obj))


class StackedInline(ScopedInline, admin.StackedInline):
    pass


class TabularInline(ScopedInline, admin.TabularInline):
    pass


class InstitutionNameSearchMixin:
    """Search that also matches the institution's names in any script, ignoring case and accents,
    through Institution.search_text at `institution_search_path` (the one place names are folded)."""

    institution_search_path = ""

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        path = self.institution_search_path
        condition = words_condition(path, search_term) if path else None
        if condition is not None:
            by_name = queryset.filter(condition)
            results = results | by_name
            may_have_duplicates = True
        return results, may_have_duplicates


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records kept by the portal itself (logs, computed rows): shown, never added or edited here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
