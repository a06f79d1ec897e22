import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from cooperation.lib.listing import choice_label
from cooperation.models import Visit


class VisitTable(tables.Table):
    starts_on = tables.TemplateColumn(
        template_name="cooperation/cells/dates.html",
        verbose_name=_("Dates"),
        order_by=("starts_on", "ends_on"),
        attrs={"td": {"class": "text-nowrap"}},
    )
    ends_on = tables.DateColumn(short=False, verbose_name=_("Ends on"), visible=False)
    title = tables.TemplateColumn(
        template_name="cooperation/cells/visit_title.html",
        verbose_name=_("Title"),
        attrs={"td": {"class": "col-title"}},
    )
    kind = tables.Column(verbose_name=_("Kind"))
    partners = tables.TemplateColumn(
        template_name="cooperation/cells/partners.html", verbose_name=_("Partners"), orderable=False
    )
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

    def value_starts_on(self, record):
        return record.starts_on

    def value_title(self, record):
        return record.title

    def value_kind(self, record):
        return choice_label(record, "kind")

    def value_partners(self, record):
        return "; ".join(partner.name for partner in record.partners.all())

    def value_host_unit(self, record):
        return str(record.host_unit)

    def value_status(self, record):
        return choice_label(record, "status")
