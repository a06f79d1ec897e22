"""The daily reminder sweep, and what visits and follow-up actions remind about.

Every morning the sweep asks each rule module which records have a due date near today
(agreements/reminders.py, agreements/ewp/approval.py, mobility/reminders.py and the visit and
action rules below), picks for each record the most urgent threshold it has reached, and
records one reminder per recipient under the unique constraint of Reminder. cooperation/reminders/delivery.py then delivers
them. Nothing is scheduled ahead: a record whose date changes is simply found on its new date.

After an outage only the most urgent reached threshold of a record is sent; the thresholds
reached while nothing ran are recorded as skipped, and unsent reminders of an earlier
threshold or of a due date that changed are skipped as well.
"""

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import chain

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.utils import timezone

from agreements import reminders as agreement_rules
from agreements.ewp import approval as iia_approval
from agreements.models import Agreement, IiaApproval
from agreements.reminders import DateWindow, Due
from cooperation import roles
from cooperation.reminders.models import REMINDER_KEY, Reminder, ReminderPolicy, SweepRun
from cooperation.visits.models import FollowUpAction, Visit
from mobility import reminders as mobility_rules
from mobility.models import Participant, Program

VISIT_START = "visit_start"
ACTION_DUE = "action_due"


def visit_due(visit: Visit) -> Due | None:
    """A planned visit reminds about its first day; a held or cancelled one about nothing."""
    if visit.status != Visit.Status.PLANNED:
        return None
    return Due(VISIT_START, visit.pk, visit.starts_on, visit.host_unit_id, visit.responsible_person_id)


def action_due(action: FollowUpAction) -> Due | None:
    """An open follow-up action reminds its owner about its due date, and when it is overdue."""
    if action.done_on is not None:
        return None
    return Due(ACTION_DUE, action.pk, action.due_on, action.visit.host_unit_id, action.owner_id)


def visits_due(*, windows: Mapping[str, DateWindow]) -> Iterator[Due]:
    """Visits and open actions whose date falls in the window of its kind (two queries)."""
    if VISIT_START in windows:
        visits = Visit.objects.filter(status=Visit.Status.PLANNED, starts_on__range=windows[VISIT_START]).only(
            "id", "status", "starts_on", "host_unit_id", "responsible_person_id"
        )
        for visit in visits.iterator(chunk_size=5000):
            yield visit_due(visit)
    if ACTION_DUE in windows:
        actions = (
            FollowUpAction.objects.open()
            .filter(due_on__range=windows[ACTION_DUE])
            .select_related("visit")
            .only("id", "done_on", "due_on", "owner_id", "visit__id", "visit__host_unit_id")
        )
        for action in actions.iterator(chunk_size=5000):
            yield action_due(action)


@dataclass(frozen=True)
class ReminderKind:
    """What the sweep and the delivery need to know about one kind of reminder."""

    model: type[models.Model]
    due: Callable[[models.Model, datetime.date], Due | None]
    # What the e-mail shows besides the record itself.
    related: tuple[str, ...] = ()
    url: Callable[[models.Model], str] = lambda item: item.get_absolute_url()

    def load(self, item_id: int) -> models.Model | None:
        return self.load_many([item_id]).first()

    def load_many(self, item_ids) -> models.QuerySet:
        return self.model._default_manager.filter(pk__in=item_ids).select_related(*self.related)


KINDS: dict[str, ReminderKind] = {
    agreement_rules.EXPIRY: ReminderKind(
        Agreement, due=lambda item, on: agreement_rules.agreement_due(item, on=on), related=("responsible_unit",)
    ),
    agreement_rules.NOTICE: ReminderKind(
        Agreement, due=lambda item, on: agreement_rules.agreement_due(item, on=on), related=("responsible_unit",)
    ),
    VISIT_START: ReminderKind(Visit, due=lambda item, on: visit_due(item), related=("host_unit",)),
    ACTION_DUE: ReminderKind(
        FollowUpAction,
        due=lambda item, on: action_due(item),
        related=("visit__host_unit",),
        url=lambda item: f"{item.visit.get_absolute_url()}#actions",
    ),
    mobility_rules.APPLICATION: ReminderKind(
        Program,
        due=lambda item, on: mobility_rules.program_due(item, kind=mobility_rules.APPLICATION),
        related=("unit",),
    ),
    mobility_rules.NOMINATION: ReminderKind(
        Program,
        due=lambda item, on: mobility_rules.program_due(item, kind=mobility_rules.NOMINATION),
        related=("unit",),
    ),
    iia_approval.IIA_CHANGED: ReminderKind(
        IiaApproval,
        due=lambda item, on: iia_approval.iia_change_due(item),
        related=("party__agreement__responsible_unit", "party__institution"),
    ),
    mobility_rules.DOCUMENTS: ReminderKind(
        Participant,
        due=lambda item, on: mobility_rules.participant_due(item),
        related=("program__unit", "partner_institution"),
    ),
}


