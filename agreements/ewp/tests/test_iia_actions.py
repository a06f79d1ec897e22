"""What the comparison page offers, done through the forms it renders: a new agreement from a
partner's IIA (the official vector, whose iia-hash our export then gives back), our export read
back into an empty database and exported again unchanged, their conditions taken (all, or one)
and recorded in the history, their copy just recorded; nothing written before the confirmation,
and a stale or foreign confirmation refused."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from lxml import etree

from agreements.ewp.documents import IIAS_NS, SPEC, parse
from agreements.ewp.export import exported_agreement, iia_document
from agreements.ewp.tests.test_export import exchange  # noqa: F401 (a fixture)
from agreements.ewp.tests.xslt import official_hashes
from agreements.models import Agreement, AgreementParty, Quota
from cooperation.tests.browser_form import RenderedForm
from cooperation.tests.db_state import changes_between, database_state
from partners.models import Institution

COMPARE = reverse("agreements:iia-compare")
VECTOR = SPEC / "hash" / "get-response-v7.xml"
VECTOR_HASH = "87b33170d7a6c6d894215641f39e7b7de36501265479e5ab3922f32d5b225033"
NS = {"i": IIAS_NS}


@pytest.fixture
def office(client, office_user):
    client.force_login(office_user)
    return client


def upload(client, data: bytes, name: str = "partner.xml"):
    response = client.post(COMPARE, {"file": SimpleUploadedFile(name, data, content_type="application/xml")})
    assert response.status_code == 200
    return response


def action_links(response) -> dict[str, str]:
    """{"1-take": url, ...}: the actions the comparison page links to."""
    return {
        f"{number}-{action}": url
        for url, number, action in re.findall(
            r'href="(/agreements/iia/compare/[^/]+/(\d+)/(\w+)/)"', response.content.decode()
        )
    }


def confirm(client, url: str, **changes):
    form = RenderedForm.get(client, url, containing="seen")
    for name, value in changes.items():
        form[name] = value
    return form, form.submit(client)


@override_settings(HOME_INSTITUTION_SCHAC="uw.edu.pl")
def test_the_official_vector_becomes_an_agreement_whose_export_gives_its_hash(office, university):
    response = upload(office, VECTOR.read_bytes())
    links = action_links(response)
    assert set(links) == {"1-create"}

    before = database_state()
    page = office.get(links["1-create"])
    assert "No partner of ours has the SCHAC code hibo.no" in page.content.decode()
    assert changes_between(before, database_state()) == []  # the confirmation page writes nothing

    form, response = confirm(
        office, links["1-create"], partner_name="Høgskolen i Bodø", partner_country="NO", signed_on="2015-01-15"
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    agreement = Agreement.objects.get()
    assert response.url == agreement.get_absolute_url()
    assert (agreement.status, str(agreement.signed_on)) == (Agreement.Status.SIGNED, "2015-01-15")
    party = agreement.parties.get(institution__isnull=False)
    assert (party.institution.schac_id, party.institution.country.code) == ("hibo.no", "NO")
    assert (party.our_iia_id, party.our_iia_code) == ("0f7a5682-faf7-49a7-9cc7-ec486c49a281", "983/E+/III14&15")
    assert (party.partner_iia_id, party.partner_iia_code) == ("1954991", "2014/E+/PL/4104B")
    assert party.partner_iia_hash_received == VECTOR_HASH
    assert sorted(agreement.signatories.values_list("full_name", flat=True)) == ["Monica Turner", "Sylwia Nowak"]
    studies, teaching = agreement.quotas.order_by("pk")
    # Values the fields cannot hold are kept (and shown), not dropped.
    assert studies.ewp_kept["places_not_yet_defined"] is True
    assert studies.ewp_kept["language_skills_not_yet_defined"] == [0]
    assert studies.ewp_kept["v6_values"] == {"0314": "031"}
    assert studies.ewp_kept["our_ounit_id"] == "140"
    assert "XYZ" in studies.ewp_kept["sending_contacts"][0]
    assert (teaching.total_days, teaching.places, teaching.eqf_levels) == (8, 2, [])
    assert agreement.history.first().history_change_reason.startswith("Created from hibo.no's IIA 1954991")

    document = iia_document(exported_agreement(agreement.pk))
    assert parse(document).findtext("i:iia/i:iia-hash", namespaces=NS) == VECTOR_HASH
    assert official_hashes(document) == [VECTOR_HASH]

    # The kept values are shown where the copy is compared again.
    compared = upload(office, VECTOR.read_bytes()).content.decode()
    assert "places per year not yet defined" in compared
    assert "ISCED 0314 was 031 in IIA v6" in compared
    assert set(action_links(upload(office, VECTOR.read_bytes()))) == {"1-take", "1-record"}


@override_settings(HOME_INSTITUTION_SCHAC="ietu.edu.kz")
def test_export_read_into_an_empty_database_exports_the_same_document(office, exchange, university):  # noqa: F811
    # A bilateral agreement: the round trip of one IIA is one agreement.
    exchange.quotas.filter(partner__schac_id="hacettepe.edu.tr").delete()
    exchange.parties.filter(institution__schac_id="hacettepe.edu.tr").delete()
    exchange.signatories.filter(party__isnull=True).delete()
    first = iia_document(exported_agreement(exchange.pk))

    Agreement.objects.all().delete()
    Institution.objects.all().delete()
    assert not Quota.objects.exists() and not AgreementParty.objects.exists()

    links = action_links(upload(office, first))
    form, response = confirm(office, links["1-create"], partner_name="Gazi University", partner_country="TR")
    assert response.status_code == 302, response.content.decode()[:3000]

    again = iia_document(exported_agreement(Agreement.objects.get().pk))
    assert again == first


@override_settings(HOME_INSTITUTION_SCHAC="ietu.edu.kz")
def test_their_changed_places_are_taken_through_the_rendered_form_and_recorded_in_the_history(office, exchange):  # noqa: F811
    theirs = iia_document(exported_agreement(exchange.pk)).replace(
        b"<mobilities-per-year>3</mobilities-per-year>", b"<mobilities-per-year>5</mobilities-per-year>", 1
    )
    links = action_links(upload(office, theirs))
    quota = exchange.quotas.get(places=3)
    before = database_state()

    form, response = confirm(office, links["1-take"])

    assert response.status_code == 302, response.content.decode()[:3000]
    quota.refresh_from_db()
    assert quota.places == 5
    changes = changes_between(before, database_state())
    changed = {(change.table, change.kind) for change in changes}
    assert ("agreements.Quota", "changed") in changed
    assert ("agreements.HistoricalQuota", "added") in changed
    assert [c for c in changes if c.table == "agreements.Quota"][0].fields == ("places",)
    record = quota.history.first()
    assert record.history_change_reason.startswith("Taken from gazi.edu.tr's IIA")
    assert record.history_user.username == "staff"
    assert record.prev_record.places == 3
    party = exchange.parties.get(institution__schac_id="gazi.edu.tr")
    assert party.partner_iia_hash_received == parse(theirs).findtext("i:iia/i:iia-hash", namespaces=NS)


@override_settings(HOME_INSTITUTION_SCHAC="ietu.edu.kz")
def test_one_condition_of_two_is_taken_when_only_its_box_is_ticked(office, exchange):  # noqa: F811
    document = iia_document(exported_agreement(exchange.pk))
    root = parse(document)
    hacettepe = root.findall("i:iia", NS)[1]
    specs = hacettepe.find("i:cooperation-conditions", NS)
    # Their copy: the staff condition with 4 places, and the students' with 2 months more.
    specs.find("i:staff-teacher-mobility-spec/i:mobilities-per-year", NS).text = "4"
    specs.find("i:student-studies-mobility-spec/i:total-months-per-year", NS).text = "7"
    theirs = etree.tostring(root)
    links = action_links(upload(office, theirs))

    form = RenderedForm.get(office, links["2-take"], containing="seen")
    assert len(form.controls["conditions"].options) == 2
    assert len(form["conditions"]) == 2  # all ticked: "take all" is the default
    staff = exchange.quotas.get(category=Quota.Category.STAFF_TEACHING)
    studies = exchange.quotas.get(category=Quota.Category.STUDENT_STUDIES)
    key = next(value for value in form.controls["conditions"].options if value == "theirs-1")
    form.uncheck("conditions")
    form.check("conditions", key)
    response = form.submit(office)

    assert response.status_code == 302, response.content.decode()[:3000]
    staff.refresh_from_db()
    studies.refresh_from_db()
    assert staff.places == 4
    assert studies.total_months == 5  # not ticked: unchanged
    assert staff.history.first().history_change_reason.startswith("Taken from hacettepe.edu.tr's IIA")


@override_settings(HOME_INSTITUTION_SCHAC="ietu.edu.kz")
def test_a_confirmation_made_on_a_stale_page_is_refused_and_writes_nothing(office, exchange):  # noqa: F811
    theirs = iia_document(exported_agreement(exchange.pk)).replace(
        b"<mobilities-per-year>3</mobilities-per-year>", b"<mobilities-per-year>5</mobilities-per-year>", 1
    )
    links = action_links(upload(office, theirs))
    form = RenderedForm.get(office, links["1-take"], containing="seen")
    exchange.quotas.filter(places=3).update(places=4)  # a colleague's edit meanwhile
    before = database_state()

    response = form.submit(office)

    assert response.status_code == 200
    assert "changed since the comparison was shown" in response.content.decode()
    assert changes_between(before, database_state()) == []


@override_settings(HOME_INSTITUTION_SCHAC="ietu.edu.kz")
def test_just_recording_their_copy_keeps_its_ids_and_hash_and_leaves_the_conditions(office, exchange):  # noqa: F811
    root = parse(iia_document(exported_agreement(exchange.pk)))
    gazi = root.find("i:iia", NS)
    their_side = gazi.findall("i:partner", NS)[1]
    code = their_side.find("i:hei-id", NS)
    iia_id = etree.Element(f"{{{IIAS_NS}}}iia-id")
    iia_id.text = "GAZI-77"
    code.addnext(iia_id)
    gazi.find("i:cooperation-conditions//i:mobilities-per-year", NS).text = "9"
    links = action_links(upload(office, etree.tostring(root)))
    before = database_state()

    form, response = confirm(office, links["1-record"])

    assert response.status_code == 302
    party = exchange.parties.get(institution__schac_id="gazi.edu.tr")
    assert party.partner_iia_id == "GAZI-77"
    assert party.partner_iia_hash_received == gazi.findtext("i:iia-hash", namespaces=NS)
    assert party.partner_iia_received_on is not None
    tables = {change.table for change in changes_between(before, database_state())}
    assert tables == {"agreements.AgreementParty", "agreements.HistoricalAgreementParty"}
    assert exchange.quotas.filter(places=9).count() == 0


@pytest.mark.parametrize("name", ["01-A-get-response.part.xml", "02-B-get-response.part.xml"])
@override_settings(HOME_INSTITUTION_SCHAC="A")
def test_the_example_scenario_fragments_are_read_with_what_was_assumed_said(office, university, name):
    response = upload(office, (SPEC / "examples" / name).read_bytes(), name)
    page = response.content.decode()
    [iia] = response.context["iias"]
    assert "declares no namespace" in page
    assert "taken as not yet in effect" in page
    assert iia.theirs.hei_id == "B" and len(iia.conditions) == 2
    assert "taken as not blended" in page and "read as none" in page
    # Their hash was made over the details the example leaves out: the page says it does not match.
    assert iia.stated_hash != iia.computed_hash and "does not match its content" in page


@override_settings(HOME_INSTITUTION_SCHAC="A")
def test_the_two_scenario_copies_show_their_differences(office, university):
    """We are A: B's copy becomes our agreement, then A's own copy (as our system sent it)
    is compared with it: same conditions, B's id missing from A's copy and the codes differ."""
    examples = SPEC / "examples"
    links = action_links(upload(office, (examples / "02-B-get-response.part.xml").read_bytes()))
    form, response = confirm(office, links["1-create"], partner_name="B University", partner_country="PL")
    assert response.status_code == 302, response.content.decode()[:3000]
    agreement = Agreement.objects.get()
    assert agreement.status == Agreement.Status.NEGOTIATION  # no <in-effect>: not yet

    response = upload(office, (examples / "01-A-get-response.part.xml").read_bytes())
    [iia] = response.context["iias"]
    assert iia.agreement == agreement
    states = {row["name"]: row["state"] for row in iia.identifiers}
    assert states["their_id"] == "only_ours"  # A's copy does not name B's id yet
    assert states["our_id"] == "equal"
    assert states["hash"] == "differs"
    assert {field["state"] for row in iia.rows for field in row["fields"]} == {"equal"}
    assert 'data-field="their_id" ' not in response.content.decode()
    assert 'data-state="only_ours" data-field="their_id"' in response.content.decode()


@override_settings(HOME_INSTITUTION_SCHAC="uw.edu.pl")
def test_the_official_example_creates_an_agreement(office, university):
    links = action_links(upload(office, (SPEC / "examples" / "get-response-example.xml").read_bytes()))
    creatable = [url for key, url in links.items() if key.endswith("-create")]
    assert creatable
    form, response = confirm(office, creatable[0], partner_name="Partner", partner_country="NO", signed_on="2020-01-15")
    assert response.status_code == 302, response.content.decode()[:3000]
    agreement = Agreement.objects.get()
    assert agreement.quotas.exists()

    # The same copy again: every condition and identifier equal; then one with a condition
    # changed: that field, and only it, differs.
    example = (SPEC / "examples" / "get-response-example.xml").read_bytes()
    [iia] = [iia for iia in upload(office, example).context["iias"] if iia.agreement == agreement]
    assert {field["state"] for row in iia.rows for field in row["fields"]} == {"equal"}
    assert {row["state"] for row in iia.identifiers} == {"equal"}
    root = etree.fromstring(example)
    conditions = root.find(f"i:iia[{iia.number}]/i:cooperation-conditions", NS)
    spec = next(element for element in conditions if isinstance(element.tag, str))
    spec.find("i:receiving-last-academic-year-id", NS).text = "2030/2031"
    [iia] = [iia for iia in upload(office, etree.tostring(root)).context["iias"] if iia.agreement == agreement]
    changed = [
        (field["name"], field["state"]) for row in iia.rows for field in row["fields"] if field["state"] != "equal"
    ]
    assert changed == [("last_academic_year", "differs")]


def test_an_unknown_upload_says_to_upload_again_and_writes_nothing(office, exchange):  # noqa: F811
    before = database_state()
    url = reverse("agreements:iia-action", args=["no-such-token", 1, "take"])
    assert "upload it again" in office.get(url).content.decode()
    assert "upload it again" in office.post(url, {"conditions": ["theirs-0"], "seen": "x"}).content.decode()
    assert changes_between(before, database_state()) == []


@override_settings(HOME_INSTITUTION_SCHAC="ietu.edu.kz")
def test_a_coordinator_of_another_unit_cannot_take_into_our_agreement(client, other_coordinator, exchange):  # noqa: F811
    client.force_login(other_coordinator)
    theirs = iia_document(exported_agreement(exchange.pk)).replace(b">3<", b">5<", 1)
    response = upload(client, theirs)
    assert not {key for key in action_links(response) if key.endswith(("take", "record"))}
    token = response.context["token"]
    url = reverse("agreements:iia-action", args=[token, 1, "take"])
    before = database_state()
    assert client.get(url).status_code == 403
    assert client.post(url, {"conditions": ["theirs-0"]}).status_code == 403
    assert changes_between(before, database_state()) == []


@override_settings(HOME_INSTITUTION_SCHAC="uw.edu.pl")
def test_the_entry_page_keeps_the_kept_values_until_a_person_sets_what_they_qualify(office, university):
    links = action_links(upload(office, VECTOR.read_bytes()))
    confirm(office, links["1-create"], partner_name="Høgskolen i Bodø", partner_country="NO", signed_on="2015-01-15")
    agreement = Agreement.objects.get()
    studies = agreement.quotas.order_by("pk").first()
    url = reverse("agreements:agreement-edit", args=[agreement.pk])

    before = database_state()
    response = RenderedForm.get(office, url).submit(office)
    assert response.status_code == 302
    assert changes_between(before, database_state()) == []  # untouched: every kept value stays
    assert iia_document(exported_agreement(agreement.pk)).count(b"not-yet-defined") == 2

    form = RenderedForm.get(office, url)
    form[f"quotas-{form.row_index('quotas', studies.pk)}-places"] = "3"
    assert form.submit(office).status_code == 302
    studies.refresh_from_db()
    assert studies.places == 3
    assert "places_not_yet_defined" not in studies.ewp_kept  # set by a person: defined now
    assert studies.ewp_kept["v6_values"] == {"0314": "031"}


@override_settings(HOME_INSTITUTION_SCHAC="uw.edu.pl")
def test_figures_the_fields_would_round_are_kept_as_written(office, university):
    data = (
        VECTOR.read_bytes()
        .replace(b"<total-months-per-year>5<", b"<total-months-per-year>4.25<")
        .replace(b"<total-days-per-year>8<", b"<total-days-per-year>7.5<")
    )
    response = upload(office, data)
    assert "months per year as written: 4.25" in response.content.decode()
    confirm(
        office,
        action_links(response)["1-create"],
        partner_name="Høgskolen i Bodø",
        partner_country="NO",
        signed_on="2015-01-15",
    )
    studies, teaching = Agreement.objects.get().quotas.order_by("pk")
    assert (str(studies.total_months), studies.ewp_kept["total_months_as_written"]) == ("4.3", "4.25")
    assert (teaching.total_days, teaching.ewp_kept["total_days_as_written"]) == (8, "7.5")

    document = iia_document(exported_agreement(studies.agreement_id))
    assert parse(document).findtext("i:iia/i:iia-hash", namespaces=NS) == official_hashes(data)[0]


@override_settings(HOME_INSTITUTION_SCHAC="uw.edu.pl")
def test_a_partner_we_keep_without_a_schac_code_is_offered_and_given_it(office, university):
    from cooperation.tests.factories import InstitutionFactory

    nord = InstitutionFactory(name="Nord University", country="NO", schac_id="")
    InstitutionFactory(name="Uppsala University", country="SE", schac_id="")  # another country: not offered
    url = action_links(upload(office, VECTOR.read_bytes()))["1-create"]
    form = RenderedForm.get(office, url, containing="seen")
    assert form.controls["existing_partner"].options == ["", str(nord.pk)]

    form, response = confirm(office, url, existing_partner=str(nord.pk), partner_name="", signed_on="2015-01-15")

    assert response.status_code == 302, response.content.decode()[:3000]
    nord.refresh_from_db()
    assert nord.schac_id == "hibo.no"
    assert Agreement.objects.get().parties.get(institution__isnull=False).institution == nord
    assert Institution.objects.count() == 2  # none created


@override_settings(HOME_INSTITUTION_SCHAC="uw.edu.pl")
def test_a_new_partner_without_a_name_is_refused_with_the_field_named_and_nothing_written(office, university):
    url = action_links(upload(office, VECTOR.read_bytes()))["1-create"]
    before = database_state()
    form, response = confirm(office, url, partner_name="", signed_on="2015-01-15")
    assert response.status_code == 200
    assert "Give the new partner&#x27;s name, or choose an existing partner." in response.content.decode()
    assert changes_between(before, database_state()) == []
