from django.conf import settings
from django.utils.functional import cached_property

from cooperation.reminders.models import Notification, SweepRun


def portal(request):
    return {"HOME_INSTITUTION_NAME": settings.HOME_INSTITUTION_NAME}


class NotificationBell:
    """The bell in the navigation bar: queried only when a page shows it."""

    def __init__(self, user):
        self.user = user

    @cached_property
    def unread(self) -> int:
        return Notification.objects.unread().filter(user=self.user).count()

    @cached_property
    def sweep_is_late(self) -> bool:
        """Administrators are warned when the reminder sweep has not run for a day and more."""
        return self.user.is_superuser and SweepRun.is_late()

    @cached_property
    def last_sweep_at(self):
        return SweepRun.last_finished_at()


def notifications(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"notification_bell": NotificationBell(user)}
