"""Small template helpers shared by the portal's pages."""

import datetime

from django import template
from django.utils import timezone

from cooperation.lib.choices import choice_label
from cooperation.lib.flags import flag_img
from cooperation.lib.permissions import can_change

register = template.Library()


@register.filter
def choice(record, field_name: str):
    """`{{ record|choice:"kind" }}`: what record.get_kind_display() says, for the rows of a page
    (cooperation/lib/choices.py)."""
    return choice_label(record, field_name)


@register.filter
def days_from_today(day: datetime.date | None) -> int | None:
    """Whole days from today (in the portal's time zone) to `day`: negative when it has passed."""
    if day is None:
        return None
    return (day - timezone.localdate()).days


@register.filter
def days_before_today(day: datetime.date | None) -> int | None:
    """Whole days from `day` to today: how overdue something due on `day` is."""
    if day is None:
        return None
    return (timezone.localdate() - day).days


@register.simple_tag
def page_numbers(page_obj):
    """The page numbers to link to around the current page, with ellipses (Paginator.ELLIPSIS) between."""
    return page_obj.paginator.get_elided_page_range(page_obj.number, on_each_side=2, on_ends=1)


@register.filter
def partner_institutions(parties) -> list:
    """The partner institutions among an agreement's parties (`agreement.parties.all`, prefetched), in order."""
    return [party.institution for party in parties if not party.is_ours]


@register.filter
def changeable_by(obj, user) -> bool:
    """May this user change this record? (The model permission and, for a coordinator, the unit.)"""
    opts = obj._meta
    return user.has_perm(f"{opts.app_label}.change_{opts.model_name}") and can_change(user, obj)


@register.filter
def minutes(duration: datetime.timedelta | None) -> int:
    """A duration in whole minutes (for "try again in N minutes")."""
    return int(duration.total_seconds() // 60) if duration else 0


@register.filter
def flag(country) -> str:
    """`{{ institution.country|flag }}`: the country's flag as an image (cooperation/lib/flags.py)."""
    return flag_img(getattr(country, "code", country) or "")
