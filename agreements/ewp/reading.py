"""A partner's IIA document read into plain data, in our terms, and matched to our agreements.

Reading writes nothing: the comparison page shows what the partner's copy says beside ours."""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import F, Max, Min, Q
from django.db.models.functions import Lower
from django.utils.translation import gettext as _
from lxml import etree

from agreements.ewp.documents import IIAS_NS, parse, validate
from agreements.ewp.export import SPEC_ELEMENT
from agreements.ewp.iia_hash import iia_hashes
from agreements.language_skills import format_language_skills
from agreements.models import Agreement, AgreementParty, Quota

CATEGORY_OF = {element: category for category, element in SPEC_ELEMENT.items()}
NS = {"i": IIAS_NS}
# The fields compared, condition by condition.
COMPARED = ["category", "direction", "our_ounit", "partner_unit", *Quota.TERMS, "ewp_kept"]
CONTACT_ROLES = ("sending", "receiving")


@dataclass
class Side:
    hei_id: str
    iia_id: str
    iia_code: str
    signer: str
    signed_on: str
    signer_email: str = ""
    signer_role: str = ""


@dataclass
class PartnerIia:
    ours: Side
    theirs: Side
    in_effect: bool
    terminated: bool
    conditions: list[dict]
    stated_hash: str
    computed_hash: str
    with_us: bool = True
    number: int = 1
    # What was assumed to read a fragment (the specification's example-scenario files).
    assumptions: list[str] = field(default_factory=list)
    agreement: Agreement | None = None
    party: AgreementParty | None = None
    rows: list = field(default_factory=list)
    identifiers: list = field(default_factory=list)


def _text(element, path: str) -> str:
    return (element.findtext(path, default="", namespaces=NS) or "").strip()


def _side(partner) -> Side:
    return Side(
        hei_id=_text(partner, "i:hei-id"),
        iia_id=_text(partner, "i:iia-id"),
        iia_code=_text(partner, "i:iia-code"),
        signer=_text(partner, "i:signing-contact/{*}contact-name"),
        signed_on=_text(partner, "i:signing-date"),
        signer_email=_text(partner, "i:signing-contact/{*}email"),
        signer_role=_text(partner, "i:signing-contact/{*}role-description"),
    )


def _flagged(element) -> bool:
    return element is not None and element.get("not-yet-defined") in {"true", "1"}


def _kept(spec, areas, skills_elements) -> dict:
    """What the condition's fields cannot hold, in the keys `Quota.ewp_kept` documents."""
    kept = {}
    if _flagged(spec.find("i:mobilities-per-year", NS)):
        kept["places_not_yet_defined"] = True
    flagged = [index for index, skill in enumerate(skills_elements) if _flagged(skill)]
    if flagged:
        kept["language_skills_not_yet_defined"] = flagged
    v6 = {
        _text(area, "i:isced-f-code"): area.find("i:isced-f-code", NS).get("v6-value")
        for area in areas
        if area.find("i:isced-f-code", NS).get("v6-value")
    }
    if v6:
        kept["v6_values"] = v6
    clarifications = [area.findtext("i:isced-clarification", namespaces=NS) for area in areas]
    # One clarification on the first area is the field's own shape; anything else is kept whole.
    if any(text is not None for text in clarifications[1:]) or (clarifications and clarifications[0] == ""):
        kept["clarifications"] = clarifications
    # A figure the field would round or write otherwise ("4.25" months, "7.5" days, "5.0"): the
    # text as written, which is what the hash reads.
    for name, element, places in (
        ("total_months", "total-months-per-year", 1),
        ("total_days", "total-days-per-year", 0),
    ):
        text = _text(spec, f"i:{element}")
        if text and _figure(Decimal(text).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)) != text:
            kept[f"{name}_as_written"] = text
    for role in CONTACT_ROLES:
        contacts = [etree.tostring(contact, encoding="unicode") for contact in spec.findall(f"i:{role}-contact", NS)]
        if contacts:
            kept[f"{role}_contacts"] = contacts
    return kept


