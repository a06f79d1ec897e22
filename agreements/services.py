"""Writes to agreements that carry a rule of their lifecycle: status changes, termination, renewal.

Each service runs in one transaction and locks the rows it decides on, so the status it checks
is the status it changes, and a refused call leaves nothing behind. The user is recorded in
the audit history (django-simple-history) with a short reason.
"""

import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from agreements.models import Agreement, AgreementDocument, AgreementParty, DocumentVersion, Signatory
from cooperation.lib.documents import clean_file_name
from cooperation.lib.history import save_with_history


def _locked_status(agreement: Agreement) -> str:
    """The stored status, with the row locked until the transaction ends (a concurrent change
    waits here instead of being overwritten)."""
    return Agreement.objects.select_for_update().values_list("status", flat=True).get(pk=agreement.pk)


def _status_label(status: str) -> str:
    return str(Agreement.Status(status).label) if status in Agreement.Status.values else status


def agreement_change_status(*, agreement: Agreement, status: str, user: AbstractBaseUser | None) -> Agreement:
    """Move an agreement to another status, as Agreement.TRANSITIONS allows.

    Signing needs the date of signature (set agreement.signed_on first). Signing an agreement
    that renews an earlier one marks the earlier one "renewed": it stays in force until then.
    """
    if status not in Agreement.Status.values:
        raise ValidationError(
            _("%(status)s is not a status of an agreement."), code="unknown_status", params={"status": status}
        )
    with transaction.atomic():
        current = _locked_status(agreement)
        if status not in Agreement.TRANSITIONS[current]:
            raise ValidationError(
                _("An agreement cannot go from “%(current)s” to “%(status)s”."),
                code="transition_not_allowed",
                params={"current": _status_label(current), "status": _status_label(status)},
            )
        previous = agreement.status
        agreement.status = status
        try:
            agreement.full_clean()
        except ValidationError:
            agreement.status = previous
            raise
        save_with_history(agreement, user=user, reason=f"Status: {current} → {status}")

        if status == Agreement.Status.SIGNED and agreement.renews_id:
            predecessor = Agreement.objects.select_for_update().get(pk=agreement.renews_id)
            # Only an agreement still in force hands over; a terminated one keeps its status.
            if predecessor.status == Agreement.Status.SIGNED:
                predecessor.status = Agreement.Status.RENEWED
                save_with_history(predecessor, user=user, reason=f"Renewed by agreement #{agreement.pk}")
                if Agreement._meta.get_field("renews").is_cached(agreement):
                    agreement.renews.status = predecessor.status
    return agreement


