"""What each element of an exported IIA says, element by element: the signing contacts (name,
e-mail, role), in-effect for an unsigned agreement, the conditions' optional parts, and what keeps
an agreement from being exported. (test_export.py checks the document as a whole.)"""

import pytest
from django.test import override_settings
from django.urls import reverse
from lxml import etree

from agreements.ewp.documents import CONTACT_NS, IIAS_NS, DocumentError, parse
from agreements.ewp.export import ExportRefused, Problem, exported_agreement, iia_document, iia_export_problems
from agreements.models import Agreement, Quota
from cooperation.tests.factories import (
    AgreementFactory,
    AgreementPartyFactory,
    ContactFactory,
    InstitutionFactory,
    QuotaFactory,
    SignatoryFactory,
)

NS = {"i": IIAS_NS, "c": CONTACT_NS}


@pytest.fixture(autouse=True)
def home_schac():
    with override_settings(HOME_INSTITUTION_SCHAC="ietu.edu.kz"):
        yield


@pytest.fixture
def agreement(db, university):
    agreement = AgreementFactory(
        title="Erasmus+ IIA with Gazi",
        kind=Agreement.Kind.ERASMUS_IIA,
        status=Agreement.Status.SIGNED,
        responsible_unit=university,
        registration_number="E+/2025/9",
    )
    ours = AgreementPartyFactory(agreement=agreement, institution=None, unit=university, order=0)
    gazi = AgreementPartyFactory(
        agreement=agreement, institution=InstitutionFactory(name="Gazi University", schac_id="gazi.edu.tr"), order=1
    )
    SignatoryFactory(party=ours, full_name="Aigerim Almenova", position="Rector", email="rector@ietu.example")
    SignatoryFactory(
        party=gazi,
        full_name="Musa Yıldız",
        position="",
        email="",
        contact=ContactFactory(institution=gazi.institution, email="rector@gazi.edu.tr"),
    )
    return agreement


def export(agreement):
    return parse(iia_document(exported_agreement(agreement.pk))).find("i:iia", NS)


def signing_contact(iia, position: int) -> dict:
    contact = iia.find(f"i:partner[{position}]/i:signing-contact", NS)
    return {etree.QName(child).localname: child.text for child in contact}


def test_each_signing_contact_gives_the_signatorys_name_e_mail_and_position(agreement):
    iia = export(agreement)

    assert signing_contact(iia, 1) == {
        "contact-name": "Aigerim Almenova",
        "email": "rector@ietu.example",
        "role-description": "Rector",
    }


def test_a_signatory_without_an_e_mail_of_their_own_gives_their_contacts_and_no_empty_role(agreement):
    iia = export(agreement)

    assert signing_contact(iia, 2) == {"contact-name": "Musa Yıldız", "email": "rector@gazi.edu.tr"}


def test_a_signatorys_own_e_mail_comes_before_their_contacts(agreement):
    agreement.signatories.filter(full_name="Musa Yıldız").update(email="musa@gazi.edu.tr")

    assert signing_contact(export(agreement), 2)["email"] == "musa@gazi.edu.tr"


def test_a_signatory_with_no_e_mail_anywhere_gives_none(agreement):
    agreement.signatories.filter(full_name="Musa Yıldız").update(contact=None)

    assert signing_contact(export(agreement), 2) == {"contact-name": "Musa Yıldız"}


def test_a_signing_date_is_given_only_when_recorded(agreement):
    agreement.signatories.filter(full_name="Aigerim Almenova").update(signed_on="2025-02-20")

    iia = export(agreement)

    assert iia.findtext("i:partner[1]/i:signing-date", namespaces=NS) == "2025-02-20"
    assert iia.find("i:partner[2]/i:signing-date", NS) is None


