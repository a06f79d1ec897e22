import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from cooperation.lib.choices import choice_label
from cooperation.lib.table_rows import joined, listed
from mobility.models import Program

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