def _figure(value: Decimal) -> str:
    """A figure as the export writes it (export.py's `_number`)."""
    return format(value.normalize(), "f")


def describe_kept(kept: dict) -> str:
    """The kept values on one line, as the comparison and the confirmation show them."""
    parts = []
    if kept.get("places_not_yet_defined"):
        parts.append(_("places per year not yet defined"))
    for index in kept.get("language_skills_not_yet_defined", []):
        parts.append(_("language skill %(number)s not yet defined") % {"number": index + 1})
    for code, old in kept.get("v6_values", {}).items():
        parts.append(_("ISCED %(code)s was %(old)s in IIA v6") % {"code": code, "old": old})
    if "clarifications" in kept:
        shown = [text or "—" for text in kept["clarifications"] if text is not None]
        parts.append(_("clarification per subject area: %(texts)s") % {"texts": " | ".join(shown)})
    if "total_months_as_written" in kept:
        parts.append(_("months per year as written: %(text)s") % {"text": kept["total_months_as_written"]})
    if "total_days_as_written" in kept:
        parts.append(_("days per year as written: %(text)s") % {"text": kept["total_days_as_written"]})
    for role in CONTACT_ROLES:
        for contact in kept.get(f"{role}_contacts", []):
            name = etree.fromstring(contact).findtext("{*}contact-name") or "?"
            parts.append(
                (_("sending contact: %(name)s") if role == "sending" else _("receiving contact: %(name)s"))
                % {"name": name}
            )
    return "; ".join(parts)


def _condition(spec, our_hei_id: str) -> dict:
    areas = spec.findall("i:subject-area", NS)
    skill_elements = spec.findall("i:recommended-language-skill", NS)
    skills = []
    for skill in skill_elements:
        entry = {"language": _text(skill, "i:language")}
        if _text(skill, "i:cefr-level"):
            entry["cefr"] = _text(skill, "i:cefr-level")
        if _text(skill, "i:subject-area/i:isced-f-code"):
            entry["subject_area"] = _text(skill, "i:subject-area/i:isced-f-code")
        skills.append(entry)
    months = _text(spec, "i:total-months-per-year")
    days = _text(spec, "i:total-days-per-year")
    outgoing = _text(spec, "i:sending-hei-id") == our_hei_id
    ours, theirs = ("sending", "receiving") if outgoing else ("receiving", "sending")
    return {
        "category": CATEGORY_OF[etree.QName(spec).localname],
        "direction": Quota.Direction.OUTGOING if outgoing else Quota.Direction.INCOMING,
        "our_ounit_id": _text(spec, f"i:{ours}-ounit-id"),
        "partner_unit": _text(spec, f"i:{theirs}-ounit-id"),
        "first_academic_year": _text(spec, "i:receiving-first-academic-year-id"),
        "last_academic_year": _text(spec, "i:receiving-last-academic-year-id"),
        "places": int(_text(spec, "i:mobilities-per-year")),
        "total_months": Decimal(months).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP) if months else None,
        "total_days": int(Decimal(days).to_integral_value(rounding=ROUND_HALF_UP)) if days else None,
        "subject_areas": [_text(area, "i:isced-f-code") for area in areas],
        "subject_clarification": "; ".join(
            _text(area, "i:isced-clarification") for area in areas if _text(area, "i:isced-clarification")
        ),
        "eqf_levels": [int(level.text) for level in spec.findall("i:eqf-level", NS)],
        "language_skills": skills,
        "blended": _text(spec, "i:blended") in {"true", "1"},
        "other_info": _text(spec, "i:other-info-terms"),
        "ewp_kept": _kept(spec, areas, skill_elements),
    }