def test_the_partners_iia_id_and_code_are_given_only_when_known(agreement):
    iia = export(agreement)
    assert iia.find("i:partner[2]/i:iia-id", NS) is None
    assert iia.find("i:partner[2]/i:iia-code", NS) is None
    assert iia.findtext("i:partner[1]/i:iia-code", namespaces=NS) == "E+/2025/9"

    agreement.parties.filter(order=1).update(partner_iia_id="G-1", partner_iia_code="2025/G/1", our_iia_code="OURS-1")
    iia = export(agreement)
    assert iia.findtext("i:partner[2]/i:iia-id", namespaces=NS) == "G-1"
    assert iia.findtext("i:partner[2]/i:iia-code", namespaces=NS) == "2025/G/1"
    assert iia.findtext("i:partner[1]/i:iia-code", namespaces=NS) == "OURS-1"


@pytest.mark.parametrize("status", Agreement.UNSIGNED)
def test_an_unsigned_agreement_is_not_in_effect_and_needs_no_signatory(agreement, status):
    agreement.signatories.all().delete()
    Agreement.objects.filter(pk=agreement.pk).update(status=status)

    iia = export(agreement)

    assert iia.findtext("i:in-effect", namespaces=NS) == "false"
    assert iia.find("i:partner[1]/i:signing-contact", NS) is None
    assert iia.find("i:cooperation-conditions", NS).get("terminated-as-a-whole") is None


def test_a_signed_agreement_without_our_signatory_is_refused_saying_so(agreement):
    agreement.signatories.filter(full_name="Aigerim Almenova").delete()

    problems = iia_export_problems(exported_agreement(agreement.pk))

    assert problems == [
        Problem(
            "Nobody is recorded as signing for us (a party of ours with its signatory).",
            reverse("agreements:agreement-edit", args=[agreement.pk]),
            "Edit the agreement",
        )
    ]


def test_an_agreement_without_a_partner_is_refused_with_the_link_to_edit_it(db, university):
    bare = AgreementFactory(responsible_unit=university, status=Agreement.Status.DRAFT)

    assert iia_export_problems(exported_agreement(bare.pk)) == [
        Problem(
            "The agreement has no partner institution.",
            reverse("agreements:agreement-edit", args=[bare.pk]),
            "Edit the agreement",
        )
    ]


def test_without_our_schac_code_the_problem_names_the_setting_and_links_nowhere(agreement):
    with override_settings(HOME_INSTITUTION_SCHAC=""):
        problems = iia_export_problems(exported_agreement(agreement.pk))

    assert problems == [Problem("Our institution has no SCHAC code: an administrator sets HOME_INSTITUTION_SCHAC.")]


def test_a_partner_without_a_schac_code_is_refused_with_the_link_to_edit_the_partner(agreement):
    gazi = agreement.parties.get(order=1).institution
    gazi.schac_id = ""
    gazi.save()

    assert iia_export_problems(exported_agreement(agreement.pk)) == [
        Problem(
            "Gazi University has no SCHAC code.",
            reverse("partners:institution-edit", args=[gazi.pk]),
            "Edit the partner",
        )
    ]


def test_the_export_reads_an_agreement_in_the_same_queries_whatever_its_number_of_partners(agreement):
    def queries() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            iia_document(exported_agreement(agreement.pk))
        return len(captured)

    QuotaFactory(
        agreement=agreement,
        category=Quota.Category.STAFF_TRAINING,
        places=2,
        partner=agreement.parties.get(order=1).institution,
        our_unit=agreement.responsible_unit,
    )
    one_partner = queries()
    for number in (2, 3):
        party = AgreementPartyFactory(
            agreement=agreement,
            institution=InstitutionFactory(name=f"Partner {number}", schac_id=f"p{number}.example"),
            order=number,
        )
        SignatoryFactory(party=party, email="", contact=ContactFactory(institution=party.institution))
        QuotaFactory(
            agreement=agreement,
            category=Quota.Category.STAFF_TRAINING,
            places=2,
            partner=party.institution,
            our_unit=agreement.responsible_unit,
        )

    assert queries() == one_partner


