"""The secret token in the address of a user's calendar feed (a calendar application cannot log
in); the base it shares with the API's token is cooperation/api/models.py `SecretToken`."""

from django.utils.translation import gettext_lazy as _

from cooperation.api.models import SecretToken


class CalendarFeedToken(SecretToken):
    """The secret in the URL of a user's iCalendar feed (cooperation/calendar/feed.py)."""

    class Meta(SecretToken.Meta):
        verbose_name = _("calendar feed token")
        verbose_name_plural = _("calendar feed tokens")