STUDENT_SPECS = {SPEC_ELEMENT[category] for category in Quota.STUDENT_CATEGORIES}
NEEDS_SKILL = {SPEC_ELEMENT[category] for category in (Quota.Category.STUDENT_STUDIES, Quota.Category.STAFF_TEACHING)}


def _element(name: str, text: str):
    element = etree.Element(f"{{{IIAS_NS}}}{name}")
    element.text = text
    return element


def _assume(assumptions: list, message: str) -> None:
    if message not in assumptions:
        assumptions.append(message)


def _complete_fragment(root, assumptions: list) -> list:
    """Fill in what the example-scenario files leave out "for clarity" and the schema requires:
    `<in-effect>` (false) and a student mobility's `<blended>` (false) in the tree read; a
    language skill only in the copy that is validated (returned: the placeholders to remove)."""
    placeholders = []
    for iia in root.findall("i:iia", NS):
        conditions = iia.find("i:cooperation-conditions", NS)
        if conditions is None:
            continue
        if iia.find("i:in-effect", NS) is None:
            conditions.addprevious(_element("in-effect", "false"))
            _assume(assumptions, _("It gives no <in-effect>: the agreement was taken as not yet in effect."))
        for spec in conditions:
            if not isinstance(spec.tag, str):
                continue
            name = etree.QName(spec).localname
            places = spec.find("i:mobilities-per-year", NS)
            if name in NEEDS_SKILL and spec.find("i:recommended-language-skill", NS) is None and places is not None:
                skill = etree.Element(f"{{{IIAS_NS}}}recommended-language-skill")
                skill.append(_element("language", "und"))
                places.addnext(skill)
                placeholders.append(skill)
                _assume(
                    assumptions,
                    _(
                        "A condition gives no recommended language skill: read as none (the export asks for one before it offers a file)."
                    ),
                )
            if name in STUDENT_SPECS and spec.find("i:blended", NS) is None:
                eqf = spec.find("i:eqf-level", NS)
                if eqf is not None:
                    eqf.addprevious(_element("blended", "false"))
                else:
                    spec.append(_element("blended", "false"))
                _assume(assumptions, _("A student condition gives no <blended>: taken as not blended."))
    return placeholders


def _read_fragment(root) -> tuple:
    """A document as the specification's example-scenario files give it: no namespace
    declarations, an `<iia>` alone, elements left out. Read as the get-response it is part of;
    what was assumed is said. Returns the tree to read, its iia-hashes (of what the file says,
    before anything is filled in) and the assumptions."""
    assumptions = []
    if etree.QName(root).namespace is None and etree.QName(root).localname in {"iias-get-response", "iia"}:
        for element in root.iter():
            if isinstance(element.tag, str) and etree.QName(element).namespace is None:
                element.tag = f"{{{IIAS_NS}}}{element.tag}"
        assumptions.append(
            _("The file declares no namespace: it was read as an EWP IIA v7 document (get-response namespace).")
        )
    if etree.QName(root).localname == "iia" and etree.QName(root).namespace == IIAS_NS:
        wrapper = etree.Element(f"{{{IIAS_NS}}}iias-get-response")
        wrapper.append(root)
        root = wrapper
        assumptions.append(_("The file holds one <iia> alone: it was read as the get-response it is part of."))
    if not assumptions:
        validate(root)
        return root, iia_hashes(root), []
    # Re-read, so that the schema's line numbers are those of a document, not of a tree edited in place.
    root = parse(etree.tostring(root))
    hashes = iia_hashes(root)
    placeholders = _complete_fragment(root, assumptions)
    validate(root)
    for placeholder in placeholders:
        placeholder.getparent().remove(placeholder)
    return root, hashes, assumptions


