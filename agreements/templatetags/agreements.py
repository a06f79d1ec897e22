"""Template helpers of the agreement pages."""

from django import template
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def state_badge(agreement):
    """`{% state_badge agreement %}`: the agreement's state (Agreement.state_text()) as a badge
    coloured by the state (static/css/portal.css, .badge-state-*)."""
    return format_html('<span class="badge badge-state-{}">{}</span>', agreement.state(), agreement.state_text())
