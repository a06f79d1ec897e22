import django_tables2 as tables
from django.template.defaultfilters import date as date_filter
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from cooperation.lib.tables import ListTable, joined, prefetched
from cooperation.visits.models import Visit


class VisitTable(ListTable):
    starts_on = tables.Column(
        verbose_name=_("Dates"), order_by=("starts_on", "ends_on"), attrs={"td": {"class": "text-nowrap"}}
    )
    ends_on = tables.Column(verbose_name=_("Ends on"), visible=False)
    title = tables.Column(verbose_name=_("Title"), attrs={"td": {"class": "col-title"}})
    kind = tables.Column(verbose_name=_("Kind"))
    partners = tables.Column(verbose_name=_("Partners"), orderable=False)
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

    def render_starts_on(self, record):
        if record.is_one_day:
            return date_filter(record.starts_on)
        return f"{date_filter(record.starts_on)} – {date_filter(record.ends_on)}"

    def render_ends_on(self, record):
        return date_filter(record.ends_on)

    def render_title(self, record):
        html = format_html('<a href="{}">{}</a>', record.get_absolute_url(), record.title)
        if record.status == Visit.Status.CANCELLED:
            html += format_html(' <span class="badge text-bg-secondary">{}</span>', self.choice_label(record, "status"))
        return html

    def render_kind(self, record):
        return self.choice_label(record, "kind")

    def render_partners(self, record):
        return joined(prefetched(record, "partners"))

    def render_host_unit(self, record):
        return record.host_unit

    def render_places(self, record):
        return record.places or self.EMPTY

    def render_status(self, record):
        return self.choice_label(record, "status")

    # What the export writes where the cell's markup is not the value.
    def value_starts_on(self, record):
        return record.starts_on

    def value_ends_on(self, record):
        return record.ends_on

    def value_title(self, record):
        return record.title

    def value_partners(self, record):
        return "; ".join(partner.name for partner in prefetched(record, "partners"))

    def value_places(self, record):
        return record.places

    def value_host_unit(self, record):
        return str(record.host_unit)
