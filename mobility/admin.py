from django.contrib import admin
from django.db.models import Count

from cooperation.lib.admin import InstitutionNameSearchMixin, PortalAdmin, TabularInline
from mobility.models import Participant, Program


class ParticipantInline(TabularInline):
    model = Participant
    fields = ["full_name", "kind", "direction", "partner_institution", "unit", "status", "starts_on", "ends_on"]
    autocomplete_fields = ["partner_institution", "unit"]
    show_change_link = True


@admin.register(Program)
class ProgramAdmin(InstitutionNameSearchMixin, PortalAdmin):
    list_display = ["title", "kind", "academic_year", "direction", "unit", "places", "participant_count"]
    list_filter = ["academic_year", "kind", "direction", "unit"]
    search_fields = ["title", "funding_source", "degree_structure"]
    institution_search_path = "partners__search_text"
    autocomplete_fields = ["partners", "agreement", "unit", "coordinator"]
    list_select_related = ["unit"]
    inlines = [ParticipantInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(participant_count=Count("participants", distinct=True))

    @admin.display(description=Participant._meta.verbose_name_plural, ordering="participant_count")
    def participant_count(self, program):
        return program.participant_count


@admin.register(Participant)
class ParticipantAdmin(InstitutionNameSearchMixin, PortalAdmin):
    list_display = ["full_name", "kind", "direction", "program", "partner_institution", "status", "starts_on"]
    list_filter = ["status", "direction", "kind", "level", "program__academic_year", "unit"]
    search_fields = ["full_name", "email", "field_of_study", "program__title"]
    institution_search_path = "partner_institution__search_text"
    date_hierarchy = "starts_on"
    autocomplete_fields = ["program", "unit", "partner_institution"]
    list_select_related = ["program", "partner_institution"]