def test_the_refusal_says_every_problem(agreement):
    refused = ExportRefused([Problem("First."), Problem("Second.")])

    assert str(refused) == "First.; Second."
    assert [problem.message for problem in refused.problems] == ["First.", "Second."]


def test_the_document_is_utf_8_with_its_xml_declaration_and_indented(agreement):
    document = iia_document(exported_agreement(agreement.pk))

    assert document.startswith(b"<?xml version='1.0' encoding='UTF-8'?>\n<")
    assert "Musa Yıldız".encode() in document
    assert b"\n  <" in document  # one element a line, indented by depth


def test_a_document_the_schema_refuses_is_not_exported_and_the_refusal_says_why(agreement, monkeypatch):
    def refuse(root):
        raise DocumentError("Element 'iia-id': [facet 'maxLength'] is too long.")

    monkeypatch.setattr("agreements.ewp.export.validate", refuse)

    with pytest.raises(ExportRefused) as refused:
        iia_document(exported_agreement(agreement.pk))

    assert refused.value.problems == [
        Problem("The document would not be valid: Element 'iia-id': [facet 'maxLength'] is too long.")
    ]


def test_a_condition_with_no_place_is_refused_and_one_place_is_enough(agreement):
    QuotaFactory(agreement=agreement, category=Quota.Category.STAFF_TRAINING, places=0)
    problems = iia_export_problems(exported_agreement(agreement.pk))
    assert [problem.message for problem in problems] == [
        "Condition 1 (" + str(agreement.quotas.get()) + "): EWP needs at least one place per year."
    ]

    agreement.quotas.update(places=1)
    assert iia_export_problems(exported_agreement(agreement.pk)) == []


@pytest.mark.parametrize(
    "category, needs",
    [
        (Quota.Category.STUDENT_STUDIES, True),
        (Quota.Category.STAFF_TEACHING, True),
        (Quota.Category.STUDENT_TRAINEESHIP, False),
        (Quota.Category.STAFF_TRAINING, False),
    ],
)
def test_a_language_skill_is_needed_for_studies_and_teaching_only(agreement, category, needs):
    QuotaFactory(agreement=agreement, category=category, places=2)

    messages = [problem.message for problem in iia_export_problems(exported_agreement(agreement.pk))]

    assert any("recommended language skill" in message for message in messages) is needs
    assert len(messages) == int(needs)


def spec_of(iia):
    return iia.find("i:cooperation-conditions", NS)[0]


def children(spec) -> list[str]:
    return [etree.QName(child).localname for child in spec]


def test_a_student_condition_says_blended_false_and_gives_no_months_when_none_are_recorded(agreement):
    QuotaFactory(
        agreement=agreement,
        category=Quota.Category.STUDENT_TRAINEESHIP,
        places=3,
        blended=False,
        first_academic_year="2025/2026",
        last_academic_year="2026/2027",
    )

    spec = spec_of(export(agreement))

    assert spec.findtext("i:blended", namespaces=NS) == "false"
    assert spec.find("i:total-months-per-year", NS) is None
    assert spec.findtext("i:receiving-first-academic-year-id", namespaces=NS) == "2025/2026"
    assert spec.findtext("i:receiving-last-academic-year-id", namespaces=NS) == "2026/2027"
    assert spec.findtext("i:mobilities-per-year", namespaces=NS) == "3"
    assert spec.find("i:sending-ounit-id", NS) is None


