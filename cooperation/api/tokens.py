"""Services for the secret tokens of the calendar feed and the API (cooperation.api.models.SecretToken).

A token is made with `secrets` (256 random bits), shown to its user once and stored as a hash.
Making a new one revokes the one in use, in one transaction, so a user never has two."""

import datetime
import hashlib
import secrets

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from cooperation.api.models import SecretToken


def token_issue(*, model: type[SecretToken], user) -> tuple[SecretToken, str]:
    """A new token for the user, revoking the one in use. Returns the row and the secret, which
    is not stored anywhere and so cannot be shown again."""
    secret = secrets.token_urlsafe(32)
    with transaction.atomic():
        # Lock the user, so that two clicks at once wait for each other rather than both inserting
        # (the second would break the one-active-token constraint). A no-op on SQLite, which
        # writes one transaction at a time anyway.
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        model.objects.active().filter(user=user).update(revoked_at=timezone.now())
        token = model.objects.create(
            user=user,
            key_prefix=secret[: model.PREFIX_LENGTH],
            key_hash=hashlib.sha256(secret.encode()).hexdigest(),
        )
    return token, secret


def token_revoke(*, model: type[SecretToken], user) -> int:
    """Revoke the user's token in use; the number revoked (0 or 1)."""
    return model.objects.active().filter(user=user).update(revoked_at=timezone.now())


def token_touch(*, token: SecretToken) -> None:
    """Note that the token was used, at most once an hour: calendar applications poll often, and
    a write on every fetch would be wasted."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > datetime.timedelta(hours=1):
        type(token).objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