def items_due(*, on: datetime.date, windows: Mapping[str, DateWindow]) -> Iterator[Due]:
    """Every record with a due date in the window of its kind, from every rule module."""
    return chain(
        agreement_rules.agreements_due(on=on, windows=windows),
        visits_due(windows=windows),
        mobility_rules.mobility_due(windows=windows),
        iia_approval.iia_changes_due(windows=windows),
    )


# Thresholds: days before the due date (0 the day itself, negative after it). A threshold is
# reached on due_on - days and stays the current one until a more urgent one is reached.


def reaches_on(*, due_on: datetime.date, days: int) -> datetime.date:
    return due_on - datetime.timedelta(days=days)


def reached_thresholds(*, due_on: datetime.date, on: datetime.date, thresholds: tuple[int, ...]) -> list[int]:
    """The thresholds reached by `on`, the most urgent first."""
    return sorted(days for days in thresholds if reaches_on(due_on=due_on, days=days) <= on)


def is_superseded(*, due_on: datetime.date, days: int, on: datetime.date, thresholds: tuple[int, ...]) -> bool:
    """A more urgent threshold than `days` is reached: a reminder for `days` is stale."""
    return any(other < days and reaches_on(due_on=due_on, days=other) <= on for other in thresholds)


def due_window(*, on: datetime.date, thresholds: tuple[int, ...]) -> DateWindow:
    """The due dates for which some threshold is reached on `on` and the record is still worth a
    reminder: up to the most distant threshold ahead, and the catch-up period behind."""
    ahead = max(max(thresholds), 0)
    behind = max(settings.REMINDER_CATCH_UP_DAYS, -min(thresholds), 0)
    return on - datetime.timedelta(days=behind), on + datetime.timedelta(days=ahead)


@dataclass(frozen=True)
class Recipient:
    user_id: int | None
    email: str
    key: str


class RecipientDirectory:
    """Who hears about a record: the person responsible for it, the coordinators of the unit
    that owns it, and the office's shared mailbox. Loaded once per sweep (two queries)."""

    def __init__(self, *, coordinators_by_unit: Mapping[int, list[int]], inactive_user_ids: set[int], mailbox: str):
        self.coordinators_by_unit = coordinators_by_unit
        self.inactive_user_ids = inactive_user_ids
        self.mailbox = mailbox.strip()

    @classmethod
    def load(cls) -> "RecipientDirectory":
        User = get_user_model()
        coordinators = defaultdict(list)
        rows = (
            User.objects.filter(is_active=True, groups__name=roles.COORDINATOR, profile__unit__isnull=False)
            .values_list("id", "profile__unit_id")
            .order_by("id")
            .distinct()
        )
        for user_id, unit_id in rows:
            coordinators[unit_id].append(user_id)
        inactive = set(User.objects.filter(is_active=False).values_list("id", flat=True))
        return cls(coordinators_by_unit=coordinators, inactive_user_ids=inactive, mailbox=settings.OFFICE_MAILBOX)

    def recipients(self, due: Due) -> list[Recipient]:
        user_ids = [due.responsible_id] if due.responsible_id else []
        user_ids += self.coordinators_by_unit.get(due.unit_id, [])
        recipients = {}
        for user_id in user_ids:
            if user_id not in self.inactive_user_ids:
                key = Reminder.user_key(user_id)
                recipients[key] = Recipient(user_id, "", key)
        if self.mailbox:
            key = Reminder.mailbox_key(self.mailbox)
            recipients[key] = Recipient(None, self.mailbox, key)
        return list(recipients.values())


