from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from cooperation.lib.admin import InstitutionNameSearchMixin, PortalAdmin, TabularInline
from partners.models import Contact, Institution, InstitutionName, Profile, Tag, Unit


class InstitutionNameInline(TabularInline):
    model = InstitutionName
    fields = ["name", "language", "kind", "used_until"]


class ContactInline(TabularInline):
    model = Contact
    fields = ["full_name", "honorific", "position", "email", "phone", "is_active"]
    show_change_link = True


@admin.register(Institution)
class InstitutionAdmin(InstitutionNameSearchMixin, PortalAdmin):
    list_display = ["name", "short_name", "kind", "country", "city", "status", "agreement_count", "is_public"]
    list_filter = ["status", "kind", "country", "is_public", "tags"]
    search_fields = ["erasmus_code", "pic", "schac_id", "city"]
    institution_search_path = "search_text"
    autocomplete_fields = ["parent", "tags"]
    inlines = [InstitutionNameInline, ContactInline]
    # A merge moves everything that points at the duplicate (partners/merging.py): setting
    # merged_into by hand would hide a partner with its agreements still attached.
    readonly_fields = ["merged_into", "merged_at", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["name", "short_name", "kind", "status", "parent", "tags"]}),
        (_("Where"), {"fields": ["country", "city", "website", ("latitude", "longitude")]}),
        (_("Identifiers"), {"fields": ["erasmus_code", "pic", "schac_id"]}),
        (
            _("Publication and history"),
            {"fields": ["is_public", "merged_into", "merged_at", "notes", "created_at", "updated_at"]},
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(agreement_count=Count("agreement_parties", distinct=True))

    @admin.display(description=_("agreements"), ordering="agreement_count")
    def agreement_count(self, institution):
        return institution.agreement_count


@admin.register(InstitutionName)
class InstitutionNameAdmin(InstitutionNameSearchMixin, PortalAdmin):
    list_display = ["name", "language", "kind", "institution"]
    list_filter = ["kind", "language"]
    search_fields = ["name"]
    institution_search_path = "institution__search_text"
    autocomplete_fields = ["institution"]
    list_select_related = ["institution"]


@admin.register(Contact)
class ContactAdmin(InstitutionNameSearchMixin, PortalAdmin):
    list_display = ["full_name", "position", "institution", "email", "phone", "is_active"]
    list_filter = ["is_active", "institution__country"]
    search_fields = ["full_name", "native_name", "position", "email"]
    institution_search_path = "institution__search_text"
    autocomplete_fields = ["institution"]
    list_select_related = ["institution"]


@admin.register(Unit)
class UnitAdmin(PortalAdmin, TranslationAdmin):
    list_display = ["name", "short_name", "kind", "parent", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "name_en", "name_ru", "name_kk", "short_name"]
    autocomplete_fields = ["parent"]
    list_select_related = ["parent"]


@admin.register(Tag)
class TagAdmin(TranslationAdmin):
    list_display = ["name", "name_ru", "name_kk"]
    search_fields = ["name", "name_en", "name_ru", "name_kk"]


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "unit", "position", "language"]
    list_filter = ["language", "unit"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "user__email"]
    autocomplete_fields = ["user", "unit"]
    list_select_related = ["user", "unit"]


class ProfileInline(admin.StackedInline):
    model = Profile
    can_delete = False
    autocomplete_fields = ["unit"]


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class PortalUserAdmin(UserAdmin):
    inlines = [ProfileInline]
    list_display = ["username", "email", "first_name", "last_name", "is_staff", "is_active"]
    list_filter = ["is_staff", "is_superuser", "is_active", "groups", "profile__unit"]
