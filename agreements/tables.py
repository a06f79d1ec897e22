import django_tables2 as tables
from django.template.loader import render_to_string
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _

from agreements.models import Agreement
from cooperation.lib.listing import choice_label


class AgreementTable(tables.Table):
    title = tables.TemplateColumn(
        template_name="agreements/cells/title.html", verbose_name=_("Title"), attrs={"td": {"class": "col-title"}}
    )
    registration_number = tables.Column(verbose_name=_("Registration number"), visible=False)
    kind = tables.Column(verbose_name=_("Kind"))
    partners = tables.TemplateColumn(
        template_name="agreements/cells/partners.html", verbose_name=_("Partners"), orderable=False
    )
    responsible_unit = tables.Column(verbose_name=_("Responsible unit"), order_by=("responsible_unit__name",))
    signed_on = tables.DateColumn(short=False, verbose_name=_("Signed"), attrs={"td": {"class": "text-nowrap"}})
    expires_on = tables.TemplateColumn(
        template_name="agreements/cells/expires_on.html",
        verbose_name=_("Expires"),
        attrs={"td": {"class": "text-nowrap"}},
    )
    state = tables.TemplateColumn(
        template_name="agreements/cells/state.html", verbose_name=_("State"), order_by=("status", "expires_on")
    )

    class Meta:
        model = Agreement
        fields = []
        sequence = (
            "title",
            "registration_number",
            "kind",
            "partners",
            "responsible_unit",
            "signed_on",
            "expires_on",
            "state",
        )
        empty_text = _("No agreement matches these filters.")
        attrs = {"id": "agreement-table"}

    def value_title(self, record):
        return record.title

    def value_kind(self, record):
        return choice_label(record, "kind")

    def value_partners(self, record):
        return "; ".join(party.institution.name for party in record.parties.all() if not party.is_ours)

    def value_responsible_unit(self, record):
        return str(record.responsible_unit)

    def value_expires_on(self, record):
        return record.expires_on

    def value_state(self, record):
        # The badge reads only the state and, when expiring, the days left: drawn once per pair
        # (an export of thousands of rows would draw it for each).
        state = record.state()
        key = (state, record.days_left() if state == "expiring" else None)
        drawn = self.__dict__.setdefault("_state_values", {})
        if key not in drawn:
            drawn[key] = strip_tags(render_to_string("includes/state_badge.html", {"agreement": record})).strip()
        return drawn[key]
