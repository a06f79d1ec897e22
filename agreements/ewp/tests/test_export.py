"""Exporting an agreement as an EWP IIA v7 document: valid against the official schema, one
<iia> per partner with ours first, iia-hash as the official XSLT gives it; otherwise a page (and
a command error) saying exactly what is missing."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse
from lxml import etree

from agreements.ewp.documents import IIAS_NS, get_response_schema, parse
from agreements.ewp.export import exported_agreement, iia_document
from agreements.ewp.iia_hash import iia_hashes
from agreements.ewp.tests.xslt import official_hashes
from agreements.models import Agreement, Quota
from cooperation.tests.factories import (
    AgreementFactory,
    AgreementPartyFactory,
    InstitutionFactory,
    QuotaFactory,
    SignatoryFactory,
)

NS = {"i": IIAS_NS}
pytestmark = pytest.mark.usefixtures("home_schac")


@pytest.fixture
def home_schac():
    with override_settings(HOME_INSTITUTION_SCHAC="ietu.edu.kz"):
        yield


@pytest.fixture
def exchange(db, university):
    agreement = AgreementFactory(
        title="Erasmus+ IIA with Gazi and Hacettepe",
        kind=Agreement.Kind.ERASMUS_IIA,
        status=Agreement.Status.SIGNED,
        signed_on="2025-03-01",
        responsible_unit=university,
        registration_number="E+/2025/7",
    )
    ours = AgreementPartyFactory(agreement=agreement, institution=None, unit=university, order=0)
    gazi = AgreementPartyFactory(
        agreement=agreement, institution=InstitutionFactory(name="Gazi University", schac_id="gazi.edu.tr"), order=1
    )
    hacettepe = AgreementPartyFactory(
        agreement=agreement,
        institution=InstitutionFactory(name="Hacettepe University", schac_id="hacettepe.edu.tr"),
        order=2,
        partner_iia_id="HU-2025-0042",
        partner_iia_code="2025/E+/TR/42",
    )
    SignatoryFactory(party=ours, full_name="Aigerim Almenova", position="Rector", email="rector@ietu.example")
    SignatoryFactory(party=gazi, full_name="Musa Yıldız", position="Rector", signed_on="2025-03-01")
    SignatoryFactory(party=hacettepe, full_name="Mehmet Cahit Güran", position="Rector")
    QuotaFactory(
        agreement=agreement,
        first_academic_year="2025/2026",
        last_academic_year="2027/2028",
        places=3,
        total_months=5,
        subject_areas=["0613", "0612"],
        subject_clarification="Software & networks",
        eqf_levels=[6, 7],
        language_skills=[{"language": "en", "cefr": "B2"}, {"language": "tr", "cefr": "B1", "subject_area": "0613"}],
        blended=True,
    )
    QuotaFactory(
        agreement=agreement,
        direction=Quota.Direction.INCOMING,
        category=Quota.Category.STAFF_TEACHING,
        partner=hacettepe.institution,
        partner_unit="ENG",
        places=2,
        total_days=10,
        language_skills=[{"language": "en"}],
        other_info="Teaching in English only.",
    )
    return agreement


def test_an_agreement_exports_one_valid_iia_per_partner_ours_first(exchange):
    document = iia_document(exported_agreement(exchange.pk))
    root = parse(document)

    assert get_response_schema().validate(root)
    iias = root.findall("i:iia", NS)
    assert [[hei.text for hei in iia.findall("i:partner/i:hei-id", NS)] for iia in iias] == [
        ["ietu.edu.kz", "gazi.edu.tr"],
        ["ietu.edu.kz", "hacettepe.edu.tr"],
    ]
    gazi, hacettepe = iias
    # Each partner's IIA has our own id; Hacettepe's has theirs too.
    assert gazi.findtext("i:partner[1]/i:iia-id", namespaces=NS) == exchange.parties.get(order=1).our_iia_id
    assert hacettepe.findtext("i:partner[2]/i:iia-id", namespaces=NS) == "HU-2025-0042"
    assert gazi.findtext("i:partner[1]/i:iia-code", namespaces=NS) == "E+/2025/7"
    # The condition for each partner goes to each; the one for Hacettepe only to Hacettepe's.
    assert len(gazi.find("i:cooperation-conditions", NS)) == 1
    staff = hacettepe.find("i:cooperation-conditions/i:staff-teacher-mobility-spec", NS)
    assert staff.findtext("i:sending-hei-id", namespaces=NS) == "hacettepe.edu.tr"
    assert staff.findtext("i:sending-ounit-id", namespaces=NS) == "ENG"
    assert staff.findtext("i:receiving-hei-id", namespaces=NS) == "ietu.edu.kz"
    assert staff.findtext("i:total-days-per-year", namespaces=NS) == "10"
    studies = gazi.find("i:cooperation-conditions/i:student-studies-mobility-spec", NS)
    assert [level.text for level in studies.findall("i:eqf-level", NS)] == ["6", "7"]
    assert studies.findtext("i:total-months-per-year", namespaces=NS) == "5"
    assert gazi.findtext("i:in-effect", namespaces=NS) == "true"


def test_the_hash_is_the_one_the_official_xslt_gives(exchange):
    document = iia_document(exported_agreement(exchange.pk))
    written = [element.text for element in parse(document).iterfind("i:iia/i:iia-hash", NS)]

    assert written == iia_hashes(parse(document)) == official_hashes(document)
    assert len(set(written)) == 2


def test_a_change_of_conditions_changes_the_hash_and_a_change_of_contact_does_not(exchange):
    def hashes():
        return iia_hashes(parse(iia_document(exported_agreement(exchange.pk))))

    before = hashes()
    exchange.signatories.filter(full_name="Musa Yıldız").update(position="Rector (acting)")
    assert hashes() == before
    exchange.quotas.filter(direction="outgoing").update(places=4)
    assert hashes() != before


def test_a_terminated_agreement_exports_as_terminated(exchange):
    Agreement.objects.filter(pk=exchange.pk).update(
        status=Agreement.Status.TERMINATED, terminated_on="2026-01-31", termination_reason="Partner withdrew."
    )
    root = parse(iia_document(exported_agreement(exchange.pk)))

    assert {
        element.get("terminated-as-a-whole") for element in root.iterfind("i:iia/i:cooperation-conditions", NS)
    } == {"true"}
    assert iia_hashes(root) == official_hashes(etree.tostring(root))


def test_the_page_offers_the_file(client, office_user, exchange):
    client.force_login(office_user)

    response = client.get(reverse("agreements:agreement-iia", args=[exchange.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    assert 'filename="iia-' in response["Content-Disposition"]
    assert response.content == iia_document(exported_agreement(exchange.pk))
    assert (
        reverse("agreements:agreement-iia", args=[exchange.pk])
        in client.get(exchange.get_absolute_url()).content.decode()
    )


def test_what_is_missing_is_listed_with_links_instead_of_a_file(client, office_user, exchange):
    gazi = exchange.parties.get(order=1).institution
    gazi.schac_id = ""
    gazi.save()
    exchange.signatories.filter(full_name="Mehmet Cahit Güran").delete()
    exchange.quotas.filter(direction="incoming").update(language_skills=[])
    client.force_login(office_user)

    response = client.get(reverse("agreements:agreement-iia", args=[exchange.pk]))

    assert response.status_code == 200 and "Content-Disposition" not in response
    page = response.content.decode()
    assert "Gazi University has no SCHAC code." in page
    assert reverse("partners:institution-edit", args=[gazi.pk]) in page
    assert "Nobody is recorded as signing for Hacettepe University." in page
    assert "needs at least one recommended language skill" in page
    assert reverse("agreements:agreement-edit", args=[exchange.pk]) in page


def test_without_our_schac_code_nothing_is_exported(client, office_user, exchange):
    client.force_login(office_user)
    with override_settings(HOME_INSTITUTION_SCHAC=""):
        response = client.get(reverse("agreements:agreement-iia", args=[exchange.pk]))
    assert "Content-Disposition" not in response
    assert "HOME_INSTITUTION_SCHAC" in response.content.decode()


def test_the_command_writes_the_documents_or_says_what_is_missing(exchange, tmp_path):
    out = io.StringIO()
    call_command("export_iia", str(exchange.pk), stdout=out)
    assert out.getvalue().strip() == iia_document(exported_agreement(exchange.pk)).decode().strip()

    call_command("export_iia", str(exchange.pk), "--directory", str(tmp_path))
    assert (tmp_path / f"iia-{exchange.pk}.xml").read_bytes() == iia_document(exported_agreement(exchange.pk))

    unexportable = AgreementFactory()
    with pytest.raises(CommandError, match="has no partner institution"):
        call_command("export_iia", str(unexportable.pk), "--directory", str(tmp_path / "other"))
    assert not (tmp_path / "other").exists()