def agreement_terminate(
    *, agreement: Agreement, on: datetime.date, reason: str, user: AbstractBaseUser | None
) -> Agreement:
    """End a signed agreement early, on a given day, for a stated reason."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"termination_reason": _("Say why the agreement is terminated.")}, code="termination_reason_missing"
        )
    if on is None:
        raise ValidationError({"terminated_on": _("Give the date of termination.")}, code="termination_date_missing")
    with transaction.atomic():
        current = _locked_status(agreement)
        if current != Agreement.Status.SIGNED:
            raise ValidationError(
                _("Only a signed agreement can be terminated; this one is “%(status)s”."),
                code="not_signed",
                params={"status": _status_label(current)},
            )
        if agreement.signed_on and on < agreement.signed_on:
            raise ValidationError(
                {"terminated_on": _("An agreement cannot be terminated before it was signed.")},
                code="terminated_before_signature",
            )
        saved = (agreement.status, agreement.terminated_on, agreement.termination_reason)
        agreement.status = Agreement.Status.TERMINATED
        agreement.terminated_on = on
        agreement.termination_reason = reason
        try:
            agreement.full_clean()
        except ValidationError:
            agreement.status, agreement.terminated_on, agreement.termination_reason = saved
            raise
        save_with_history(agreement, user=user, reason=f"Terminated on {on.isoformat()}")
    return agreement


def agreement_renew(
    *,
    agreement: Agreement,
    user: AbstractBaseUser | None,
    valid_from: datetime.date | None = None,
    expires_on: datetime.date | None = None,
    title: str | None = None,
    signed_on: datetime.date | None = None,
) -> Agreement:
    """Create the agreement that continues a signed one, and return it.

    The successor copies the kind, purpose, responsible unit and person, the parties (in
    their order) and the areas of cooperation. Without `signed_on` it is a draft, and the
    earlier agreement stays in force until the successor is signed (agreement_change_status);
    with it, the successor is signed at once and the earlier one becomes "renewed".
    By default the successor enters into force the day after the earlier one's current term
    ends; its own expiry is left to whoever negotiates it unless given.
    An agreement is renewed only once: the chain of renewals is a line, not a tree.
    """
    with transaction.atomic():
        current = _locked_status(agreement)
        successor = Agreement.objects.filter(renews=agreement).first()
        if successor is not None:
            raise ValidationError(
                _("This agreement is already renewed by “%(successor)s”."),
                code="already_renewed",
                params={"successor": successor.title},
            )
        if current != Agreement.Status.SIGNED:
            raise ValidationError(
                _("Only a signed agreement can be renewed; this one is “%(status)s”."),
                code="not_signed",
                params={"status": _status_label(current)},
            )
        if valid_from is None:
            term_end = agreement.current_term_end()
            valid_from = term_end + datetime.timedelta(days=1) if term_end else None

        successor = Agreement(
            title=(title or "").strip() or agreement.title,
            kind=agreement.kind,
            status=Agreement.Status.DRAFT,
            purpose=agreement.purpose,
            responsible_unit_id=agreement.responsible_unit_id,
            responsible_person_id=agreement.responsible_person_id,
            valid_from=valid_from,
            expires_on=expires_on,
            renews=agreement,
            created_by=user,
        )
        successor.full_clean()
        try:
            # A concurrent renewal that slipped past the check above (SQLite does not lock
            # rows) is stopped by the one-to-one "renews" column.
            with transaction.atomic():
                save_with_history(successor, user=user, reason=f"Renews agreement #{agreement.pk}")
        except IntegrityError:
            raise ValidationError(_("This agreement is already renewed."), code="already_renewed") from None

        for party in agreement.parties.order_by("order", "id"):
            copy = AgreementParty(
                agreement=successor, institution_id=party.institution_id, unit_id=party.unit_id, order=party.order
            )
            save_with_history(copy, user=user, reason=f"Copied from agreement #{agreement.pk}")
        successor._history_user = user
        try:
            successor.areas.set(agreement.areas.all())
        finally:
            del successor._history_user

        if signed_on is not None:
            successor.signed_on = signed_on
            agreement_change_status(agreement=successor, status=Agreement.Status.SIGNED, user=user)
            agreement.refresh_from_db(fields=["status", "updated_at"])
    return successor


def agreement_set_parties(*, agreement: Agreement, rows: list[dict], user: AbstractBaseUser | None) -> None:
    """Make the agreement's parties and their signatories exactly `rows`, in that order.

    Each row names an institution or a unit, and optionally who signed for it (name, position,
    date). Parties that stay keep their rows (and history); parties no longer listed are removed
    with their signatories. Used by the form that enters a whole agreement at once.
    """
    with transaction.atomic():
        existing = {(party.institution_id, party.unit_id): party for party in agreement.parties.all()}
        keys = []
        for row in rows:
            institution, unit = row.get("institution"), row.get("unit")
            key = (institution.pk if institution else None, unit.pk if unit else None)
            if key in keys:
                raise ValidationError(_("%(party)s is listed twice.") % {"party": institution or unit})
            keys.append(key)
        orders = _party_orders(keys, existing)
        for key, row in zip(keys, rows, strict=True):
            institution, unit = row.get("institution"), row.get("unit")
            party = existing.get(key) or AgreementParty(agreement=agreement, institution=institution, unit=unit)
            if party.pk is None or party.order != orders[key]:
                party.order = orders[key]
                save_with_history(party, user=user, reason="Parties edited")
            _set_signatory(party=party, row=row, user=user)
        kept = set(keys)
        for key, party in existing.items():
            if key not in kept:
                party._history_user = user
                party.delete()


def _party_orders(keys: list, existing: dict) -> dict:
    """Each party's place. The parties that stay keep their numbers while they stay in the same
    order (parties entered in the admin may share one), new ones come after them; a new order
    numbers them all afresh."""
    staying = [key for key in keys if key in existing]
    if staying == sorted(staying, key=lambda key: (existing[key].order, existing[key].pk)):
        last = max((existing[key].order for key in staying), default=-1)
        new = [key for key in keys if key not in existing]
        if all(keys.index(key) >= len(staying) for key in new):  # added at the end, as the page does
            return {**{key: existing[key].order for key in staying}, **{key: last + 1 + i for i, key in enumerate(new)}}
    return {key: order for order, key in enumerate(keys)}


def _set_signatory(*, party: AgreementParty, row: dict, user: AbstractBaseUser | None) -> None:
    """The party's first signatory becomes the row's; saved (and recorded in the history) only
    when something differs. Further signatories, entered in the admin, stay as they are."""
    name = (row.get("signatory_name") or "").strip()
    signatory = party.signatories.order_by("id").first() if party.pk else None
    if not name:
        if signatory is not None:
            signatory._history_user = user
            signatory.delete()
        return
    signatory = signatory or Signatory(agreement_id=party.agreement_id, party=party)
    wanted = {
        "full_name": name,
        "position": (row.get("signatory_position") or "").strip(),
        "signed_on": row.get("signed_on"),
        "email": (row.get("signatory_email") or "").strip(),
    }
    if signatory.pk and all(getattr(signatory, field) == value for field, value in wanted.items()):
        return
    for field, value in wanted.items():
        setattr(signatory, field, value)
    save_with_history(signatory, user=user, reason="Signatories edited")


def agreement_add_document(
    *,
    agreement: Agreement,
    kind: str,
    title: str,
    uploaded,
    content_type: str,
    comment: str = "",
    user: AbstractBaseUser | None,
) -> DocumentVersion:
    """Keep an uploaded file as the next version of the agreement's document of that kind and
    title (a new document if there is none). The file reaches the disk only inside the
    transaction, and is removed again if the transaction fails: no orphan, no half-written row."""
    title = (title or "").strip() or str(AgreementDocument.Kind(kind).label)
    with transaction.atomic():
        Agreement.objects.select_for_update().filter(pk=agreement.pk).first()  # one upload at a time
        document, _created = AgreementDocument.objects.get_or_create(agreement=agreement, kind=kind, title=title)
        number = (document.versions.aggregate(highest=Max("number"))["highest"] or 0) + 1
        version = DocumentVersion(
            document=document,
            number=number,
            original_name=clean_file_name(uploaded.name, content_type),
            content_type=content_type,
            size=uploaded.size,
            sha256=DocumentVersion.digest(uploaded),
            comment=comment,
            uploaded_by=user,
        )
        uploaded.seek(0)
        version.file.save(version.original_name, uploaded, save=False)
        try:
            version.save()
        except Exception:
            version.file.delete(save=False)
            raise
    return version
