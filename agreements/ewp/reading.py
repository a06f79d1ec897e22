"""A partner's IIA document read into plain data, in our terms, and matched to our agreements.

Reading writes nothing: the comparison page shows what the partner's copy says beside ours."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext as _

from agreements.ewp.documents import IIAS_NS, parse, validate
from agreements.ewp.export import SPEC_ELEMENT
from agreements.ewp.iia_hash import iia_hashes
from agreements.language_skills import format_language_skills
from agreements.models import Agreement, AgreementParty, Quota

CATEGORY_OF = {element: category for category, element in SPEC_ELEMENT.items()}
NS = {"i": IIAS_NS}
# The fields compared, condition by condition.
COMPARED = ["category", "direction", *Quota.TERMS]


@dataclass
class Side:
    hei_id: str
    iia_id: str
    iia_code: str
    signer: str
    signed_on: str


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
    agreement: Agreement | None = None
    party: AgreementParty | None = None
    rows: list = field(default_factory=list)


def _text(element, path: str) -> str:
    return (element.findtext(path, default="", namespaces=NS) or "").strip()


def _side(partner) -> Side:
    signer = _text(partner, "i:signing-contact/{*}contact-name")
    return Side(
        hei_id=_text(partner, "i:hei-id"),
        iia_id=_text(partner, "i:iia-id"),
        iia_code=_text(partner, "i:iia-code"),
        signer=signer,
        signed_on=_text(partner, "i:signing-date"),
    )


def _condition(spec, our_hei_id: str) -> dict:
    areas = spec.findall("i:subject-area", NS)
    skills = []
    for skill in spec.findall("i:recommended-language-skill", NS):
        entry = {"language": _text(skill, "i:language")}
        if _text(skill, "i:cefr-level"):
            entry["cefr"] = _text(skill, "i:cefr-level")
        if _text(skill, "i:subject-area/i:isced-f-code"):
            entry["subject_area"] = _text(skill, "i:subject-area/i:isced-f-code")
        skills.append(entry)
    months = _text(spec, "i:total-months-per-year")
    days = _text(spec, "i:total-days-per-year")
    return {
        "category": CATEGORY_OF[spec.tag.split("}")[1]],
        "direction": Quota.Direction.OUTGOING
        if _text(spec, "i:sending-hei-id") == our_hei_id
        else Quota.Direction.INCOMING,
        "first_academic_year": _text(spec, "i:receiving-first-academic-year-id"),
        "last_academic_year": _text(spec, "i:receiving-last-academic-year-id"),
        "places": int(_text(spec, "i:mobilities-per-year")),
        "total_months": Decimal(months) if months else None,
        "total_days": int(Decimal(days)) if days else None,
        "subject_areas": [_text(area, "i:isced-f-code") for area in areas],
        "subject_clarification": "; ".join(
            _text(area, "i:isced-clarification") for area in areas if _text(area, "i:isced-clarification")
        ),
        "eqf_levels": [int(level.text) for level in spec.findall("i:eqf-level", NS)],
        "language_skills": skills,
        "blended": _text(spec, "i:blended") in {"true", "1"},
        "other_info": _text(spec, "i:other-info-terms"),
    }


def read_partner_iias(data: bytes) -> list[PartnerIia]:
    """Each `<iia>` of a valid get-response, seen from our side when we are one of its two
    institutions; DocumentError when the document is not one."""
    root = parse(data)
    validate(root)
    home = settings.HOME_INSTITUTION_SCHAC
    found = []
    for iia, computed in zip(root.findall("i:iia", NS), iia_hashes(root), strict=True):
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
            )
        )
    return found


def match_agreement(iia: PartnerIia) -> AgreementParty | None:
    """Our party for the partner of this IIA: by IIA ids, else by the partner's SCHAC code and
    academic years that overlap ours."""
    if not iia.with_us:
        return None
    parties = AgreementParty.objects.select_related("agreement", "institution")
    by_id = Q()
    if iia.ours.iia_id:
        by_id |= Q(our_iia_id=iia.ours.iia_id)
    if iia.theirs.iia_id:
        by_id |= Q(partner_iia_id=iia.theirs.iia_id, institution__schac_id__iexact=iia.theirs.hei_id)
    if by_id:
        party = parties.filter(by_id).order_by("pk").first()
        if party:
            return party
    years = [condition["first_academic_year"] for condition in iia.conditions] + [
        condition["last_academic_year"] for condition in iia.conditions
    ]
    candidates = parties.filter(institution__schac_id__iexact=iia.theirs.hei_id)
    if years:
        candidates = candidates.filter(
            agreement__quotas__first_academic_year__lte=max(years),
            agreement__quotas__last_academic_year__gte=min(years),
        )
    return candidates.order_by("-agreement__signed_on", "-pk").first()


def _value(condition, name):
    """A field of either side, as the page shows it (and compares it)."""
    value = condition.get(name) if isinstance(condition, dict) else getattr(condition, name)
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
    for condition in theirs:
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
        rows.append(_pair(match, condition))
    rows += [_pair(quota, None) for quota in remaining]
    return rows


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
                "label": Quota._meta.get_field(name).verbose_name,
                "ours": mine,
                "theirs": other,
                "state": state,
            }
        )
    return {"ours": ours, "theirs": theirs, "fields": fields, "differs": any(f["state"] != "equal" for f in fields)}