def read_partner_iias(data: bytes) -> list[PartnerIia]:
    """Each `<iia>` of a valid get-response, seen from our side when we are one of its two
    institutions; DocumentError when the document is not one."""
    root, hashes, assumptions = _read_fragment(parse(data))
    home = settings.HOME_INSTITUTION_SCHAC
    found = []
    for number, (iia, computed) in enumerate(zip(root.findall("i:iia", NS), hashes, strict=True), 1):
        first, second = (_side(partner) for partner in iia.findall("i:partner", NS))
        # Read from our side when one side is us; else (an example, a copy passed on) as written,
        # first partner first, and matched to nothing.
        with_us = bool(home) and home.lower() in {first.hei_id.lower(), second.hei_id.lower()}
        if with_us and second.hei_id.lower() == home.lower():
            first, second = second, first
        conditions_element = iia.find("i:cooperation-conditions", NS)
        found.append(
            PartnerIia(
                ours=first,
                theirs=second,
                in_effect=_text(iia, "i:in-effect") in {"true", "1"},
                terminated=conditions_element.get("terminated-as-a-whole") in {"true", "1"},
                conditions=[_condition(spec, first.hei_id) for spec in conditions_element if isinstance(spec.tag, str)],
                stated_hash=_text(iia, "i:iia-hash"),
                computed_hash=computed,
                with_us=with_us,
                number=number,
                assumptions=assumptions,
            )
        )
    return found


def _years(iia: PartnerIia) -> tuple[str, str] | None:
    years = [c["first_academic_year"] for c in iia.conditions] + [c["last_academic_year"] for c in iia.conditions]
    return (min(years), max(years)) if years else None


def match_agreements(iias: list[PartnerIia]) -> None:
    """Set each IIA's `party` (and `agreement`): our party for its partner, by IIA ids, else by
    the partner's SCHAC code and academic years that overlap ours. Two queries whatever the
    number of IIAs: the candidates by id, then by SCHAC code with their conditions' years."""
    with_us = [iia for iia in iias if iia.with_us]
    for iia in iias:
        iia.party = iia.agreement = None
    if not with_us:
        return
    parties = AgreementParty.objects.select_related("agreement", "institution")
    our_ids = {iia.ours.iia_id for iia in with_us if iia.ours.iia_id}
    their_ids = {iia.theirs.iia_id for iia in with_us if iia.theirs.iia_id}
    by_id = list(
        parties.filter(Q(our_iia_id__in=our_ids) | Q(partner_iia_id__in=their_ids)).order_by("pk")
        if our_ids or their_ids
        else []
    )
    for iia in with_us:
        iia.party = next(
            (
                party
                for party in by_id
                if (iia.ours.iia_id and party.our_iia_id == iia.ours.iia_id)
                or (
                    iia.theirs.iia_id
                    and party.partner_iia_id == iia.theirs.iia_id
                    and party.institution_id
                    and party.institution.schac_id.lower() == iia.theirs.hei_id.lower()
                )
            ),
            None,
        )
    unmatched = [iia for iia in with_us if iia.party is None]
    if unmatched:
        codes = {iia.theirs.hei_id.lower() for iia in unmatched}
        candidates = (
            parties.annotate(schac=Lower("institution__schac_id"))
            .filter(schac__in=codes)
            .annotate(first_year=Min("agreement__quotas__first_academic_year"))
            .annotate(last_year=Max("agreement__quotas__last_academic_year"))
            .order_by(F("agreement__signed_on").desc(nulls_last=True), "-pk")
        )
        candidates = list(candidates)
        for iia in unmatched:
            years = _years(iia)
            iia.party = next(
                (
                    party
                    for party in candidates
                    if party.schac == iia.theirs.hei_id.lower()
                    and (
                        years is None
                        or (party.first_year and party.first_year <= years[1] and party.last_year >= years[0])
                    )
                ),
                None,
            )
    for iia in with_us:
        iia.agreement = iia.party.agreement if iia.party is not None else None


def match_agreement(iia: PartnerIia) -> AgreementParty | None:
    """Our party for the partner of this IIA (see `match_agreements`)."""
    match_agreements([iia])
    return iia.party


