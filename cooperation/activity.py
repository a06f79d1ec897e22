"""An agreement's last activity (Agreement.last_activity_on): the latest day anything happened, or
is planned to happen, under it. Kept on the agreement so that "dormant" (no activity for two
years, AgreementQuerySet.dormant) compares one column instead of searching the mobility and the
visits of every agreement on every drawing of the dashboard.

What counts as activity, here and nowhere else:
- a participant, not withdrawn, of a program resting on the agreement: the day they start or,
  when that is not known, the last day of the program's academic year;
- a visit, not cancelled, at which the agreement was signed, or with one of its partners (an
  institution that is a party to it): the day the visit starts.

When it is computed again (the invalidation rules, all in this module):
- a participant, program, visit, agreement party or agreement saved or deleted, a visit's
  partners or agreements signed changed: every agreement the row touched before the write and
  after it, in the write's transaction (`connect()`; the import, the merge, the admin, the demo
  loader and the entry pages all write through save() and the related managers);
- writes that send no signals call `refresh_last_activity()` themselves: `seed_bulk` for every
  agreement, the backup restore likewise after loading (`recomputed_at_the_end()`);
- `manage.py refresh_last_activity` computes every agreement afresh (after a manual fix in SQL).

Mobility and visits live in apps above agreements, so the rule lives here, above all three.
"""

import contextlib
import datetime
import threading

from django.db import transaction
from django.db.models import Max, Q
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

from agreements.models import Agreement, AgreementParty
from cooperation.lib.academic_years import academic_year_bounds
from cooperation.visits.models import Visit
from mobility.models import Participant, Program

BATCH_SIZE = 1000

_state = threading.local()


def _in_progress() -> list:
    """The open batches of this thread, innermost last: each a set of agreement ids."""
    if not hasattr(_state, "stack"):
        _state.stack = []
    return _state.stack


def _before() -> dict:
    """What each row being written touched before the write, until the write is done."""
    if not hasattr(_state, "before"):
        _state.before = {}
    return _state.before


# The activity itself


def last_activity_by_agreement(agreement_ids=None) -> dict[int, datetime.date]:
    """{agreement id: its last activity} for these agreements (all when None); an agreement with
    no activity at all is left out. Four grouped queries, whatever the number of agreements."""
    latest: dict[int, datetime.date] = {}

    def keep(agreement_id, day):
        if agreement_id is not None and day is not None and (agreement_id not in latest or day > latest[agreement_id]):
            latest[agreement_id] = day

    participants = Participant.objects.active().filter(program__agreement__isnull=False)
    signed = Visit.agreements_signed.through.objects.exclude(visit__status=Visit.Status.CANCELLED)
    parties = AgreementParty.objects.filter(institution__isnull=False)
    if agreement_ids is not None:
        agreement_ids = list(agreement_ids)
        participants = participants.filter(program__agreement_id__in=agreement_ids)
        signed = signed.filter(agreement_id__in=agreement_ids)
        parties = parties.filter(agreement_id__in=agreement_ids)

    mobility = participants.values("program__agreement_id").annotate(
        started=Max("starts_on"), undated_year=Max("program__academic_year", filter=Q(starts_on__isnull=True))
    ).order_by()  # fmt: skip
    for row in mobility:
        keep(row["program__agreement_id"], row["started"])
        if row["undated_year"]:
            keep(row["program__agreement_id"], academic_year_bounds(row["undated_year"])[1])
    for row in signed.values("agreement_id").annotate(last=Max("visit__starts_on")).order_by():
        keep(row["agreement_id"], row["last"])
    party_rows = list(parties.values_list("agreement_id", "institution_id"))
    visited = dict(
        Visit.partners.through.objects.exclude(visit__status=Visit.Status.CANCELLED)
        .filter(institution_id__in={institution_id for _agreement, institution_id in party_rows})
        .values("institution_id")
        .annotate(last=Max("visit__starts_on"))
        .order_by()
        .values_list("institution_id", "last")
    )
    for agreement_id, institution_id in party_rows:
        keep(agreement_id, visited.get(institution_id))
    return latest


def refresh_last_activity(agreement_ids=None) -> int:
    """Compute the last activity of these agreements (all when None) from the records and store
    it where it differs; how many changed. The agreements are locked first, so that two writes
    under one agreement at once cannot each store a date that misses the other's."""
    if agreement_ids is not None:
        agreement_ids = sorted({pk for pk in agreement_ids if pk is not None})
        if not agreement_ids:
            return 0
    with transaction.atomic():
        agreements = Agreement.objects.select_for_update().order_by("pk")
        if agreement_ids is not None:
            agreements = agreements.filter(pk__in=agreement_ids)
        stored = dict(agreements.values_list("pk", "last_activity_on"))
        latest = last_activity_by_agreement(agreement_ids)
        changed: dict[datetime.date | None, list[int]] = {}
        for pk, day in stored.items():
            if latest.get(pk) != day:
                changed.setdefault(latest.get(pk), []).append(pk)
        # One UPDATE per new date (a few hundred at most for every agreement at once): bulk_update's
        # CASE over thousands of ids took seconds.
        for day, pks in changed.items():
            for start in range(0, len(pks), BATCH_SIZE):
                Agreement.objects.filter(pk__in=pks[start : start + BATCH_SIZE]).update(last_activity_on=day)
    changed = [pk for pks in changed.values() for pk in pks]
    return len(changed)