def test_a_staff_condition_gives_its_days_and_no_student_elements(agreement, university):
    university.ewp_ounit_id = "IETU-ENG"
    university.save()
    QuotaFactory(
        agreement=agreement,
        category=Quota.Category.STAFF_TRAINING,
        places=2,
        total_days=10,
        our_unit=university,
    )

    spec = spec_of(export(agreement))

    assert spec.findtext("i:total-days-per-year", namespaces=NS) == "10"
    assert spec.find("i:blended", NS) is None
    assert spec.findtext("i:sending-hei-id", namespaces=NS) == "ietu.edu.kz"
    assert spec.findtext("i:sending-ounit-id", namespaces=NS) == "IETU-ENG"
    assert spec.findtext("i:receiving-hei-id", namespaces=NS) == "gazi.edu.tr"


def test_a_staff_condition_without_days_gives_none(agreement):
    QuotaFactory(agreement=agreement, category=Quota.Category.STAFF_TRAINING, places=2, total_days=None)

    assert spec_of(export(agreement)).find("i:total-days-per-year", NS) is None


def test_months_are_written_without_trailing_zeros(agreement):
    QuotaFactory(agreement=agreement, category=Quota.Category.STUDENT_TRAINEESHIP, places=2, total_months=4.50)

    assert spec_of(export(agreement)).findtext("i:total-months-per-year", namespaces=NS) == "4.5"


def test_the_clarification_goes_with_the_first_subject_area_only(agreement):
    QuotaFactory(
        agreement=agreement,
        category=Quota.Category.STUDENT_TRAINEESHIP,
        places=2,
        subject_areas=["0613", "0612"],
        subject_clarification="Software",
    )

    areas = spec_of(export(agreement)).findall("i:subject-area", NS)

    assert [area.findtext("i:isced-f-code", namespaces=NS) for area in areas] == ["0613", "0612"]
    assert [area.findtext("i:isced-clarification", namespaces=NS) for area in areas] == ["Software", None]


def test_a_clarification_without_subject_areas_goes_into_the_other_terms_before_them(agreement):
    QuotaFactory(
        agreement=agreement,
        category=Quota.Category.STUDENT_TRAINEESHIP,
        places=2,
        subject_clarification="Any engineering subject",
        other_info="Housing offered.",
    )

    spec = spec_of(export(agreement))

    assert spec.find("i:subject-area", NS) is None
    assert spec.findtext("i:other-info-terms", namespaces=NS) == "Any engineering subject\nHousing offered."


def test_a_clarification_alone_is_the_other_terms(agreement):
    QuotaFactory(
        agreement=agreement,
        category=Quota.Category.STUDENT_TRAINEESHIP,
        places=2,
        subject_clarification="Any engineering subject",
    )

    assert spec_of(export(agreement)).findtext("i:other-info-terms", namespaces=NS) == "Any engineering subject"


def test_no_other_terms_gives_no_element(agreement):
    QuotaFactory(agreement=agreement, category=Quota.Category.STUDENT_TRAINEESHIP, places=2)

    assert spec_of(export(agreement)).find("i:other-info-terms", NS) is None


def test_a_language_skill_gives_only_what_is_recorded_of_it(agreement):
    QuotaFactory(
        agreement=agreement,
        category=Quota.Category.STUDENT_STUDIES,
        places=2,
        language_skills=[{"language": "en"}, {"language": "tr", "cefr": "B1", "subject_area": "0613"}],
    )

    skills = spec_of(export(agreement)).findall("i:recommended-language-skill", NS)

    assert [children(skill) for skill in skills] == [["language"], ["language", "cefr-level", "subject-area"]]
    assert skills[1].findtext("i:subject-area/i:isced-f-code", namespaces=NS) == "0613"
    assert skills[1].findtext("i:cefr-level", namespaces=NS) == "B1"


def test_conditions_come_in_the_order_the_schema_wants_whatever_order_they_were_entered(agreement):
    for category in (Quota.Category.STAFF_TRAINING, Quota.Category.STUDENT_TRAINEESHIP):
        QuotaFactory(agreement=agreement, category=category, places=2)

    specs = children(export(agreement).find("i:cooperation-conditions", NS))

    assert specs == ["student-traineeship-mobility-spec", "staff-training-mobility-spec"]
