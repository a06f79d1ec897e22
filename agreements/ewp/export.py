"""An agreement as an EWP IIA v7 `<iias-get-response>`: one `<iia>` for each partner institution
of the agreement, in the order of its parties, our institution first in each. The document is
validated against the official schema before it is offered; an agreement that cannot be
exported gets the list of what is missing instead (`iia_export_problems`).

`agreements` imports no app above it: `partners` is below, so an institution's page is linked."""

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from lxml import etree

from agreements.ewp.documents import CONTACT_NS, IIAS_NS, DocumentError, validate
from agreements.ewp.iia_hash import iia_hashes
from agreements.models import Agreement, AgreementParty, Quota, Signatory

SPEC_ELEMENT = {
    Quota.Category.STUDENT_STUDIES: "student-studies-mobility-spec",
    Quota.Category.STUDENT_TRAINEESHIP: "student-traineeship-mobility-spec",
    Quota.Category.STAFF_TEACHING: "staff-teacher-mobility-spec",
    Quota.Category.STAFF_TRAINING: "staff-training-mobility-spec",
}
# The schema wants the four kinds in this order, and at least one language skill in these two.
SPEC_ORDER = list(SPEC_ELEMENT)
NEEDS_LANGUAGE_SKILL = {Quota.Category.STUDENT_STUDIES, Quota.Category.STAFF_TEACHING}
NSMAP = {None: IIAS_NS, "c": CONTACT_NS}


@dataclass(frozen=True)
class Problem:
    message: str
    url: str = ""
    link_text: str = ""


class ExportRefused(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(problem.message for problem in problems))
        self.problems = problems


def exported_agreement(pk) -> Agreement:
    """The agreement with everything the export reads, in a fixed number of queries."""
    return (
        Agreement.objects.select_related("responsible_unit")
        .prefetch_related(
            "parties__institution",
            "parties__unit",
            "parties__signatories__contact",
            "quotas__partner",
            "quotas__our_unit",
        )
        .get(pk=pk)
    )


def _partner_parties(agreement: Agreement) -> list[AgreementParty]:
    return [party for party in agreement.parties.all() if party.institution_id]


def _our_party(agreement: Agreement) -> AgreementParty | None:
    return next((party for party in agreement.parties.all() if party.unit_id), None)


def _signatory(party: AgreementParty | None) -> Signatory | None:
    return next(iter(party.signatories.all()), None) if party else None


def _conditions_for(agreement: Agreement, party: AgreementParty) -> list[Quota]:
    conditions = [quota for quota in agreement.quotas.all() if quota.partner_id in (None, party.institution_id)]
    return sorted(conditions, key=lambda quota: SPEC_ORDER.index(quota.category))


def iia_export_problems(agreement: Agreement) -> list[Problem]:
    """What keeps the agreement from being exported, each with where to put it right."""
    edit_url = reverse("agreements:agreement-edit", args=[agreement.pk])
    edit = _("Edit the agreement")
    problems = []
    if not settings.HOME_INSTITUTION_SCHAC:
        problems.append(Problem(_("Our institution has no SCHAC code: an administrator sets HOME_INSTITUTION_SCHAC.")))
    partners = _partner_parties(agreement)
    if not partners:
        problems.append(Problem(_("The agreement has no partner institution."), edit_url, edit))
    signed = agreement.was_ever_signed
    if signed and _signatory(_our_party(agreement)) is None:
        problems.append(
            Problem(_("Nobody is recorded as signing for us (a party of ours with its signatory)."), edit_url, edit)
        )
    for party in partners:
        institution = party.institution
        if not institution.schac_id:
            problems.append(
                Problem(
                    _("%(partner)s has no SCHAC code.") % {"partner": institution},
                    reverse("partners:institution-edit", args=[institution.pk]),
                    _("Edit the partner"),
                )
            )
        if signed and _signatory(party) is None:
            problems.append(
                Problem(_("Nobody is recorded as signing for %(partner)s.") % {"partner": institution}, edit_url, edit)
            )
    for number, quota in enumerate(agreement.quotas.all(), start=1):
        label = _("Condition %(number)s (%(condition)s)") % {"number": number, "condition": quota}
        if quota.places < 1:
            problems.append(
                Problem(
                    _("%(condition)s: EWP needs at least one place per year.") % {"condition": label}, edit_url, edit
                )
            )
        if quota.category in NEEDS_LANGUAGE_SKILL and not quota.language_skills:
            problems.append(
                Problem(
                    _("%(condition)s: EWP needs at least one recommended language skill.") % {"condition": label},
                    edit_url,
                    edit,
                )
            )
    return problems


def _text(parent, name: str, value, namespace: str = IIAS_NS):
    element = etree.SubElement(parent, f"{{{namespace}}}{name}")
    element.text = str(value)
    return element


def _number(value: Decimal | int) -> str:
    text = format(Decimal(value).normalize(), "f")
    return text


def _contact(parent, name: str, signatory: Signatory) -> None:
    contact = etree.SubElement(parent, f"{{{IIAS_NS}}}{name}")
    _text(contact, "contact-name", signatory.full_name, CONTACT_NS)
    email = signatory.email or (signatory.contact.email if signatory.contact else "")
    if email:
        _text(contact, "email", email, CONTACT_NS)
    if signatory.position:
        _text(contact, "role-description", signatory.position, CONTACT_NS)


def _partner(iia, *, hei_id: str, iia_id: str, iia_code: str, signatory: Signatory | None) -> None:
    partner = etree.SubElement(iia, f"{{{IIAS_NS}}}partner")
    _text(partner, "hei-id", hei_id)
    if iia_id:
        _text(partner, "iia-id", iia_id)
    if iia_code:
        _text(partner, "iia-code", iia_code)
    if signatory is not None:
        _contact(partner, "signing-contact", signatory)
        if signatory.signed_on:
            _text(partner, "signing-date", signatory.signed_on.isoformat())


