"""Secret tokens. A calendar application cannot log in and a script should not hold a password, so
each carries a secret: in the feed's URL (cooperation/calendar/models.py `CalendarFeedToken`),
or in the API's Authorization header (`ApiToken`, below). Only a SHA-256 hash of the secret is
stored, so a copy of the database (a backup, a dump for a developer) does not open anyone's
calendar or the API. The secret is shown once, when made (cooperation/api/tokens.py)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SecretTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)

    def find(self, secret: str):
        """The token (active or revoked) whose secret this is, or None.

        The row is found by the secret's first characters, which alone open nothing; the hashes
        are then compared in constant time, so response times tell nothing about the rest."""
        import hashlib
        import hmac

        model = self.model
        if not secret or len(secret) > 200:
            return None
        digest = hashlib.sha256(secret.encode()).hexdigest()
        for token in self.filter(key_prefix=secret[: model.PREFIX_LENGTH]).select_related("user"):
            if hmac.compare_digest(token.key_hash, digest):
                return token
        return None


class SecretToken(models.Model):
    PREFIX_LENGTH = 8

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="%(class)ss"
    )
    key_prefix = models.CharField(_("begins with"), max_length=PREFIX_LENGTH, editable=False)
    key_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = SecretTokenQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["-created_at"]
        constraints = [
            # One token in use per user: making a new one revokes the old (the services).
            models.UniqueConstraint(
                fields=["user"], condition=Q(revoked_at__isnull=True), name="%(class)s_one_active_per_user"
            ),
        ]
        indexes = [
            # SecretTokenQuerySet.find(): every feed fetch and API request.
            models.Index(fields=["key_prefix"], name="%(class)s_prefix"),
        ]

    def __str__(self):
        return f"{self.user} ({self.key_prefix}…)"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class ApiToken(SecretToken):
    """The secret a script sends to the REST API (cooperation/api/)."""

    class Meta(SecretToken.Meta):
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
