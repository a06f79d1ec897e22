import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cooperation.lib.choices import choice_label
from partners.models import Institution


class InstitutionTable(tables.Table):
    name = tables.Column(
        verbose_name=_("Name"),
        order_by=("name",),
        attrs={"td": {"class": "col-title"}},
    )
    short_name = tables.Column(verbose_name=_("Short name"), visible=False)
    kind = tables.Column(verbose_name=_("Kind"))
    country = tables.Column(
        verbose_name=_("Country"),
        order_by=("country", "name"),
        # Through the code, so that django-tables2 does not call get_country_display(): it
        # builds the whole list of countries on every call (a few ms a row).
        accessor="country__code",
        empty_values=(),
    )
    city = tables.Column(verbose_name=_("City"))
    agreements_in_force = tables.Column(
        verbose_name=_("Agreements in force"), attrs={"td": {"class": "text-end"}, "th": {"class": "text-end"}}
    )
    status = tables.Column(verbose_name=_("Status"), empty_values=())
    erasmus_code = tables.Column(verbose_name=_("Erasmus code"), visible=False)
    pic = tables.Column(verbose_name=_("PIC"), visible=False)
    website = tables.Column(verbose_name=_("Website"), visible=False)

    class Meta:
        model = Institution
        fields = []
        sequence = ("name", "short_name", "kind", "country", "city", "agreements_in_force", "status")
        empty_text = _("No partner matches. Check the spelling or try the name in another language.")
        attrs = {"id": "institution-table"}
        orderable = True

    # The cells, in Python rather than a template each: a list page draws hundreds
    # (cooperation/lib/table_rows.py).
    def render_name(self, record):
        html = format_html('<a href="{}">{}</a>', record.get_absolute_url(), record.name)
        if record.short_name:
            html += format_html(' <span class="text-body-secondary">({})</span>', record.short_name)
        if record.parent:
            part_of = gettext("part of %(parent)s") % {"parent": record.parent.name}
            html += format_html('\n<div class="small text-body-secondary">{}</div>', part_of)
        return html

    def render_country(self, record):
        country = record.country
        return format_html(
            '<span class="text-nowrap"><span aria-hidden="true">{}</span> {}</span>', country.unicode_flag, country.name
        )

    def render_status(self, record):
        colour = self.STATUS_COLOURS.get(record.status, "secondary")
        return format_html('<span class="badge text-bg-{}">{}</span>', colour, choice_label(record, "status"))

    STATUS_COLOURS = {"active": "success", "prospective": "info"}

    # What the export writes: plain values, not the page's markup.
    def value_name(self, record):
        return record.name

    def value_country(self, record):
        return str(record.country.name)

    def value_kind(self, record):
        return choice_label(record, "kind")

    def value_status(self, record):
        return choice_label(record, "status")