@dataclass
class SweepReport:
    on: datetime.date
    dry_run: bool
    due_items: int = 0
    # The reminders of the most urgent reached thresholds (recorded, or to be, as pending).
    planned: list[Reminder] = field(default_factory=list)
    # Thresholds reached since the previous sweep but overtaken by a more urgent one.
    missed: list[Reminder] = field(default_factory=list)
    # Unsent reminders made stale (superseded, or their record changed).
    superseded: int = 0
    released: int = 0
    # Dry run only: the planned reminders that are not recorded yet, i.e. would be sent.
    new: list[Reminder] = field(default_factory=list)


# The morning sweep is scheduled at 07:00 (Asia/Almaty); past this hour a day without a sweep
# means its message was lost (Redis or the worker were down): the requeue pass runs it.
CATCH_UP_AFTER = datetime.time(8, 0)


def reminders_catch_up(*, now: datetime.datetime | None = None) -> SweepReport | None:
    """Run today's sweep if it has not run and its hour is past; None when nothing was missed.
    Running it twice is harmless (what is recorded once is never recorded again)."""
    now = timezone.localtime(now)
    if now.time() < CATCH_UP_AFTER or SweepRun.objects.filter(on=now.date()).exists():
        return None
    return reminders_sweep(on=now.date(), triggered_by="catch-up")


def reminders_sweep(
    *, on: datetime.date | None = None, dry_run: bool = False, triggered_by: str = "beat"
) -> SweepReport:
    """Record every reminder due on `on` (today in the portal's time zone by default).

    Safe to run any number of times, at once or one after the other: what is recorded once is
    never recorded again. Its number of queries does not depend on the number of records."""
    started_at = timezone.now()
    on = on or timezone.localdate()
    policy = ReminderPolicy.load()
    thresholds = {kind: policy.thresholds(kind) for kind in KINDS}
    windows = {kind: due_window(on=on, thresholds=days) for kind, days in thresholds.items() if days}
    dues = list(items_due(on=on, windows=windows))
    previous_on = SweepRun.objects.filter(on__lt=on).order_by("-on").values_list("on", flat=True).first()
    directory = RecipientDirectory.load()

    report = SweepReport(on=on, dry_run=dry_run, due_items=len(dues))
    for due in dues:
        reached = reached_thresholds(due_on=due.due_on, on=on, thresholds=thresholds[due.kind])
        if not reached:
            continue
        current, earlier = reached[0], reached[1:]
        # Only what the sweeps since the previous one should have sent is logged as skipped;
        # thresholds reached before it were that sweep's business.
        missed = [
            days
            for days in earlier
            if previous_on is not None and reaches_on(due_on=due.due_on, days=days) > previous_on
        ]
        for recipient in directory.recipients(due):
            report.planned.append(_reminder(due, current, recipient, now=started_at))
            report.missed.extend(
                _reminder(
                    due,
                    days,
                    recipient,
                    now=started_at,
                    state=Reminder.State.SKIPPED,
                    skip_reason=Reminder.SkipReason.SUPERSEDED,
                )
                for days in missed
            )

    current_due_dates = {(due.kind, due.item_id): due.due_on for due in dues}
    if dry_run:
        report.new = _not_recorded(report.planned)
        return report

    with transaction.atomic():
        report.released = Reminder.objects.release_stuck(started_at)
        # Most of what is due today was recorded on earlier days: inserting only the rest keeps
        # a daily sweep short. The unique constraint still decides when two sweeps race.
        Reminder.objects.record(_not_recorded(report.planned + report.missed))
        report.superseded = _skip_stale(on=on, current_due_dates=current_due_dates, thresholds=thresholds)
        SweepRun.objects.create(
            on=on,
            started_at=started_at,
            finished_at=timezone.now(),
            triggered_by=triggered_by,
            due_items=report.due_items,
            planned=len(report.planned),
            superseded=report.superseded,
        )
    return report