def our_ounit_id(quota: Quota) -> str:
    """The EWP id of our organisational unit in a condition: its unit's, or the one kept as read."""
    return quota.our_unit.ewp_ounit_id if quota.our_unit_id else quota.ewp_kept.get("our_ounit_id", "")


def _value(condition, name):
    """A field of either side, as the page shows it (and compares it)."""
    if name == "our_ounit":
        return condition["our_ounit_id"] if isinstance(condition, dict) else our_ounit_id(condition)
    value = condition.get(name) if isinstance(condition, dict) else getattr(condition, name)
    if name == "ewp_kept":
        return describe_kept(value)
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if name == "language_skills":
        return format_language_skills(value)
    if name in {"subject_areas", "eqf_levels"}:
        return ", ".join(str(item) for item in value)
    if name == "category":
        return Quota.Category(value).label
    if name == "direction":
        return Quota.Direction(value).label
    if name == "blended":
        return _("yes") if value else _("no")
    return value


def compare_conditions(ours: list[Quota], theirs: list[dict]) -> list[dict]:
    """Their conditions beside ours, paired by mobility type, direction and first year (then in
    order): each pair with its fields marked equal or differs, and what only one side has."""
    remaining = list(ours)
    rows = []
    for index, condition in enumerate(theirs):
        match = next(
            (
                quota
                for quota in remaining
                if (quota.category, quota.direction, quota.first_academic_year)
                == (condition["category"], condition["direction"], condition["first_academic_year"])
            ),
            None,
        ) or next(
            (q for q in remaining if (q.category, q.direction) == (condition["category"], condition["direction"])), None
        )
        if match is not None:
            remaining.remove(match)
        rows.append({**_pair(match, condition), "key": f"theirs-{index}"})
    rows += [{**_pair(quota, None), "key": f"ours-{quota.pk}"} for quota in remaining]
    return rows


def _label(name: str) -> str:
    if name == "our_ounit":
        return _("our unit (EWP id)")
    return Quota._meta.get_field(name).verbose_name


def _pair(ours: Quota | None, theirs: dict | None) -> dict:
    fields = []
    for name in COMPARED:
        mine = _value(ours, name) if ours is not None else None
        other = _value(theirs, name) if theirs is not None else None
        if ours is None:
            state = "only_theirs"
        elif theirs is None:
            state = "only_ours"
        else:
            state = "equal" if mine == other else "differs"
        fields.append(
            {
                "name": name,
                "label": _label(name),
                "ours": mine,
                "theirs": other,
                "state": state,
            }
        )
    return {"ours": ours, "theirs": theirs, "fields": fields, "differs": any(f["state"] != "equal" for f in fields)}


def _state(ours: str, theirs: str) -> str:
    if ours == theirs:
        return "equal"
    if not theirs:
        return "only_ours"
    if not ours:
        return "only_theirs"
    return "differs"


def compare_identifiers(iia: PartnerIia, party: AgreementParty | None) -> list[dict]:
    """What we hold of the IIA's ids, codes and the partner's hash beside what their copy says."""
    if party is None:
        held = dict.fromkeys(("their_id", "their_code", "our_id", "our_code", "hash"), "")
    else:
        held = {
            "their_id": party.partner_iia_id,
            "their_code": party.partner_iia_code,
            "our_id": party.our_iia_id,
            "our_code": party.our_iia_code or party.agreement.registration_number,
            "hash": party.partner_iia_hash_received,
        }
    rows = [
        ("their_id", _("Their IIA id"), iia.theirs.iia_id),
        ("their_code", _("Their IIA code"), iia.theirs.iia_code),
        ("our_id", _("Our IIA id"), iia.ours.iia_id),
        ("our_code", _("Our IIA code"), iia.ours.iia_code),
        ("hash", _("Their iia-hash (last recorded)"), iia.stated_hash),
    ]
    return [
        {"name": name, "label": label, "ours": held[name], "theirs": theirs, "state": _state(held[name], theirs)}
        for name, label, theirs in rows
    ]
