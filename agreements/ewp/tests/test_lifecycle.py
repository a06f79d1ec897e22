"""`in-effect` and `terminated-as-a-whole` follow the agreement's lifecycle: in effect once
signed, whatever became of it since (the schema: it "is or once was" in effect); terminated as a
whole when we terminated it. Each document is valid and carries the official hash."""

import datetime

import pytest
from django.test import override_settings

from agreements.ewp.documents import IIAS_NS, get_response_schema, parse
from agreements.ewp.export import exported_agreement, iia_document
from agreements.ewp.tests.xslt import official_hashes
from agreements.models import Agreement
from agreements.services import agreement_terminate
from cooperation.tests.factories import (
    AgreementFactory,
    AgreementPartyFactory,
    InstitutionFactory,
    QuotaFactory,
    SignatoryFactory,
)

NS = {"i": IIAS_NS}


@pytest.fixture
def make_agreement(db, university):
    def make(status: str, **fields) -> Agreement:
        signed = status not in Agreement.UNSIGNED
        agreement = AgreementFactory(
            kind=Agreement.Kind.ERASMUS_IIA,
            status=status,
            signed_on=datetime.date(2024, 3, 1) if signed else None,
            expires_on=datetime.date(2029, 3, 1),
            **fields,
        )
        ours = AgreementPartyFactory(agreement=agreement, institution=None, unit=university, order=0)
        partner = AgreementPartyFactory(
            agreement=agreement, institution=InstitutionFactory(schac_id=f"p{agreement.pk}.example.eu"), order=1
        )
        SignatoryFactory(party=ours, full_name="Aigerim Almenova")
        SignatoryFactory(party=partner, full_name="Jan Novák")
        QuotaFactory(
            agreement=agreement,
            first_academic_year="2024/2025",
            last_academic_year="2025/2026",
            places=2,
            language_skills=[{"language": "en", "cefr": "B2"}],
        )
        return agreement

    return make


def exported(agreement):
    document = iia_document(exported_agreement(agreement.pk))
    root = parse(document)
    assert get_response_schema().validate(root)
    assert root.findtext("i:iia/i:iia-hash", namespaces=NS) == official_hashes(document)[0]
    return root


@override_settings(HOME_INSTITUTION_SCHAC="ietu.edu.kz")
@pytest.mark.parametrize(
    ("status", "in_effect", "terminated"),
    [
        (Agreement.Status.DRAFT, "false", None),
        (Agreement.Status.NEGOTIATION, "false", None),
        (Agreement.Status.SIGNED, "true", None),
        (Agreement.Status.RENEWED, "true", None),
    ],
)
def test_in_effect_once_signed(make_agreement, status, in_effect, terminated):
    root = exported(make_agreement(status))
    assert root.findtext("i:iia/i:in-effect", namespaces=NS) == in_effect
    assert root.find("i:iia/i:cooperation-conditions", NS).get("terminated-as-a-whole") == terminated


@override_settings(HOME_INSTITUTION_SCHAC="ietu.edu.kz")
def test_a_terminated_agreement_exports_as_terminated_and_its_hash_says_so(make_agreement):
    agreement = make_agreement(Agreement.Status.SIGNED)
    before = exported(agreement)

    agreement_terminate(agreement=agreement, on=datetime.date(2025, 6, 30), reason="Programme closed", user=None)
    root = exported(Agreement.objects.get(pk=agreement.pk))

    assert root.findtext("i:iia/i:in-effect", namespaces=NS) == "true"  # it once was
    assert root.find("i:iia/i:cooperation-conditions", NS).get("terminated-as-a-whole") == "true"
    assert len(root.find("i:iia/i:cooperation-conditions", NS)) == 1  # its conditions stay
    assert root.findtext("i:iia/i:iia-hash", namespaces=NS) != before.findtext("i:iia/i:iia-hash", namespaces=NS)
