import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cooperation.lib.flags import flag_img
from cooperation.lib.tables import ListTable
from partners.models import Institution

NUMBER = {"td": {"class": "text-end"}, "th": {"class": "text-end"}}


class InstitutionTable(ListTable):
    name = tables.Column(verbose_name=_("Name"), order_by=("name",), attrs={"td": {"class": "col-title"}})
    short_name = tables.Column(verbose_name=_("Short name"), visible=False)
    kind = tables.Column(verbose_name=_("Kind"))
    country = tables.Column(verbose_name=_("Country"), order_by=("country", "name"))
    city = tables.Column(verbose_name=_("City"))
    agreements_in_force = tables.Column(verbose_name=_("Agreements in force"), attrs=NUMBER)
    status = tables.Column(verbose_name=_("Status"))
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

    STATUS_COLOURS = {"active": "success", "prospective": "info"}

    def render_name(self, record):
        html = format_html('<a href="{}">{}</a>', record.get_absolute_url(), record.name)
        if record.short_name:
            html += format_html(' <span class="text-body-secondary">({})</span>', record.short_name)
        if record.parent:
            part_of = gettext("part of %(parent)s") % {"parent": record.parent.name}
            html += format_html('\n<div class="small text-body-secondary">{}</div>', part_of)
        return html

    def render_short_name(self, record):
        return record.short_name or self.EMPTY

    def render_kind(self, record):
        return self.choice_label(record, "kind")

    def render_country(self, record):
        # The country's name from django-countries' Country object, not get_country_display(),
        # which builds the whole list of countries on every call.
        country = record.country
        return format_html('<span class="text-nowrap">{} {}</span>', flag_img(country.code), country.name)

    def render_city(self, record):
        return record.city or self.EMPTY

    def render_agreements_in_force(self, record):
        return record.agreements_in_force

    def render_status(self, record):
        colour = self.STATUS_COLOURS.get(record.status, "secondary")
        return format_html('<span class="badge text-bg-{}">{}</span>', colour, self.choice_label(record, "status"))

    def render_erasmus_code(self, record):
        return record.erasmus_code or self.EMPTY

    def render_pic(self, record):
        return record.pic or self.EMPTY

    def render_website(self, record):
        return record.website or self.EMPTY

    # What the export writes where the cell's markup is not the value.
    def value_name(self, record):
        return record.name

    def value_country(self, record):
        return str(record.country.name)

    def value_short_name(self, record):
        return record.short_name

    def value_city(self, record):
        return record.city

    def value_erasmus_code(self, record):
        return record.erasmus_code

    def value_pic(self, record):
        return record.pic

    def value_website(self, record):
        return record.website

    def value_status(self, record):
        return self.choice_label(record, "status")
