"""The weekly digest: what expires, starts and is overdue in the next 30 days.

One e-mail a week to each member of the International office and of the Rector's office. It is
recorded and delivered like every reminder (kind "digest", the Monday of the week as its due
date), so beat firing twice or a retried task still sends one digest per person per week.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from agreements.models import Agreement
from cooperation import roles
from cooperation.lib.permissions import role_holders
from cooperation.reminders.models import Reminder
from cooperation.visits.models import FollowUpAction, Visit
from mobility.models import Participant, Program
from mobility.reminders import PARTICIPANTS_DONE


def week_start(on: datetime.date) -> datetime.date:
    return on - datetime.timedelta(days=on.weekday())


def digest_is_current(*, due_on: datetime.date, on: datetime.date) -> bool:
    """Last week's digest that could not be sent is not worth sending once this week's is due."""
    return due_on == week_start(on)


def digest_recipients() -> QuerySet:
    return role_holders(roles.OFFICE, roles.RECTOR).exclude(email="").order_by("id")


def digest_record(*, on: datetime.date | None = None) -> int:
    """Record this week's digest for every recipient; returns how many recipients there are."""
    now = timezone.now()
    monday = week_start(on or timezone.localdate())
    digests = [
        Reminder(
            kind=Reminder.Kind.DIGEST,
            item_id=0,
            due_on=monday,
            threshold_days=0,
            recipient_id=user_id,
            recipient_key=Reminder.user_key(user_id),
            created_at=now,
            retry_at=now,
        )
        for user_id in digest_recipients().values_list("id", flat=True)
    ]
    Reminder.objects.record(digests)
    return len(digests)


@dataclass(frozen=True)
class NoticeDeadline:
    agreement: Agreement
    deadline: datetime.date


@dataclass(frozen=True)
class DigestContents:
    on: datetime.date
    until: datetime.date
    agreements_expiring: list[Agreement]
    notice_deadlines: list[NoticeDeadline]
    visits_starting: list[Visit]
    actions_overdue: list[FollowUpAction]
    actions_due: list[FollowUpAction]
    program_deadlines: list[Program]
    documents_due: list[Participant]

    @property
    def is_empty(self) -> bool:
        return not any(
            (
                self.agreements_expiring,
                self.notice_deadlines,
                self.visits_starting,
                self.actions_overdue,
                self.actions_due,
                self.program_deadlines,
                self.documents_due,
            )
        )


def digest_contents(*, on: datetime.date | None = None, horizon_days: int | None = None) -> DigestContents:
    on = on or timezone.localdate()
    until = on + datetime.timedelta(days=horizon_days if horizon_days is not None else settings.DIGEST_HORIZON_DAYS)
    signed = Agreement.objects.filter(status=Agreement.Status.SIGNED).select_related("responsible_unit")
    notice_deadlines = []
    for agreement in signed.filter(auto_renews=True):
        deadline = agreement.notice_deadline(on)
        if deadline is not None and on <= deadline <= until:
            notice_deadlines.append(NoticeDeadline(agreement, deadline))
    open_actions = FollowUpAction.objects.open().select_related("visit", "owner")
    return DigestContents(
        on=on,
        until=until,
        agreements_expiring=list(
            signed.filter(auto_renews=False, expires_on__range=(on, until)).order_by("expires_on")
        ),
        notice_deadlines=sorted(notice_deadlines, key=lambda notice: notice.deadline),
        visits_starting=list(
            Visit.objects.upcoming(on=on)
            .filter(starts_on__lte=until, status=Visit.Status.PLANNED)
            .select_related("host_unit")
            .order_by("starts_on")
        ),
        actions_overdue=list(open_actions.filter(due_on__lt=on).order_by("due_on")),
        actions_due=list(open_actions.filter(due_on__range=(on, until)).order_by("due_on")),
        program_deadlines=list(Program.objects.with_deadline_between(on, until).order_by("title")),
        documents_due=list(
            Participant.objects.filter(documents_due_on__lte=until)
            .exclude(status__in=PARTICIPANTS_DONE)
            .select_related("program")
            .order_by("documents_due_on")
        ),
    )
