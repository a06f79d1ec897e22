import django_tables2 as tables
from django.template.defaultfilters import date as date_filter
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from cooperation.lib.choices import choice_label
from cooperation.lib.table_rows import joined, listed
from cooperation.visits.models import Visit


class VisitTable(tables.Table):
    starts_on = tables.Column(
        verbose_name=_("Dates"),
        order_by=("starts_on", "ends_on"),
        attrs={"td": {"class": "text-nowrap"}},
    )
    ends_on = tables.DateColumn(short=False, verbose_name=_("Ends on"), visible=False)
    title = tables.Column(verbose_name=_("Title"), attrs={"td": {"class": "col-title"}})
    kind = tables.Column(verbose_name=_("Kind"))
    partners = tables.Column(verbose_name=_("Partners"), orderable=False, empty_values=())
    host_unit = tables.Column(verbose_name=_("Host unit"), order_by=("host_unit__name",))
    places = tables.Column(verbose_name=_("Place(s)"), visible=False)
    status = tables.Column(verbose_name=_("Status"), visible=False)

    class Meta:
        model = Visit
        fields = []
        sequence = ("starts_on", "ends_on", "title", "kind", "partners", "host_unit", "places", "status")
        empty_text = _("No visit or event matches these filters.")
        attrs = {"id": "visit-table"}
        row_attrs = {"class": lambda record: "text-body-secondary" if record.status == Visit.Status.CANCELLED else ""}

    # The cells, in Python rather than a template each: a list page draws hundreds
    # (cooperation/lib/table_rows.py).
    def render_starts_on(self, record):
        if record.is_one_day:
            return date_filter(record.starts_on)
        return f"{date_filter(record.starts_on)} – {date_filter(record.ends_on)}"

    def render_title(self, record):
        html = format_html('<a href="{}">{}</a>', record.get_absolute_url(), record.title)
        if record.status == Visit.Status.CANCELLED:
            html += format_html(' <span class="badge text-bg-secondary">{}</span>', choice_label(record, "status"))
        return html

    def render_partners(self, record):
        return joined(listed(record, "partners"))

    def value_starts_on(self, record):
        return record.starts_on

    def value_title(self, record):
        return record.title

    def value_kind(self, record):
        return choice_label(record, "kind")

    def value_partners(self, record):
        return "; ".join(partner.name for partner in listed(record, "partners"))

    def value_host_unit(self, record):
        return str(record.host_unit)

    def value_status(self, record):
        return choice_label(record, "status")