def _reminder(due: Due, days: int, recipient: Recipient, *, now: datetime.datetime, **fields) -> Reminder:
    values = {
        "kind": due.kind,
        "item_id": due.item_id,
        "due_on": due.due_on,
        "threshold_days": days,
        "recipient_id": recipient.user_id,
        "recipient_key": recipient.key,
        "email": recipient.email,
        "created_at": now,
        "retry_at": now,
        **fields,
    }
    fields_in_order = _reminder_fields()
    if not values.keys() <= _REMINDER_ATTNAMES:
        raise TypeError(f"Reminder has no field {sorted(values.keys() - _REMINDER_ATTNAMES)}")
    # Every field positionally, in order: Model.__init__'s fast path (a first sweep makes tens of
    # thousands of these; with keyword arguments they were half of its time).
    return Reminder(*[
        values[name] if name in values else (field.get_default() if constant is _CALL else constant)
        for name, field, constant in fields_in_order
    ])  # fmt: skip


_CALL = object()
_REMINDER_FIELDS: list[tuple] = []
_REMINDER_ATTNAMES: set[str] = set()


def _reminder_fields() -> list[tuple]:
    """(attname, field, its default, or _CALL when the default is a callable) of every field."""
    if not _REMINDER_FIELDS:
        for field in Reminder._meta.concrete_fields:
            constant = _CALL if field.has_default() and callable(field.default) else field.get_default()
            _REMINDER_FIELDS.append((field.attname, field, constant))
            _REMINDER_ATTNAMES.add(field.attname)
    return _REMINDER_FIELDS


def _not_recorded(planned: list[Reminder]) -> list[Reminder]:
    if not planned:
        return []
    earliest = min(reminder.due_on for reminder in planned)
    recorded = set(
        Reminder.objects.filter(kind__in={reminder.kind for reminder in planned}, due_on__gte=earliest).values_list(
            *REMINDER_KEY
        )
    )
    return [reminder for reminder in planned if reminder.key not in recorded]


STALE_BATCH = 5000


def _skip_stale(
    *, on: datetime.date, current_due_dates: Mapping[tuple, datetime.date], thresholds: Mapping[str, tuple]
) -> int:
    """Skip the unsent reminders that must not go out any more: their record's due date
    changed or it is no longer due (renewed, cancelled, done), or a more urgent threshold of
    the same due date is reached."""
    changed, superseded = [], []
    unsent = Reminder.objects.unsent().exclude(kind=Reminder.Kind.DIGEST)
    for pk, kind, item_id, due_on, days in unsent.values_list("id", "kind", "item_id", "due_on", "threshold_days"):
        if current_due_dates.get((kind, item_id)) != due_on:
            changed.append(pk)
        elif is_superseded(due_on=due_on, days=days, on=on, thresholds=thresholds.get(kind, ())):
            superseded.append(pk)
    count = 0
    for ids, reason in ((changed, Reminder.SkipReason.CHANGED), (superseded, Reminder.SkipReason.SUPERSEDED)):
        for start in range(0, len(ids), STALE_BATCH):
            # Conditional: a reminder a worker has just claimed is left to it.
            count += (
                Reminder.objects.unsent()
                .filter(id__in=ids[start : start + STALE_BATCH])
                .update(state=Reminder.State.SKIPPED, skip_reason=reason)
            )
    return count


def reminder_items_if_due(
    reminders: list[Reminder], *, on: datetime.date, policy: ReminderPolicy | None = None
) -> dict[int, models.Model]:
    """The records the reminders are about, by reminder id, for the reminders still worth sending
    on `on`: the record still has that due date and no more urgent threshold of it is reached.
    One query per kind of record, whatever the number of reminders."""
    policy = policy or ReminderPolicy.load()
    ids_by_kind = defaultdict(set)
    for reminder in reminders:
        ids_by_kind[reminder.kind].add(reminder.item_id)
    items = {(kind, item.pk): item for kind, ids in ids_by_kind.items() for item in KINDS[kind].load_many(ids)}
    due = {}
    for reminder in reminders:
        item = items.get((reminder.kind, reminder.item_id))
        if item is None:
            continue
        item_due = KINDS[reminder.kind].due(item, on)
        if item_due is None or item_due.due_on != reminder.due_on:
            continue
        thresholds = policy.thresholds(reminder.kind)
        if not is_superseded(due_on=reminder.due_on, days=reminder.threshold_days, on=on, thresholds=thresholds):
            due[reminder.pk] = item
    return due


def reminder_item_path(reminder: Reminder, item: models.Model) -> str:
    """Where the record is in the portal (e-mails prefix it with SITE_URL)."""
    return KINDS[reminder.kind].url(item)
