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


class ContentSecurityPolicyMiddleware:
    """Send settings.CONTENT_SECURITY_POLICY with every page that has no policy of its own (the
    document downloads set a stricter one). Browsers apply a policy to documents only, so
    JSON, files and feeds are left as they are."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = settings.CONTENT_SECURITY_POLICY

    def __call__(self, request):
        response = self.get_response(request)
        if (
            self.policy
            and "Content-Security-Policy" not in response
            and response.get("Content-Type", "").startswith("text/html")
        ):
            response["Content-Security-Policy"] = self.policy
        return response
