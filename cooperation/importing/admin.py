"""The record of imports in the admin, read-only: an import is made and undone on its page."""

from django.contrib import admin

from cooperation.importing.models import ImportBatch


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = ("uploaded_at", "kind", "original_name", "uploaded_by", "status", "created_count", "updated_count")
    list_filter = ("kind", "status")
    search_fields = ("original_name",)
    list_select_related = ("uploaded_by",)
    exclude = ("file", "rows", "created_records", "updated_records")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
