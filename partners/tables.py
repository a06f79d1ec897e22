import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from cooperation.lib.listing import choice_label
from partners.models import Institution


class InstitutionTable(tables.Table):
    name = tables.TemplateColumn(
        template_name="partners/cells/institution_name.html",
        verbose_name=_("Name"),
        order_by=("name",),
        attrs={"td": {"class": "col-title"}},
    )
    short_name = tables.Column(verbose_name=_("Short name"), visible=False)
    kind = tables.Column(verbose_name=_("Kind"))
    country = tables.TemplateColumn(
        template_name="partners/cells/country.html",
        verbose_name=_("Country"),
        order_by=("country", "name"),
        # Through the code, so that django-tables2 does not call get_country_display(): it
        # builds the whole list of countries on every call (a few ms a row).
        accessor="country__code",
    )
    city = tables.Column(verbose_name=_("City"))
    agreements_in_force = tables.Column(
        verbose_name=_("Agreements in force"), attrs={"td": {"class": "text-end"}, "th": {"class": "text-end"}}
    )
    status = tables.TemplateColumn(template_name="partners/cells/institution_status.html", verbose_name=_("Status"))
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

    # What the export writes: plain values, not the page's markup.
    def value_name(self, record):
        return record.name

    def value_country(self, record):
        return str(record.country.name)

    def value_kind(self, record):
        return choice_label(record, "kind")

    def value_status(self, record):
        return choice_label(record, "status")
