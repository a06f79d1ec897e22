"""`python manage.py send_reminders [--dry-run] [--date YYYY-MM-DD]`

The daily sweep, run synchronously (from cron, or by hand after an outage): records what is due
and sends it in this process, then prints each reminder. With --dry-run it records and sends
nothing and prints what it would send. It is safe next to the Celery worker: a reminder is
claimed before it is sent, so whichever process claims it first sends it, once.
"""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from cooperation.reminders.delivery import ReminderNotDelivered, reminder_deliver
from cooperation.reminders.models import Reminder
from cooperation.reminders.sweep import KINDS, reminders_sweep


def _day(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--date {text!r} is not a date in the form YYYY-MM-DD.") from None


class Command(BaseCommand):
    help = "Record the reminders due today (or on --date) and send them now, without Celery."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Print what would be sent; change nothing.")
        parser.add_argument("--date", type=_day, help="The day to sweep for (YYYY-MM-DD); today by default.")

    def handle(self, *args, dry_run: bool = False, date: datetime.date | None = None, **options):
        on = date or timezone.localdate()
        report = reminders_sweep(on=on, dry_run=dry_run, triggered_by="command")
        if dry_run:
            waiting = list(Reminder.objects.unsent().filter(retry_at__lte=timezone.now()).select_related("recipient"))
            to_send = report.new + waiting
            titles = self._titles(to_send)
            for reminder in to_send:
                self.stdout.write(f"would send  {self._describe(reminder, titles)}")
            self.stdout.write(
                f"Dry run for {on}: {report.due_items} records due, {len(to_send)} reminders would be sent, "
                f"{len(report.missed)} older thresholds would be skipped."
            )
            return

        sent = failed = 0
        for reminder_id in Reminder.objects.mark_ready_for_queue(timezone.now()):
            try:
                reminder = reminder_deliver(reminder_id=reminder_id, on=on)
            except ReminderNotDelivered as failure:
                failed += 1
                reminder = failure.reminder
                self.stderr.write(f"failed      {self._describe(reminder)}: {reminder.error}")
                continue
            if reminder is None:
                continue  # a worker got there first
            if reminder.state == Reminder.State.SENT:
                sent += 1
            self.stdout.write(f"{reminder.state:<11} {self._describe(reminder)}")
        self.stdout.write(
            f"Sweep for {on}: {report.due_items} records due, {sent} reminders sent, {failed} failed, "
            f"{report.superseded} stale ones skipped."
        )
        if failed:
            raise CommandError(f"{failed} reminders could not be sent; they stay failed and are retried.")

    def _titles(self, reminders: list[Reminder]) -> dict[tuple[str, int], str]:
        """The records' titles, one query per kind."""
        titles = {}
        for kind in {reminder.kind for reminder in reminders} & set(KINDS):
            ids = {reminder.item_id for reminder in reminders if reminder.kind == kind}
            for item in KINDS[kind].model._default_manager.filter(pk__in=ids):
                titles[(kind, item.pk)] = str(item)
        return titles

    def _describe(self, reminder: Reminder, titles: dict | None = None) -> str:
        title = (titles or {}).get((reminder.kind, reminder.item_id))
        if title is None and reminder.kind in KINDS:
            item = KINDS[reminder.kind].load(reminder.item_id)
            title = str(item) if item is not None else "?"
        what = f'{reminder.kind} #{reminder.item_id} "{title}"' if title else reminder.kind
        return f"{what} due {reminder.due_on} ({_threshold(reminder.threshold_days)}) -> {reminder.recipient_label}"


def _threshold(days: int) -> str:
    """When the reminder goes out, against its due date: a negative threshold is after it."""
    if days > 0:
        return ngettext("%(days)s day before", "%(days)s days before", days) % {"days": days}
    if days == 0:
        return gettext("on the due date")
    return ngettext("%(days)s day after", "%(days)s days after", -days) % {"days": -days}
