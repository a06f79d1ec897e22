"""Which agreements are due for a reminder, and on what date.

A fixed-term agreement reminds about its expiry; one that renews automatically reminds about
the last day to give notice of non-renewal for its current term instead (it never lapses on
its own). Open-ended, draft, renewed and terminated agreements remind about nothing.

The sweep (cooperation/reminders/sweep.py) decides which threshold is reached and who is told.
"""

import datetime
from collections.abc import Iterator, Mapping
from typing import NamedTuple

from django.db.models import Q

from agreements.models import Agreement

EXPIRY = "agreement_expiry"
NOTICE = "agreement_notice"


class Due(NamedTuple):
    """A record with a due date: what every reminder rule module yields."""

    kind: str
    item_id: int
    due_on: datetime.date
    unit_id: int | None
    responsible_id: int | None


DateWindow = tuple[datetime.date, datetime.date]

# The fields the rule reads: the sweep loads only these.
RULE_FIELDS = (
    "id",
    "status",
    "expires_on",
    "auto_renews",
    "renewal_term_months",
    "renewal_notice_days",
    "renewal_notice_months",
    "responsible_unit_id",
    "responsible_person_id",
)


def agreement_due(agreement: Agreement, *, on: datetime.date) -> Due | None:
    """The date this agreement reminds about on `on`, or None."""
    if agreement.status != Agreement.Status.SIGNED:
        return None  # a renewed agreement is no longer in force; its successor reminds
    if agreement.auto_renews:
        kind, due_on = NOTICE, agreement.notice_deadline(on)
    else:
        kind, due_on = EXPIRY, agreement.expires_on
    if due_on is None:
        return None  # open-ended
    return Due(kind, agreement.pk, due_on, agreement.responsible_unit_id, agreement.responsible_person_id)


def agreements_due(*, on: datetime.date, windows: Mapping[str, DateWindow]) -> Iterator[Due]:
    """Every agreement whose due date falls in the window of its kind (one query)."""
    candidates = Q()
    if EXPIRY in windows:
        candidates |= Q(auto_renews=False, expires_on__range=windows[EXPIRY])
    if NOTICE in windows:
        # The notice deadline rolls forward with each term: computed in Python, not in SQL.
        candidates |= Q(auto_renews=True)
    if not candidates:
        return
    agreements = Agreement.objects.filter(candidates, status=Agreement.Status.SIGNED).only(*RULE_FIELDS)
    for agreement in agreements.iterator(chunk_size=5000):
        due = agreement_due(agreement, on=on)
        if due is not None and due.kind in windows:
            start, end = windows[due.kind]
            if start <= due.due_on <= end:
                yield due