# Which agreements a written row touches (as the database holds it at the moment of asking)


def _touched_by_visits(visit_ids) -> set[int]:
    signed = Visit.agreements_signed.through.objects.filter(visit_id__in=visit_ids).values_list("agreement_id")
    partnered = AgreementParty.objects.filter(
        institution__in=Visit.partners.through.objects.filter(visit_id__in=visit_ids).values("institution_id")
    ).values_list("agreement_id")
    return {pk for (pk,) in signed.union(partnered)}


def _touched(model, pks) -> set[int]:
    pks = [pk for pk in pks if pk is not None]
    if not pks:
        return set()
    if model is Agreement:
        return set(pks)
    if model is Participant:
        rows = Participant.objects.filter(pk__in=pks).values_list("program__agreement_id", flat=True)
    elif model is Program or model is AgreementParty:
        rows = model.objects.filter(pk__in=pks).values_list("agreement_id", flat=True)
    elif model is Visit:
        return _touched_by_visits(pks)
    else:
        return set()
    return {pk for pk in rows if pk is not None}


# When: the signals of every write through the ORM

WATCHED = (Agreement, AgreementParty, Participant, Program, Visit)
# The rows' fields that move an agreement's activity: a save that changes none of them (a
# participant's e-mail, a visit's notes) is passed by when the save names its fields.
MOVING_FIELDS = {
    AgreementParty: {"agreement", "institution"},
    Participant: {"program", "status", "starts_on"},
    Program: {"agreement", "academic_year"},
    Visit: {"status", "starts_on"},
}


def _key(instance) -> tuple:
    return (type(instance), instance.pk, id(instance))


def _all_later() -> bool:
    """Inside recomputed_at_the_end(): nothing to work out per write."""
    return any(batch is None for batch in _in_progress())


def _changes(agreement_ids: set[int]) -> None:
    stack = _in_progress()
    if _all_later():
        return
    if stack:
        stack[-1].update(agreement_ids)  # computed once when the batch ends
    elif agreement_ids:
        refresh_last_activity(agreement_ids)


def _moves(sender, update_fields) -> bool:
    if update_fields is None or sender not in MOVING_FIELDS:
        return True
    return bool(MOVING_FIELDS[sender] & set(update_fields))


def _before_save(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or _all_later() or sender not in WATCHED or sender is Agreement or instance.pk is None:
        return
    if _moves(sender, update_fields):
        _before()[_key(instance)] = _touched(sender, [instance.pk])


def _after_save(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or sender not in WATCHED or not _moves(sender, update_fields):
        return
    # A saved agreement is computed again too: whatever held it in memory may have written back
    # a date that was true when it was read.
    _changes(_before().pop(_key(instance), set()) | _touched(sender, [instance.pk]))


def _before_delete(sender, instance, **kwargs):
    if sender in WATCHED and sender is not Agreement and not _all_later():
        _before()[_key(instance)] = _touched(sender, [instance.pk])


def _after_delete(sender, instance, **kwargs):
    if sender in WATCHED:
        _changes(_before().pop(_key(instance), set()))


def _around_links(sender, instance, action, reverse, model, pk_set, **kwargs):
    if sender not in (Visit.partners.through, Visit.agreements_signed.through) or _all_later():
        return
    if reverse:  # from the partner's or the agreement's side: pk_set holds visits
        if action in ("pre_clear", "post_clear"):
            visit_ids = None
        else:
            visit_ids = list(pk_set or ())
        if visit_ids is None:
            accessor = "visits" if sender is Visit.partners.through else "signing_visits"
            visit_ids = list(getattr(instance, accessor).values_list("pk", flat=True))
        touched = _touched_by_visits(visit_ids)
        if isinstance(instance, Agreement):
            touched.add(instance.pk)
    else:
        touched = _touched_by_visits([instance.pk])
        if sender is Visit.agreements_signed.through:
            touched |= set(pk_set or ())
    key = (sender, instance.pk, id(instance), "links")
    if action.startswith("pre_"):
        _before()[key] = touched
    elif action.startswith("post_"):
        _changes(_before().pop(key, set()) | touched)


@contextlib.contextmanager
def batched():
    """Inside, the agreements that writes touch are collected and computed once, at the end: for
    writes of many rows at once (an import, a formset)."""
    stack = _in_progress()
    stack.append(set())
    try:
        yield
    finally:
        touched = stack.pop()
    _changes(touched)


@contextlib.contextmanager
def recomputed_at_the_end():
    """Inside, no write computes anything; at the end every agreement is computed afresh: for
    loading a whole database (the backup restore), where the rows come in any order."""
    stack = _in_progress()
    stack.append(None)
    try:
        yield
    finally:
        stack.pop()
    _changes_everything()


def _changes_everything() -> None:
    if _all_later():
        return  # an enclosing recomputed_at_the_end() does it
    refresh_last_activity()


def connect() -> None:
    pre_save.connect(_before_save, dispatch_uid="activity-pre-save")
    post_save.connect(_after_save, dispatch_uid="activity-post-save")
    pre_delete.connect(_before_delete, dispatch_uid="activity-pre-delete")
    post_delete.connect(_after_delete, dispatch_uid="activity-post-delete")
    m2m_changed.connect(_around_links, dispatch_uid="activity-links")
