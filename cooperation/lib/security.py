"""Login protection helpers."""

from django.conf import settings


def client_ip_address(request) -> str | None:
    """The address a login attempt came from. Behind our one proxy (nginx, BEHIND_PROXY) that is
    the last X-Forwarded-For entry, the one nginx itself appended: entries before it come from the
    client and could be forged to dodge the lockout."""
    if getattr(settings, "BEHIND_PROXY", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        addresses = [part.strip() for part in forwarded.split(",") if part.strip()]
        if addresses:
            return addresses[-1]
    return request.META.get("REMOTE_ADDR")
