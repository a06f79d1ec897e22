"""Reading settings from the environment.

Each helper fails loudly on a malformed value: a typo in a deployment's environment must stop
the portal at start-up, not quietly switch a feature off.
"""

import os
from urllib.parse import parse_qs, unquote, urlparse

from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def envbool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean; use true or false.")


def envint(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None


def envstr(name: str, default: str) -> str:
    return os.environ.get(name, default)


def envlist(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def email_settings(url: str | None) -> dict:
    """Turn EMAIL_URL into Django's EMAIL_* settings.

    smtp://user:password@host:port        plain SMTP (add ?tls=true for STARTTLS)
    smtps://user:password@host:465        SMTP over SSL
    console:// | locmem:// | dummy://     development and test back ends
    """
    if not url:
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    parsed = urlparse(url)
    simple_backends = {
        "console": "django.core.mail.backends.console.EmailBackend",
        "locmem": "django.core.mail.backends.locmem.EmailBackend",
        "dummy": "django.core.mail.backends.dummy.EmailBackend",
    }
    if parsed.scheme in simple_backends:
        return {"EMAIL_BACKEND": simple_backends[parsed.scheme]}
    if parsed.scheme not in ("smtp", "smtps"):
        raise ImproperlyConfigured(
            f"EMAIL_URL scheme {parsed.scheme!r} is not supported; "
            "use smtp://, smtps://, console://, locmem:// or dummy://."
        )
    if not parsed.hostname:
        raise ImproperlyConfigured(f"EMAIL_URL {url!r} names no host.")
    try:
        port = parsed.port or (465 if parsed.scheme == "smtps" else 25)
    except ValueError:
        raise ImproperlyConfigured(f"EMAIL_URL {url!r} has a malformed port.") from None
    query = parse_qs(parsed.query)
    use_tls = query.get("tls", ["false"])[0].lower() in TRUE_WORDS
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parsed.hostname,
        "EMAIL_PORT": port,
        "EMAIL_HOST_USER": unquote(parsed.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parsed.password or ""),
        "EMAIL_USE_SSL": parsed.scheme == "smtps",
        "EMAIL_USE_TLS": use_tls,
    }
