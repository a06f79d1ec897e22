import django_tables2 as tables
from django.template.defaultfilters import date as date_filter
from django.template.loader import render_to_string
from django.utils.html import format_html, strip_tags
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from agreements.models import Agreement
from cooperation.lib.choices import choice_label
from cooperation.lib.table_rows import joined, listed

_STATE_BADGES: dict[tuple, str] = {}


def partner_institutions(record) -> list:
    """The agreement's partners (the parties that are not our units), as the list prefetched them."""
    return [party.institution for party in listed(record, "parties") if not party.is_ours]


class AgreementTable(tables.Table):
    title = tables.Column(verbose_name=_("Title"), attrs={"td": {"class": "col-title"}})
    registration_number = tables.Column(verbose_name=_("Registration number"), visible=False)
    kind = tables.Column(verbose_name=_("Kind"))
    partners = tables.Column(verbose_name=_("Partners"), orderable=False, empty_values=())
    responsible_unit = tables.Column(verbose_name=_("Responsible unit"), order_by=("responsible_unit__name",))
    signed_on = tables.DateColumn(short=False, verbose_name=_("Signed"), attrs={"td": {"class": "text-nowrap"}})
    expires_on = tables.Column(verbose_name=_("Expires"), attrs={"td": {"class": "text-nowrap"}}, empty_values=())
    state = tables.Column(verbose_name=_("State"), order_by=("status", "expires_on"), empty_values=())

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

    # The cells, in Python rather than a template each: a list page draws hundreds
    # (cooperation/lib/table_rows.py).
    def render_title(self, record):
        html = format_html('<a href="{}">{}</a>', record.get_absolute_url(), record.title)
        if record.registration_number:
            html += format_html(
                ' <span class="small text-body-secondary text-nowrap">№ {}</span>', record.registration_number
            )
        return html

    def render_partners(self, record):
        return joined(partner_institutions(record))

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
        return self._state_badge(record)

    def _state_badge(self, record, plain=False):
        # The badge reads only the state and, when expiring, the days left: drawn once per pair
        # and language in the process (a page of expiring agreements has as many day counts as
        # rows; an export thousands of rows).
        state = record.state()
        key = (state, record.days_left() if state == "expiring" else None, plain, get_language())
        badge = _STATE_BADGES.get(key)
        if badge is None:
            if len(_STATE_BADGES) > 5_000:  # 8 states, 91 day counts, 3 languages: never, but bounded
                _STATE_BADGES.clear()
            badge = render_to_string("includes/state_badge.html", {"agreement": record})
            badge = _STATE_BADGES[key] = strip_tags(badge).strip() if plain else badge
        return badge

    def value_title(self, record):
        return record.title

    def value_kind(self, record):
        return choice_label(record, "kind")

    def value_partners(self, record):
        return "; ".join(institution.name for institution in partner_institutions(record))

    def value_responsible_unit(self, record):
        return str(record.responsible_unit)

    def value_expires_on(self, record):
        return record.expires_on

    def value_state(self, record):
        return self._state_badge(record, plain=True)