def _mobility(conditions, quota: Quota, *, ours: str, theirs: str) -> None:
    # `ewp_kept` holds what a partner's document said that the fields cannot (reading.py's
    # `_kept`): written back where the schema puts it, so their iia-hash comes out the same.
    kept = quota.ewp_kept or {}
    spec = etree.SubElement(conditions, f"{{{IIAS_NS}}}{SPEC_ELEMENT[quota.category]}")
    our_ounit = quota.our_unit.ewp_ounit_id if quota.our_unit else kept.get("our_ounit_id", "")
    sides = [(ours, our_ounit), (theirs, quota.partner_unit)]
    if quota.direction == Quota.Direction.INCOMING:
        sides.reverse()
    for role, (hei_id, ounit_id) in zip(("sending", "receiving"), sides, strict=True):
        _text(spec, f"{role}-hei-id", hei_id)
        if ounit_id:
            _text(spec, f"{role}-ounit-id", ounit_id)
        for contact in kept.get(f"{role}_contacts", []):
            spec.append(etree.fromstring(contact))
    _text(spec, "receiving-first-academic-year-id", quota.first_academic_year)
    _text(spec, "receiving-last-academic-year-id", quota.last_academic_year)
    places = _text(spec, "mobilities-per-year", quota.places)
    if kept.get("places_not_yet_defined"):
        places.set("not-yet-defined", "true")
    skills_not_yet_defined = set(kept.get("language_skills_not_yet_defined", []))
    for index, skill in enumerate(quota.language_skills):
        element = etree.SubElement(spec, f"{{{IIAS_NS}}}recommended-language-skill")
        if index in skills_not_yet_defined:
            element.set("not-yet-defined", "true")
        _text(element, "language", skill["language"])
        if skill.get("cefr"):
            _text(element, "cefr-level", skill["cefr"])
        if skill.get("subject_area"):
            _text(etree.SubElement(element, f"{{{IIAS_NS}}}subject-area"), "isced-f-code", skill["subject_area"])
    clarifications = kept.get("clarifications")
    v6_values = kept.get("v6_values", {})
    for index, code in enumerate(quota.subject_areas):
        area = etree.SubElement(spec, f"{{{IIAS_NS}}}subject-area")
        isced = _text(area, "isced-f-code", code)
        if code in v6_values:
            isced.set("v6-value", v6_values[code])
        if clarifications is not None:
            if index < len(clarifications) and clarifications[index] is not None:
                _text(area, "isced-clarification", clarifications[index])
        elif index == 0 and quota.subject_clarification:
            _text(area, "isced-clarification", quota.subject_clarification)
    other = quota.other_info
    if quota.subject_clarification and not quota.subject_areas:
        other = "\n".join(part for part in (quota.subject_clarification, other) if part)
    if other:
        _text(spec, "other-info-terms", other)
    if quota.is_student_mobility:
        if quota.total_months:
            _text(spec, "total-months-per-year", kept.get("total_months_as_written") or _number(quota.total_months))
        _text(spec, "blended", "true" if quota.blended else "false")
        for level in quota.eqf_levels:
            _text(spec, "eqf-level", level)
    elif quota.total_days:
        _text(spec, "total-days-per-year", kept.get("total_days_as_written") or _number(quota.total_days))


def iia_tree(agreement: Agreement):
    """The agreement's `<iias-get-response>` as built, each `<iia>` with its `iia-hash`, without
    asking whether it can be exported (agreements/ewp/approval.py hashes our copy with it)."""
    ours = settings.HOME_INSTITUTION_SCHAC or ""
    our_signatory = _signatory(_our_party(agreement))
    root = etree.Element(f"{{{IIAS_NS}}}iias-get-response", nsmap=NSMAP)
    for party in _partner_parties(agreement):
        theirs = party.institution.schac_id or ""
        iia = etree.SubElement(root, f"{{{IIAS_NS}}}iia")
        our_code = party.our_iia_code or agreement.registration_number
        _partner(iia, hei_id=ours, iia_id=party.our_iia_id, iia_code=our_code, signatory=our_signatory)
        _partner(
            iia,
            hei_id=theirs,
            iia_id=party.partner_iia_id,
            iia_code=party.partner_iia_code,
            signatory=_signatory(party),
        )
        # The lifecycle, as the schema means it: in effect once signed (it "is or once was"),
        # whatever became of it since; terminated as a whole when we terminated it.
        _text(iia, "in-effect", "true" if agreement.was_ever_signed else "false")
        conditions = etree.SubElement(iia, f"{{{IIAS_NS}}}cooperation-conditions")
        if agreement.is_terminated:
            conditions.set("terminated-as-a-whole", "true")
        for quota in _conditions_for(agreement, party):
            _mobility(conditions, quota, ours=ours, theirs=theirs)
        _text(iia, "iia-hash", "")
    for iia, digest in zip(root.iterchildren(f"{{{IIAS_NS}}}iia"), iia_hashes(root), strict=True):
        iia.find(f"{{{IIAS_NS}}}iia-hash").text = digest
    return root


def iia_document(agreement: Agreement) -> bytes:
    """The agreement's `<iias-get-response>`, valid against the official schema, each `<iia>`
    with its `iia-hash`; ExportRefused with what is missing otherwise."""
    problems = iia_export_problems(agreement)
    if problems:
        raise ExportRefused(problems)
    root = iia_tree(agreement)
    try:
        validate(root)
    except DocumentError as error:
        raise ExportRefused([Problem(_("The document would not be valid: %(error)s") % {"error": error})]) from None
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
