"""Every demo agreement that can be exported validates against the vendored schema, offline,
and carries the iia-hash the official XSLT gives; the demo's Erasmus+ agreements ever signed can
be exported, a terminated one as terminated, and the institutions of the official examples are
demo partners, so that an imported example finds them."""

import pytest
import time_machine
from django.test import override_settings

from agreements.ewp.documents import IIAS_NS, SPEC, get_response_schema, parse
from agreements.ewp.export import ExportRefused, exported_agreement, iia_document
from agreements.ewp.iia_hash import iia_hashes
from agreements.ewp.tests.xslt import official_hashes
from agreements.models import Agreement
from cooperation.demo import demo_load
from partners.models import Institution

NS = {"i": IIAS_NS}


@pytest.fixture
def demo(db):
    with time_machine.travel("2026-03-02 09:00 +05:00", tick=False):
        demo_load()


@pytest.mark.django_db
@time_machine.travel("2026-03-02 09:00 +05:00", tick=False)
@override_settings(HOME_INSTITUTION_SCHAC="ietu.edu.kz")
def test_every_exportable_demo_agreement_is_valid_with_the_official_hash(demo):
    exported = {}
    for agreement in Agreement.objects.order_by("pk"):
        try:
            document = iia_document(exported_agreement(agreement.pk))
        except ExportRefused:
            continue
        root = parse(document)
        assert get_response_schema().validate(root), agreement
        assert [element.text for element in root.iterfind("{*}iia/{*}iia-hash")] == iia_hashes(root)
        assert iia_hashes(root) == official_hashes(document), agreement
        exported[agreement.pk] = root

    erasmus = Agreement.objects.filter(kind=Agreement.Kind.ERASMUS_IIA)
    ever_signed = erasmus.ever_signed()
    assert ever_signed.count() >= 8
    assert set(ever_signed.values_list("pk", flat=True)) <= exported.keys(), "an Erasmus+ agreement cannot be exported"
    for agreement in erasmus:
        root = exported.get(agreement.pk)
        if root is None:
            continue
        conditions = root.find("i:iia/i:cooperation-conditions", NS)
        assert root.findtext("i:iia/i:in-effect", namespaces=NS) == ("true" if agreement.was_ever_signed else "false")
        assert (conditions.get("terminated-as-a-whole") == "true") == (agreement.status == Agreement.Status.TERMINATED)

    terminated = erasmus.get(status=Agreement.Status.TERMINATED)
    assert exported[terminated.pk].find("i:iia/i:cooperation-conditions", NS).get("terminated-as-a-whole") == "true"
    assert len(exported[terminated.pk].find("i:iia/i:cooperation-conditions", NS)) == 3  # its conditions too
    # A new user's first export: conditions with ISCED codes, EQF levels and language skills,
    # both signing contacts.
    iia = exported[
        erasmus.get(title="Erasmus+ inter-institutional agreement with Czech Technical University in Prague").pk
    ]
    assert iia.findtext("i:iia/i:partner[2]/i:hei-id", namespaces=NS) == "cvut.cz"
    assert len(iia.findall("i:iia/i:partner/i:signing-contact", NS)) == 2
    studies = iia.find("i:iia/i:cooperation-conditions/i:student-studies-mobility-spec", NS)
    assert studies.findtext("i:subject-area/i:isced-f-code", namespaces=NS)
    assert studies.findall("i:eqf-level", NS)
    assert studies.findtext("i:recommended-language-skill/i:cefr-level", namespaces=NS) == "B2"


@pytest.mark.django_db
def test_the_institutions_of_the_official_examples_are_demo_partners(demo):
    named = set()
    for path in [*(SPEC / "examples").glob("*.xml"), SPEC / "hash" / "get-response-v7.xml"]:
        named |= {element.text.strip() for element in parse(path.read_bytes()).iterfind("{*}iia/{*}partner/{*}hei-id")}
    # "A" and "B" of the example scenario are placeholders, not institutions.
    real = {hei_id for hei_id in named if "." in hei_id}
    assert real == {"uw.edu.pl", "hibo.no"}
    found = set(Institution.objects.filter(schac_id__in=real).values_list("schac_id", flat=True))
    assert found == real
