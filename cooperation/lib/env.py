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


# What DOCUMENTS_STORAGE_URL's query may say, and the S3Storage option each one sets.
S3_URL_OPTIONS = {"endpoint": "endpoint_url", "region": "region_name", "addressing": "addressing_style"}


def document_storage(url: str) -> dict:
    """Turn DOCUMENTS_STORAGE_URL into the entry of Django's STORAGES that keeps uploaded files.

    (empty)                                   the folder MEDIA_ROOT on this machine
    s3://bucket[/prefix]?endpoint=https://s3.example:9000&region=kz-1&addressing=path
    s3://ACCESS_KEY:SECRET_KEY@bucket...      keys in the URL (percent-encoded); without
                                              them boto3 finds its own (AWS_ACCESS_KEY_ID, ...)

    Any S3-compatible store (MinIO, Ceph, a cloud provider's) through django-storages. The
    bucket stays private: files are read through the portal, which checks the user's right."""
    if not url:
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    parsed = urlparse(url)
    if parsed.scheme != "s3":
        raise ImproperlyConfigured(
            f"DOCUMENTS_STORAGE_URL scheme {parsed.scheme!r} is not supported; use s3://bucket?endpoint=... "
            "or leave it empty for the folder MEDIA_ROOT."
        )
    if not parsed.hostname:
        raise ImproperlyConfigured(f"DOCUMENTS_STORAGE_URL {url!r} names no bucket (s3://BUCKET/...).")
    options = {
        "bucket_name": parsed.hostname,
        "location": parsed.path.strip("/"),
        # No ACL of its own on each file: the bucket's (private) holds, which stores that refuse
        # per-object ACLs accept too. Never overwritten: each version keeps its own file.
        "querystring_auth": True,
        "file_overwrite": False,
    }
    if parsed.username or parsed.password:
        if not (parsed.username and parsed.password):
            raise ImproperlyConfigured("DOCUMENTS_STORAGE_URL gives an access key without its secret, or the reverse.")
        options.update(access_key=unquote(parsed.username), secret_key=unquote(parsed.password))
    for name, values in parse_qs(parsed.query, keep_blank_values=True).items():
        if name not in S3_URL_OPTIONS:
            raise ImproperlyConfigured(
                f"DOCUMENTS_STORAGE_URL has an unknown parameter {name!r}; "
                f"it may have {', '.join(sorted(S3_URL_OPTIONS))}."
            )
        if len(values) != 1 or not values[0]:
            raise ImproperlyConfigured(f"DOCUMENTS_STORAGE_URL gives {name!r} no value, or more than one.")
        options[S3_URL_OPTIONS[name]] = values[0]
    if options.get("addressing_style", "path") not in ("path", "virtual"):
        raise ImproperlyConfigured("DOCUMENTS_STORAGE_URL: addressing is path or virtual.")
    endpoint = options.get("endpoint_url")
    if endpoint is not None and (urlparse(endpoint).scheme not in ("http", "https") or not urlparse(endpoint).hostname):
        raise ImproperlyConfigured(f"DOCUMENTS_STORAGE_URL: endpoint {endpoint!r} is not an http(s):// address.")
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}
