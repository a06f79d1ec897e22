import django_tables2 as tables
from django.template.defaultfilters import date as date_filter
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from cooperation.lib.tables import ListTable, joined, prefetched
from mobility.models import Participant, Program

NUMBER = {"td": {"class": "text-end"}, "th": {"class": "text-end"}}


class ProgramTable(ListTable):
    title = tables.Column(verbose_name=_("Title"), attrs={"td": {"class": "col-title"}})
    kind = tables.Column(verbose_name=_("Kind"))
    academic_year = tables.Column(verbose_name=_("Academic year"), attrs={"td": {"class": "text-nowrap"}})
    direction = tables.Column(verbose_name=_("Direction"))
    partners = tables.Column(verbose_name=_("Partners"), orderable=False)
    unit = tables.Column(verbose_name=_("Unit"), order_by=("unit__name",))
    application_deadline = tables.Column(verbose_name=_("Application deadline"))
    places = tables.Column(verbose_name=_("Places"), attrs=NUMBER)
    participant_count = tables.Column(verbose_name=_("Participants"), attrs=NUMBER)

    class Meta:
        model = Program
        fields = []
        sequence = (
            "title",
            "kind",
            "academic_year",
            "direction",
            "partners",
            "unit",
            "application_deadline",
            "places",
            "participant_count",
        )
        empty_text = _("No program matches these filters.")
        attrs = {"id": "program-table"}

    def render_title(self, record):
        html = format_html('<a href="{}">{}</a>', record.get_absolute_url(), record.title)
        if record.degree_structure:
            html += format_html(' <span class="text-body-secondary">({})</span>', record.degree_structure)
        return html

    def render_kind(self, record):
        return self.choice_label(record, "kind")

    def render_academic_year(self, record):
        return record.academic_year

    def render_direction(self, record):
        return self.choice_label(record, "direction")

    def render_partners(self, record):
        return joined(prefetched(record, "partners"))

    def render_unit(self, record):
        return record.unit

    def render_application_deadline(self, record):
        return date_filter(record.application_deadline) or self.EMPTY

    def render_places(self, record):
        return self.EMPTY if record.places is None else record.places

    def render_participant_count(self, record):
        return record.participant_count

    # What the export writes where the cell's markup is not the value.
    def value_title(self, record):
        return record.title

    def value_partners(self, record):
        return "; ".join(partner.name for partner in prefetched(record, "partners"))

    def value_unit(self, record):
        return str(record.unit)

    def value_places(self, record):
        return record.places

    def value_application_deadline(self, record):
        return record.application_deadline


# The participants the dashboard's mobility figures count (their list: mobility.views.ParticipantListView).
class ParticipantTable(ListTable):
    full_name = tables.Column(verbose_name=_("Name"), attrs={"td": {"class": "col-title"}})
    kind = tables.Column(verbose_name=_("Student or staff"))
    direction = tables.Column(verbose_name=_("Direction"))
    status = tables.Column(verbose_name=_("Status"))
    program = tables.Column(verbose_name=_("Program"), order_by=("program__title",))
    academic_year = tables.Column(
        verbose_name=_("Academic year"), accessor="program__academic_year", order_by=("program__academic_year",)
    )
    partner_institution = tables.Column(verbose_name=_("Partner"), order_by=("partner_institution__name",))
    unit = tables.Column(verbose_name=_("Our unit"), order_by=("unit__name",))
    starts_on = tables.Column(verbose_name=_("Starts on"))

    class Meta:
        model = Participant
        fields = []
        sequence = (
            "full_name",
            "kind",
            "direction",
            "status",
            "program",
            "academic_year",
            "partner_institution",
            "unit",
            "starts_on",
        )
        empty_text = _("No participant matches these filters.")
        attrs = {"id": "participant-table"}

    def render_full_name(self, record):
        return format_html('<a href="{}">{}</a>', record.get_absolute_url(), record.full_name)

    def render_kind(self, record):
        return self.choice_label(record, "kind")

    def render_direction(self, record):
        return self.choice_label(record, "direction")

    def render_status(self, record):
        return self.choice_label(record, "status")

    def render_program(self, record):
        return record.program

    def render_academic_year(self, record):
        return record.program.academic_year

    def render_partner_institution(self, record):
        return record.partner_institution

    def render_unit(self, record):
        return record.unit

    def render_starts_on(self, record):
        return date_filter(record.starts_on) or self.EMPTY

    # What the export writes where the cell's markup is not the value.
    def value_full_name(self, record):
        return record.full_name

    def value_program(self, record):
        return record.program.title

    def value_partner_institution(self, record):
        return record.partner_institution.name

    def value_unit(self, record):
        return str(record.unit)

    def value_starts_on(self, record):
        return record.starts_on
