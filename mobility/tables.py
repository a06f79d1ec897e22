import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from cooperation.lib.choices import choice_label
from cooperation.lib.table_rows import joined, listed
from mobility.models import Participant, Program

NUMBER = {"td": {"class": "text-end"}, "th": {"class": "text-end"}}


class ProgramTable(tables.Table):
    title = tables.Column(verbose_name=_("Title"), attrs={"td": {"class": "col-title"}})
    kind = tables.Column(verbose_name=_("Kind"))
    academic_year = tables.Column(verbose_name=_("Academic year"), attrs={"td": {"class": "text-nowrap"}})
    direction = tables.Column(verbose_name=_("Direction"))
    partners = tables.Column(verbose_name=_("Partners"), orderable=False, empty_values=())
    unit = tables.Column(verbose_name=_("Unit"), order_by=("unit__name",))
    application_deadline = tables.DateColumn(short=False, verbose_name=_("Application deadline"))
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

    # The cells, in Python rather than a template each: a list page draws hundreds
    # (cooperation/lib/table_rows.py).
    def render_title(self, record):
        html = format_html('<a href="{}">{}</a>', record.get_absolute_url(), record.title)
        if record.degree_structure:
            html += format_html(' <span class="text-body-secondary">({})</span>', record.degree_structure)
        return html

    def render_partners(self, record):
        return joined(listed(record, "partners"))

    def value_title(self, record):
        return record.title

    def value_kind(self, record):
        return choice_label(record, "kind")

    def value_direction(self, record):
        return choice_label(record, "direction")

    def value_partners(self, record):
        return "; ".join(partner.name for partner in listed(record, "partners"))

    def value_unit(self, record):
        return str(record.unit)


# The participants the dashboard's mobility figures count (its list: views.ParticipantListView).
class ParticipantTable(tables.Table):
    full_name = tables.Column(verbose_name=_("Name"), linkify=True, attrs={"td": {"class": "col-title"}})
    kind = tables.Column(verbose_name=_("Student or staff"))
    direction = tables.Column(verbose_name=_("Direction"))
    status = tables.Column(verbose_name=_("Status"))
    program = tables.Column(verbose_name=_("Program"), order_by=("program__title",))
    academic_year = tables.Column(
        verbose_name=_("Academic year"), accessor="program__academic_year", order_by=("program__academic_year",)
    )
    partner_institution = tables.Column(verbose_name=_("Partner"), order_by=("partner_institution__name",))
    unit = tables.Column(verbose_name=_("Our unit"), order_by=("unit__name",))
    starts_on = tables.DateColumn(short=False, verbose_name=_("Starts on"))

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

    def value_full_name(self, record):
        return record.full_name

    def value_kind(self, record):
        return record.get_kind_display()

    def value_direction(self, record):
        return record.get_direction_display()

    def value_status(self, record):
        return record.get_status_display()

    def value_program(self, record):
        return record.program.title

    def value_partner_institution(self, record):
        return record.partner_institution.name

    def value_unit(self, record):
        return str(record.unit)
