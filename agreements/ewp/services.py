"""Writing what a partner's IIA document says into our records, once the user has confirmed it:
a new agreement from their IIA, their conditions taken into ours (all or some), or their copy
just recorded on our party. Each runs in one transaction, locks what it changes, and leaves
an entry in the records' history saying who did it and from which document."""

import datetime
import hashlib
import json

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from agreements.ewp.reading import PartnerIia, compare_conditions
from agreements.models import Agreement, AgreementParty, Quota, Signatory
from cooperation.lib.history import delete_with_history, save_with_history
from partners.models import Institution, Unit

# The condition's fields that come straight from a read condition.
COPIED = ("category", "direction", "partner_unit", *Quota.TERMS)


STALE = _lazy("The agreement's conditions changed since the comparison was shown: compare again, then choose.")


class IiaActionRefused(Exception):
    def __init__(self, message: str):
        super().__init__(str(message))
        self.message = str(message)


def _reason(iia: PartnerIia, action: str) -> str:
    return f"{action} from {iia.theirs.hei_id}'s IIA {iia.theirs.iia_id or iia.theirs.iia_code or '(no id)'} (EWP)"


def _date(text: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return None


def _condition_values(condition: dict) -> dict:
    """The model's field values for a read condition: our unit by its EWP id when one of ours has
    it, else that id kept with the other values the fields cannot hold."""
    values = {name: condition[name] for name in COPIED}
    values["total_months"] = condition["total_months"]
    kept = dict(condition["ewp_kept"])
    values["our_unit"] = None
    if condition["our_ounit_id"]:
        values["our_unit"] = Unit.objects.filter(ewp_ounit_id=condition["our_ounit_id"]).order_by("pk").first()
        if values["our_unit"] is None:
            kept["our_ounit_id"] = condition["our_ounit_id"]
    values["ewp_kept"] = kept
    return values


def conditions_fingerprint(quotas) -> str:
    """A digest of our conditions as shown, so that a confirmation made on a page that has since
    gone stale (someone else changed the conditions) is refused rather than applied blindly."""
    rows = sorted(
        [quota.pk, *(str(getattr(quota, name)) for name in (*COPIED, "our_unit_id", "ewp_kept"))] for quota in quotas
    )
    return hashlib.sha256(json.dumps(rows, default=str).encode()).hexdigest()[:16]


def parties_conditions(parties: list[AgreementParty]) -> dict[int, list[Quota]]:
    """{party pk: the conditions of its agreement that concern its partner} in one query."""
    quotas = Quota.objects.filter(agreement_id__in={party.agreement_id for party in parties})
    quotas = list(quotas.select_related("our_unit").order_by("pk"))
    return {
        party.pk: [
            quota
            for quota in quotas
            if quota.agreement_id == party.agreement_id and quota.partner_id in (None, party.institution_id)
        ]
        for party in parties
    }


def party_conditions(party: AgreementParty) -> list[Quota]:
    return parties_conditions([party])[party.pk]


def _signatory(*, agreement, party, side, user, reason) -> None:
    if not side.signer:
        return
    signatory = Signatory(
        agreement=agreement,
        party=party,
        full_name=side.signer[:200],
        position=side.signer_role[:255],
        email=side.signer_email,
        signed_on=_date(side.signed_on),
    )
    save_with_history(signatory, user=user, reason=reason)


def agreement_create_from_iia(
    *,
    iia: PartnerIia,
    title: str,
    responsible_unit: Unit,
    institution: Institution | None = None,
    new_institution: dict | None = None,
    signed_on: datetime.date | None = None,
    user: AbstractBaseUser | None,
) -> Agreement:
    """A new Erasmus+ agreement holding the partner's IIA: the partner (found by its SCHAC code,
    or created from `new_institution`), the ids, codes and signing contacts of both sides, and
    their conditions. `signed_on` is the agreement's date of signature (a signed one needs it;
    the latest signing date of the document when it gives one)."""
    if not iia.with_us:
        raise IiaActionRefused(_("This IIA is not between us and a partner: no agreement of ours can hold it."))
    reason = _reason(iia, "Created")
    with transaction.atomic():
        if iia.ours.iia_id:
            taken = (
                AgreementParty.objects.select_for_update()
                .filter(our_iia_id=iia.ours.iia_id)
                .select_related("agreement")
                .first()
            )
            if taken is not None:
                raise IiaActionRefused(
                    _("Our IIA id %(id)s is already that of agreement “%(agreement)s”: compare with it instead.")
                    % {"id": iia.ours.iia_id, "agreement": taken.agreement}
                )
        if institution is None:
            institution = Institution(
                name=new_institution["name"], country=new_institution["country"], schac_id=iia.theirs.hei_id
            )
            save_with_history(institution, user=user, reason=reason)
        elif not institution.schac_id:
            institution.schac_id = iia.theirs.hei_id
            save_with_history(institution, user=user, reason=reason)
        elif institution.schac_id.lower() != iia.theirs.hei_id.lower():
            raise IiaActionRefused(
                _("%(partner)s has the SCHAC code %(code)s, not %(theirs)s.")
                % {"partner": institution, "code": institution.schac_id, "theirs": iia.theirs.hei_id}
            )
        dates = [date for date in (_date(iia.ours.signed_on), _date(iia.theirs.signed_on)) if date]
        if iia.terminated:
            status = Agreement.Status.TERMINATED
        elif iia.in_effect:
            status = Agreement.Status.SIGNED
        else:
            status = Agreement.Status.NEGOTIATION
        agreement = Agreement(
            title=title,
            kind=Agreement.Kind.ERASMUS_IIA,
            status=status,
            responsible_unit=responsible_unit,
            signed_on=(signed_on or (max(dates) if dates else None))
            if status != Agreement.Status.NEGOTIATION
            else None,
            created_by=user if user and user.is_authenticated else None,
        )
        if status == Agreement.Status.TERMINATED:
            agreement.terminated_on = timezone.localdate()
            agreement.termination_reason = _("Terminated as a whole in the partner's IIA.")
        try:
            agreement.full_clean()
        except ValidationError as error:
            raise IiaActionRefused(" ".join(error.messages)) from None
        save_with_history(agreement, user=user, reason=reason)
        ours = AgreementParty(agreement=agreement, unit=responsible_unit, order=0)
        save_with_history(ours, user=user, reason=reason)
        party = AgreementParty(
            agreement=agreement,
            institution=institution,
            order=1,
            our_iia_code=iia.ours.iia_code,
            partner_iia_id=iia.theirs.iia_id,
            partner_iia_code=iia.theirs.iia_code,
            partner_iia_hash_received=iia.stated_hash,
            partner_iia_received_on=timezone.localdate(),
        )
        if iia.ours.iia_id:
            party.our_iia_id = iia.ours.iia_id
        try:
            with transaction.atomic():
                save_with_history(party, user=user, reason=reason)
        except IntegrityError:
            raise IiaActionRefused(_("Our IIA id %(id)s is already in use.") % {"id": iia.ours.iia_id}) from None
        _signatory(agreement=agreement, party=ours, side=iia.ours, user=user, reason=reason)
        _signatory(agreement=agreement, party=party, side=iia.theirs, user=user, reason=reason)
        for condition in iia.conditions:
            quota = Quota(agreement=agreement, partner=institution, **_condition_values(condition))
            save_with_history(quota, user=user, reason=reason)
    return agreement


def agreement_take_partner_conditions(
    *, party: AgreementParty, iia: PartnerIia, keys: list[str], seen: str, user: AbstractBaseUser | None
) -> dict:
    """Make the chosen conditions of ours what the partner's copy says: a condition that differs
    takes their values, one only they have is added, one only we have is removed. `keys` name the
    comparison's rows (`theirs-N`, `ours-PK`); `seen` is the fingerprint of our conditions when
    the page was shown. Returns the counts {"changed", "added", "removed"}."""
    if not keys:
        raise IiaActionRefused(_("No condition was chosen: tick the ones to take."))
    reason = _reason(iia, "Taken")
    counts = {"changed": 0, "added": 0, "removed": 0}
    with transaction.atomic():
        # The agreement row is the lock: every change to its conditions goes through it.
        Agreement.objects.select_for_update().get(pk=party.agreement_id)
        ours = party_conditions(party)
        if conditions_fingerprint(ours) != seen:
            raise IiaActionRefused(STALE)
        rows = {row["key"]: row for row in compare_conditions(ours, iia.conditions)}
        unknown = [key for key in keys if key not in rows]
        if unknown:
            raise IiaActionRefused(
                _("These conditions are not in the comparison: %(keys)s.") % {"keys": ", ".join(unknown)}
            )
        for key in keys:
            row = rows[key]
            if row["theirs"] is None:
                delete_with_history(row["ours"], user=user, reason=reason)
                counts["removed"] += 1
                continue
            values = _condition_values(row["theirs"])
            quota = row["ours"] or Quota(agreement_id=party.agreement_id, partner=party.institution)
            if quota.pk and not row["differs"]:
                continue
            for name, value in values.items():
                setattr(quota, name, value)
            counts["changed" if quota.pk else "added"] += 1
            save_with_history(quota, user=user, reason=reason)
        _record(party, iia, user=user, reason=reason)
    return counts


def _record(party: AgreementParty, iia: PartnerIia, *, user, reason: str) -> None:
    party.partner_iia_id = iia.theirs.iia_id or party.partner_iia_id
    party.partner_iia_code = iia.theirs.iia_code or party.partner_iia_code
    party.partner_iia_hash_received = iia.stated_hash
    party.partner_iia_received_on = timezone.localdate()
    save_with_history(party, user=user, reason=reason)


def agreement_party_record_partner_iia(
    *, party: AgreementParty, iia: PartnerIia, seen: str, user: AbstractBaseUser | None
) -> AgreementParty:
    """Keep the partner's IIA id and code, the iia-hash of their copy and the day it came, on our
    party for that partner; the conditions stay as they are. `seen` is the fingerprint of our
    conditions as the page showed them: what is recorded is that their copy was compared with
    those, so a page gone stale is refused."""
    with transaction.atomic():
        Agreement.objects.select_for_update().get(pk=party.agreement_id)
        party = AgreementParty.objects.select_related("agreement", "institution").get(pk=party.pk)
        if conditions_fingerprint(party_conditions(party)) != seen:
            raise IiaActionRefused(STALE)
        if iia.theirs.hei_id.lower() != (party.institution.schac_id or "").lower():
            raise IiaActionRefused(
                _("This IIA is with %(theirs)s, but the party is %(partner)s.")
                % {"theirs": iia.theirs.hei_id, "partner": party.institution}
            )
        _record(party, iia, user=user, reason=_reason(iia, "Recorded"))
    return party
