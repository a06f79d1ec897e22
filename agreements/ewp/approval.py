"""Approvals of EWP IIA copies: which version of our copy each partner approved (its iia-hash)
and which version of theirs we approved, and whether our copy has changed since.

The rule "changed since the partner approved it" has one home: AgreementParty's
`current_iia_hash` (the hash of our copy for that partner, as `export.iia_tree` builds it)
differs from the hash of the partner's latest approval
(`AgreementParty.objects.changed_since_partner_approval()`, read by the agreement's page, its list
and the reminder sweep). `agreement_refresh_iia_hashes` keeps `current_iia_hash` true; it runs
after every write of what enters the hash (see `connect_signals`), and notes on the approval the
day our copy first departed from it: the reminder of that change is due on that day, once.
"""

import datetime
from collections.abc import Iterator, Mapping

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django.utils.translation import gettext as _

from agreements.ewp.documents import IIAS_NS, DocumentError
from agreements.ewp.export import exported_agreement, iia_tree
from agreements.ewp.reading import read_partner_iias
from agreements.models import Agreement, AgreementParty, IiaApproval, Quota, validate_iia_hash
from agreements.reminders import DateWindow, Due
from cooperation.lib.history import save_with_history
from partners.models import Institution, Unit

IIA_CHANGED = "iia_changed"


def party_iia_hashes(agreement: Agreement) -> dict[int, str]:
    """The iia-hash of our copy for each partner party, by the party's id. `agreement` as
    `export.exported_agreement` loads it."""
    parties = [party for party in agreement.parties.all() if party.institution_id]
    hashes = [element.text for element in iia_tree(agreement).iterfind(f"{{{IIAS_NS}}}iia/{{{IIAS_NS}}}iia-hash")]
    return {party.pk: digest for party, digest in zip(parties, hashes, strict=True)}


def agreement_refresh_iia_hashes(*, agreement_id: int, on: datetime.date | None = None) -> None:
    """Store the current iia-hash of our copy on each partner party, and on each partner's
    latest approval the day our copy first differed from it (cleared when it is the approved
    copy again). Writes only what differs: no history, no signal."""
    try:
        agreement = exported_agreement(agreement_id)
    except Agreement.DoesNotExist:
        return  # deleted in this transaction
    on = on or timezone.localdate()
    hashes = party_iia_hashes(agreement)
    parties = [party for party in agreement.parties.all() if party.pk in hashes]
    approvals = IiaApproval.objects.in_bulk(
        [party.partner_approval_id for party in parties if party.partner_approval_id]
    )
    for party in parties:
        current = hashes[party.pk]
        if party.current_iia_hash != current:
            AgreementParty.objects.filter(pk=party.pk).update(current_iia_hash=current)
            party.current_iia_hash = current
        approval = approvals.get(party.partner_approval_id)
        if approval is None:
            continue
        changed = current != approval.iia_hash
        if changed and approval.changed_on is None:
            IiaApproval.objects.filter(pk=approval.pk).update(changed_on=on)
        elif not changed and approval.changed_on is not None:
            IiaApproval.objects.filter(pk=approval.pk).update(changed_on=None)


def _locked_party(party: AgreementParty) -> AgreementParty:
    locked = AgreementParty.objects.select_for_update(of=("self",)).select_related("institution").get(pk=party.pk)
    if locked.institution_id is None:
        raise ValidationError(_("Only a partner institution approves an IIA."), code="not_a_partner")
    return locked


def _clean_hash(iia_hash: str) -> str:
    iia_hash = "".join((iia_hash or "").split()).lower()
    try:
        validate_iia_hash(iia_hash)
    except ValidationError as error:
        raise ValidationError({"iia_hash": error.messages}) from None
    return iia_hash


def agreement_record_partner_approval(
    *, party: AgreementParty, approved_on: datetime.date, user: AbstractBaseUser | None, iia_hash: str = ""
) -> IiaApproval:
    """Record that the partner of `party` approved our copy of its IIA: the copy of that hash,
    or, with no hash given, our copy as it is now."""
    with transaction.atomic():
        party = _locked_party(party)
        agreement_refresh_iia_hashes(agreement_id=party.agreement_id)
        party.refresh_from_db(fields=["current_iia_hash"])
        iia_hash = _clean_hash(iia_hash) if iia_hash.strip() else party.current_iia_hash
        approval = IiaApproval.objects.create(
            party=party,
            side=IiaApproval.Side.PARTNER,
            iia_hash=iia_hash,
            approved_on=approved_on,
            recorded_by=user,
            # A partner may approve a copy older than ours: ours has changed since, from today.
            changed_on=None if iia_hash == party.current_iia_hash else timezone.localdate(),
        )
        party.partner_approval = approval
        save_with_history(party, user=user, reason=f"The partner approved our IIA copy {iia_hash[:12]}")
    return approval


