import django_tables2 as tables
from django.template.defaultfilters import date as date_filter
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from agreements.models import Agreement
from agreements.templatetags.agreements import state_badge
from cooperation.lib.tables import ListTable, joined, prefetched


def partner_institutions(record) -> list:
    """The agreement's partners (the parties that are not our units), as the list prefetched them."""
    return [party.institution for party in prefetched(record, "parties") if not party.is_ours]


class AgreementTable(ListTable):
    title = tables.Column(verbose_name=_("Title"), attrs={"td": {"class": "col-title"}})
    registration_number = tables.Column(verbose_name=_("Registration number"), visible=False)
    kind = tables.Column(verbose_name=_("Kind"))
    partners = tables.Column(verbose_name=_("Partners"), orderable=False)
    responsible_unit = tables.Column(verbose_name=_("Responsible unit"), order_by=("responsible_unit__name",))
    signed_on = tables.Column(verbose_name=_("Signed"), attrs={"td": {"class": "text-nowrap"}})
    expires_on = tables.Column(verbose_name=_("Expires"), attrs={"td": {"class": "text-nowrap"}})
    state = tables.Column(verbose_name=_("State"), order_by=("status", "expires_on"))

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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._today = None
        self._state_words: dict[str, str] = {}

    def render_title(self, record):
        html = format_html('<a href="{}">{}</a>', record.get_absolute_url(), record.title)
        if record.registration_number:
            html += format_html(
                ' <span class="small text-body-secondary text-nowrap">№ {}</span>', record.registration_number
            )
        if getattr(record, "iia_changed", False):  # annotated by the list's queryset
            html += format_html(
                ' <span class="badge text-bg-warning">{}</span>', gettext("changed since the partner approved it")
            )
        return html

    def render_registration_number(self, record):
        return record.registration_number or self.EMPTY

    def render_kind(self, record):
        return self.choice_label(record, "kind")

    def render_partners(self, record):
        return joined(partner_institutions(record))

    def render_responsible_unit(self, record):
        return record.responsible_unit

    def render_signed_on(self, record):
        return date_filter(record.signed_on) or self.EMPTY

    def render_expires_on(self, record):
        if not record.expires_on:
            return gettext("open-ended")
        html = format_html("{}", date_filter(record.expires_on))
        if record.auto_renews:
            renews = gettext("renews automatically")
            html += format_html(
                ' <i class="bi bi-arrow-repeat" title="{}"></i><span class="visually-hidden">{}</span>', renews, renews
            )
        return html

    def render_state(self, record):
        return state_badge(record)

    # What the export writes where the cell's markup is not the value.
    def value_title(self, record):
        return record.title

    def value_registration_number(self, record):
        return record.registration_number

    def value_partners(self, record):
        return "; ".join(institution.name for institution in partner_institutions(record))

    def value_responsible_unit(self, record):
        return str(record.responsible_unit)

    def value_signed_on(self, record):
        return record.signed_on

    def value_expires_on(self, record):
        return record.expires_on

    def value_state(self, record):
        # Today and the states' words once per table, not once per row of an export.
        if self._today is None:
            self._today = timezone.localdate()
        state = record.state(self._today)
        if state == Agreement.State.EXPIRING:
            return record.state_text(self._today)
        if state not in self._state_words:
            self._state_words[state] = str(state.label)
        return self._state_words[state]
