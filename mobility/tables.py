import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from cooperation.lib.listing import choice_label
from mobility.models import Program

NUMBER = {"td": {"class": "text-end"}, "th": {"class": "text-end"}}


class ProgramTable(tables.Table):
    title = tables.TemplateColumn(
        template_name="mobility/cells/program_title.html", verbose_name=_("Title"), attrs={"td": {"class": "col-title"}}
    )
    kind = tables.Column(verbose_name=_("Kind"))
    academic_year = tables.Column(verbose_name=_("Academic year"), attrs={"td": {"class": "text-nowrap"}})
    direction = tables.Column(verbose_name=_("Direction"))
    partners = tables.TemplateColumn(
        template_name="cooperation/cells/partners.html", verbose_name=_("Partners"), orderable=False
    )
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

    def value_title(self, record):
        return record.title

    def value_kind(self, record):
        return choice_label(record, "kind")

    def value_direction(self, record):
        return choice_label(record, "direction")

    def value_partners(self, record):
        return "; ".join(partner.name for partner in record.partners.all())

    def value_unit(self, record):
        return str(record.unit)