def agreement_record_our_approval(
    *, party: AgreementParty, iia_hash: str, approved_on: datetime.date, user: AbstractBaseUser | None
) -> IiaApproval:
    """Record that we approved the partner's copy of the IIA of `party`, the copy of that hash."""
    iia_hash = _clean_hash(iia_hash)
    with transaction.atomic():
        party = _locked_party(party)
        approval = IiaApproval.objects.create(
            party=party, side=IiaApproval.Side.OURS, iia_hash=iia_hash, approved_on=approved_on, recorded_by=user
        )
        party.our_approval = approval
        save_with_history(party, user=user, reason=f"We approved the partner's IIA copy {iia_hash[:12]}")
    return approval


def their_copy_hash(data: bytes, *, party: AgreementParty) -> str:
    """The iia-hash of the partner's copy of the IIA of `party` in their document (a
    get-response), computed as the official XSLT does; DocumentError when it has none."""
    schac = (party.institution.schac_id or "").lower()
    for iia in read_partner_iias(data):
        if schac and iia.with_us and iia.theirs.hei_id.lower() == schac:
            return iia.computed_hash
    raise DocumentError(
        _("The document holds no IIA between us and %(partner)s (SCHAC code %(schac)s).")
        % {"partner": party.institution, "schac": party.institution.schac_id or "—"}
    )


# --- the reminder: our copy changed since the partner approved it ------------------------------


def iia_change_due(approval: IiaApproval) -> Due | None:
    """The partner's latest approval of a copy that is no longer ours reminds, once, on the day
    ours departed from it. `approval` with its party and agreement."""
    party = approval.party
    if (
        approval.changed_on is None
        or party.partner_approval_id != approval.pk
        or party.current_iia_hash == approval.iia_hash
    ):
        return None
    agreement = party.agreement
    return Due(
        IIA_CHANGED, approval.pk, approval.changed_on, agreement.responsible_unit_id, agreement.responsible_person_id
    )


def iia_changes_due(*, windows: Mapping[str, DateWindow]) -> Iterator[Due]:
    """The approvals departed from on a day in the window (one query)."""
    if IIA_CHANGED not in windows:
        return
    approvals = (
        IiaApproval.objects.filter(side=IiaApproval.Side.PARTNER, changed_on__range=windows[IIA_CHANGED])
        .select_related("party__agreement")
        .only(
            "id",
            "iia_hash",
            "changed_on",
            "party__partner_approval_id",
            "party__current_iia_hash",
            "party__agreement__responsible_unit_id",
            "party__agreement__responsible_person_id",
        )
    )
    for approval in approvals:
        due = iia_change_due(approval)
        if due is not None:
            yield due


# --- what enters the hash: every write of it refreshes the stored hashes --------------------------


def _approved_agreement_ids(**lookups) -> list[int]:
    return list(
        AgreementParty.objects.filter(agreement__parties__partner_approval__isnull=False, **lookups)
        .values_list("agreement_id", flat=True)
        .distinct()
    )


def _refresh(agreement_ids) -> None:
    for agreement_id in sorted(set(agreement_ids)):
        agreement_refresh_iia_hashes(agreement_id=agreement_id)


def _quota_written(sender, instance: Quota, **kwargs) -> None:
    _refresh(_approved_agreement_ids(agreement_id=instance.agreement_id))


def _party_written(sender, instance: AgreementParty, **kwargs) -> None:
    _refresh(_approved_agreement_ids(agreement_id=instance.agreement_id))


def _agreement_written(sender, instance: Agreement, **kwargs) -> None:
    if not kwargs.get("created"):
        _refresh(_approved_agreement_ids(agreement_id=instance.pk))


def _institution_written(sender, instance: Institution, **kwargs) -> None:
    _refresh(_approved_agreement_ids(institution=instance))


def _unit_written(sender, instance: Unit, **kwargs) -> None:
    _refresh(
        AgreementParty.objects.filter(partner_approval__isnull=False, agreement__quotas__our_unit=instance)
        .values_list("agreement_id", flat=True)
        .distinct()
    )


def connect_signals() -> None:
    """Refresh the stored hashes after every save or delete of what enters the hash: the
    conditions, the parties (their IIA ids), the agreement (terminated), a partner's SCHAC code,
    our unit's EWP id. Listened to rather than called from each service because some of these
    are written where agreements cannot be called (a partner's page in `partners`, the admin,
    the merge of duplicates); like the dashboard's data version, a bulk write that sends no
    signal must call `agreement_refresh_iia_hashes` itself. Agreements nobody has approved a
    copy of cost one query and are left alone."""
    uid = "agreements.ewp.approval"
    for model, receiver in (
        (Quota, _quota_written),
        (AgreementParty, _party_written),
        (Agreement, _agreement_written),
        (Institution, _institution_written),
        (Unit, _unit_written),
    ):
        post_save.connect(receiver, sender=model, dispatch_uid=f"{uid}.save.{model.__name__}")
        post_delete.connect(receiver, sender=model, dispatch_uid=f"{uid}.delete.{model.__name__}")
