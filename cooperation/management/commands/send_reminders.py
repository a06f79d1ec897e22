"""`python manage.py send_reminders [--dry-run] [--date YYYY-MM-DD] [--jobs N]`

The daily sweep, run synchronously (from cron, or by hand after an outage): records what is due
and sends it, then prints each reminder. With --dry-run it records and sends nothing and prints
what it would send. It is safe next to the Celery worker: a reminder is claimed before it is
sent, so whichever process claims it first sends it, once.

Reminders go in batches of REMINDER_SEND_BATCH, each over one SMTP connection; with --jobs N,
N processes send batches side by side (each with its own database and SMTP connections), as N
worker processes would.
"""

import datetime
import multiprocessing
from dataclasses import dataclass, field
from functools import partial

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from cooperation.reminders.delivery import reminders_deliver, reminders_prepare
from cooperation.reminders.models import Reminder
from cooperation.reminders.sweep import KINDS, reminders_sweep


def _day(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--date {text!r} is not a date in the form YYYY-MM-DD.") from None


def _jobs(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise CommandError(f"--jobs {text!r} is not a number of processes (1 or more).")
    return int(text)


@dataclass
class Sent:
    """What one batch did, as lines to print (a batch may be sent in another process)."""

    lines: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    sent: int = 0
    failed: int = 0


def send_batch(reminder_ids: list[int], *, on: datetime.date) -> Sent:
    # Claimed by a worker first, a reminder is not in the outcome: it is theirs.
    outcome = reminders_deliver(reminder_ids=reminder_ids, on=on)
    failures = [failure.reminder for failure in outcome.failed]
    titles = record_titles(outcome.finished + failures)
    result = Sent(failed=len(failures))
    for reminder in outcome.finished:
        result.sent += reminder.state == Reminder.State.SENT
        result.lines.append(f"{reminder.state:<11} {describe(reminder, titles)}")
    for reminder in failures:
        result.errors.append(f"failed      {describe(reminder, titles)}: {reminder.error}")
    return result


def record_titles(reminders: list[Reminder]) -> dict[tuple[str, int], str]:
    """The records' titles, one query per kind."""
    titles = {}
    for kind in {reminder.kind for reminder in reminders} & set(KINDS):
        ids = {reminder.item_id for reminder in reminders if reminder.kind == kind}
        for item in KINDS[kind].load_many(ids):
            titles[(kind, item.pk)] = str(item)
    return titles


def describe(reminder: Reminder, titles: dict | None = None) -> str:
    title = (titles or {}).get((reminder.kind, reminder.item_id))
    if title is None and reminder.kind in KINDS:
        item = KINDS[reminder.kind].load(reminder.item_id)
        title = str(item) if item is not None else "?"
    what = f'{reminder.kind} #{reminder.item_id} "{title}"' if title else reminder.kind
    return f"{what} due {reminder.due_on} ({_threshold(reminder.threshold_days)}) -> {reminder.recipient_label}"


class Command(BaseCommand):
    help = "Record the reminders due today (or on --date) and send them now, without Celery."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Print what would be sent; change nothing.")
        parser.add_argument("--date", type=_day, help="The day to sweep for (YYYY-MM-DD); today by default.")
        parser.add_argument(
            "--jobs", type=_jobs, default=1, help="Processes sending batches side by side (default 1: this one)."
        )

    def handle(self, *args, dry_run: bool = False, date: datetime.date | None = None, jobs: int = 1, **options):
        on = date or timezone.localdate()
        report = reminders_sweep(on=on, dry_run=dry_run, triggered_by="command")
        if dry_run:
            waiting = list(Reminder.objects.unsent().filter(retry_at__lte=timezone.now()).select_related("recipient"))
            to_send = report.new + waiting
            titles = record_titles(to_send)
            for reminder in to_send:
                self.stdout.write(f"would send  {describe(reminder, titles)}")
            self.stdout.write(
                f"Dry run for {on}: {report.due_items} records due, {len(to_send)} reminders would be sent, "
                f"{len(report.missed)} older thresholds would be skipped."
            )
            return

        ready = Reminder.objects.mark_ready_for_queue(timezone.now())
        size = settings.REMINDER_SEND_BATCH
        batches = [ready[start : start + size] for start in range(0, len(ready), size)]
        sent = failed = 0
        for result in self._send(batches, on=on, jobs=jobs):
            for line in result.lines:
                self.stdout.write(line)
            for line in result.errors:
                self.stderr.write(line)
            sent += result.sent
            failed += result.failed
        self.stdout.write(
            f"Sweep for {on}: {report.due_items} records due, {sent} reminders sent, {failed} failed, "
            f"{report.superseded} stale ones skipped."
        )
        if failed:
            raise CommandError(f"{failed} reminders could not be sent; they stay failed and are retried.")

    def _send(self, batches: list[list[int]], *, on: datetime.date, jobs: int):
        if jobs == 1 or len(batches) < 2:
            for batch in batches:
                yield send_batch(batch, on=on)
            return
        reminders_prepare()  # loaded once, before the fork, rather than in each process
        # Each process opens its own database connection: none may be shared across the fork.
        connections.close_all()
        with multiprocessing.get_context("fork").Pool(min(jobs, len(batches))) as pool:
            yield from pool.imap_unordered(partial(send_batch, on=on), batches)


def _threshold(days: int) -> str:
    """When the reminder goes out, against its due date: a negative threshold is after it."""
    if days > 0:
        return ngettext("%(days)s day before", "%(days)s days before", days) % {"days": days}
    if days == 0:
        return gettext("on the due date")
    return ngettext("%(days)s day after", "%(days)s days after", -days) % {"days": -days}
