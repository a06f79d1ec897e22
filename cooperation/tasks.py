"""Celery tasks of the reminders: thin interfaces that take ids (or a date) and call a service.

Beat (django-celery-beat, schedules in the database, created by migrations 0004 and 0008)
starts the sweep every morning, the digest every Monday, the requeue every ten minutes, the
dashboard's warm-up every five and the summing up of its kept counts every ten (migration 0018). Nothing is scheduled weeks ahead: the sweep finds what is due
each day.
"""

import datetime

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from cooperation.dashboard import cache as dashboard_cache
from cooperation.dashboard import tallies
from cooperation.reminders import delivery, digest, sweep
from cooperation.reminders.models import Reminder

# A retry scheduled further ahead than this is left to reminders_requeue: a Redis message with
# an ETA beyond the broker's visibility timeout (an hour) would be delivered twice.
MAX_RETRY_COUNTDOWN = 30 * 60


def _day(on: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(on) if on else None


def queue_ready_reminders() -> int:
    """Hand every reminder that is waiting (new, or failed and due for a retry) to the workers,
    in batches of REMINDER_SEND_BATCH."""
    ready = Reminder.objects.mark_ready_for_queue(timezone.now())
    size = settings.REMINDER_SEND_BATCH
    for start in range(0, len(ready), size):
        reminders_send.delay_on_commit(ready[start : start + size])
    return len(ready)


@shared_task(acks_late=True)
def reminders_sweep(on: str | None = None) -> dict:
    """The daily sweep; `on` (YYYY-MM-DD) defaults to today in the portal's time zone."""
    report = sweep.reminders_sweep(on=_day(on), triggered_by="beat")
    return {
        "on": report.on.isoformat(),
        "due_items": report.due_items,
        "planned": len(report.planned),
        "superseded": report.superseded,
        "queued": queue_ready_reminders(),
    }


@shared_task(acks_late=True)
def reminders_requeue() -> int:
    """Every few minutes: reminders stuck in "sending" by a dead worker, failed ones due for a
    retry and queued ones whose message was lost go (back) to the workers; a morning sweep whose
    message was lost (Redis down at 07:00) runs now."""
    Reminder.objects.release_stuck(timezone.now())
    sweep.reminders_catch_up()
    return queue_ready_reminders()


@shared_task(acks_late=True)
def weekly_digest(on: str | None = None) -> int:
    digest.digest_record(on=_day(on))
    return queue_ready_reminders()


# A batch's time limit stays below REMINDER_SENDING_TIMEOUT, so a slow batch is never sent twice.
@shared_task(bind=True, acks_late=True, max_retries=None, time_limit=300, soft_time_limit=280)
def reminders_send(self, reminder_ids: list[int]) -> dict:
    """Send a batch of reminders over one connection; the failed ones are tried again as one
    batch once the longest of their waits is over (a longer wait is left to reminders_requeue)."""
    outcome = delivery.reminders_deliver(reminder_ids=reminder_ids)
    again = [failure for failure in outcome.failed if failure.retry_in is not None]
    if again and max(failure.retry_in for failure in again) <= MAX_RETRY_COUNTDOWN:
        raise self.retry(
            args=([failure.reminder.pk for failure in again],),
            countdown=max(failure.retry_in for failure in again),
            exc=again[0],
        )
    return {"finished": len(outcome.finished), "failed": len(outcome.failed), "not claimed": outcome.not_claimed}


@shared_task(bind=True, acks_late=True, max_retries=None, time_limit=120, soft_time_limit=100)
def reminder_send(self, reminder_id: int) -> str:
    """One reminder (tasks queued before reminders went in batches, and by hand)."""
    try:
        reminder = delivery.reminder_deliver(reminder_id=reminder_id)
    except delivery.ReminderNotDelivered as failure:
        if failure.retry_in is not None and failure.retry_in <= MAX_RETRY_COUNTDOWN:
            raise self.retry(countdown=failure.retry_in, exc=failure) from failure
        raise
    return reminder.state if reminder else "not claimed"


@shared_task
def dashboard_warm() -> int:
    """Every five minutes: the default dashboard computed into the cache again where a change made
    it stale (cooperation.dashboard.cache.warm_default_dashboards)."""
    return dashboard_cache.warm_default_dashboards()


@shared_task
def dashboard_tallies_compact() -> int:
    """Every ten minutes: the rows each write appended to the dashboard's kept counts summed into
    one per key (cooperation.dashboard.tallies.compact), so that reading them stays short."""
    return tallies.compact()
