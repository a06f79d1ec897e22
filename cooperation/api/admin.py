"""The secret tokens in the Django admin: administrators see who has one and can revoke it;
nobody can read or make a secret here (it is shown once, to its user, on the calendar page).
The calendar feed's tokens are registered with the same admin in cooperation/calendar/admin.py.
Imported by cooperation/admin.py."""

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cooperation.api.models import ApiToken


class SecretTokenAdmin(admin.ModelAdmin):
    list_display = ["user", "key_prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["user__username", "user__first_name", "user__last_name", "key_prefix"]
    list_select_related = ["user"]
    readonly_fields = ["user", "key_prefix", "created_at", "last_used_at", "revoked_at"]
    fields = readonly_fields
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Revoke the selected tokens"), permissions=["delete"])
    def revoke(self, request, queryset):
        revoked = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        messages.success(request, _("Tokens revoked: %(count)d.") % {"count": revoked})


admin.site.register(ApiToken, SecretTokenAdmin)
