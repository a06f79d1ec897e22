"""A partner's IIA document uploaded and compared with ours: the official files are read, shown
beside our conditions field by field; broken, foreign, huge and hostile files are refused with a
clear message, and nothing is ever written."""

import pytest
from django.test import override_settings
from django.urls import reverse

from agreements.ewp.documents import MAX_BYTES, SPEC
from agreements.ewp.export import exported_agreement, iia_document
from agreements.ewp.tests.test_export import exchange  # noqa: F401 (a fixture)
from cooperation.tests.db_state import changes_between, database_state

URL = reverse("agreements:iia-compare")
VECTOR = SPEC / "hash" / "get-response-v7.xml"


def upload(client, name: str, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(URL, {"file": SimpleUploadedFile(name, data, content_type="application/xml")})


@pytest.fixture
def office(client, office_user):
    client.force_login(office_user)
    return client


@override_settings(HOME_INSTITUTION_SCHAC="uw.edu.pl")
def test_the_official_vector_is_read_and_shown(office):
    before = database_state()
    response = upload(office, "get-response-v7.xml", VECTOR.read_bytes())

    assert response.status_code == 200
    [iia] = response.context["iias"]
    assert (iia.ours.iia_id, iia.theirs.hei_id, iia.theirs.iia_code) == (
        "0f7a5682-faf7-49a7-9cc7-ec486c49a281",
        "hibo.no",
        "2014/E+/PL/4104B",
    )
    assert iia.stated_hash == iia.computed_hash
    assert [row["theirs"]["category"] for row in iia.rows] == ["student_studies", "staff_teaching"]
    assert iia.rows[0]["theirs"]["eqf_levels"] == [7, 8]
    assert iia.agreement is None
    assert "No agreement of ours matches it" in response.content.decode()
    assert changes_between(before, database_state()) == []


@override_settings(HOME_INSTITUTION_SCHAC="ietu.edu.kz")
def test_our_own_export_with_one_condition_changed_shows_that_difference(office, exchange):  # noqa: F811
    document = iia_document(exported_agreement(exchange.pk)).decode()
    # The partner's copy: Gazi's IIA, with 5 places instead of 3.
    changed = document.replace(
        "<mobilities-per-year>3</mobilities-per-year>", "<mobilities-per-year>5</mobilities-per-year>", 1
    )
    before = database_state()

    response = upload(office, "gazi.xml", changed.encode())

    assert response.status_code == 200, response.content.decode()[:2000]
    gazi, hacettepe = response.context["iias"]
    assert gazi.agreement == exchange and hacettepe.agreement == exchange
    [row] = gazi.rows
    states = {field["name"]: field["state"] for field in row["fields"]}
    assert states["places"] == "differs"
    assert {state for name, state in states.items() if name != "places"} == {"equal"}
    assert gazi.stated_hash != gazi.computed_hash  # the number was changed by hand, not the hash
    assert all(not row["differs"] for row in hacettepe.rows)
    assert 'data-state="differs"' in response.content.decode()
    assert changes_between(before, database_state()) == []


@pytest.mark.parametrize("name", ["get-response-example.xml"])
@override_settings(HOME_INSTITUTION_SCHAC="uw.edu.pl")
def test_the_official_example_is_read(office, name):
    response = upload(office, name, (SPEC / "examples" / name).read_bytes())
    assert response.status_code == 200
    assert response.context["iias"]


@override_settings(HOME_INSTITUTION_SCHAC="ietu.edu.kz")
def test_an_iia_between_two_others_is_shown_and_matched_to_nothing(office, exchange):  # noqa: F811
    exchange.parties.filter(institution__isnull=False).update(partner_iia_id="1954991")
    response = upload(office, "v7.xml", VECTOR.read_bytes())
    [iia] = response.context["iias"]
    assert not iia.with_us and iia.agreement is None
    assert "This IIA is between uw.edu.pl and hibo.no, not with us" in response.content.decode()
    assert {row["fields"][0]["state"] for row in iia.rows} == {"only_theirs"}


XXE = b"""<?xml version="1.0"?>
<!DOCTYPE iias-get-response [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<iias-get-response xmlns="https://github.com/erasmus-without-paper/ewp-specs-api-iias/blob/stable-v7/endpoints/get-response.xsd"><iia>&secret;</iia></iias-get-response>"""


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"<iias-get-response><iia>", "This is not well-formed XML"),
        (b'<omobilities-get-response xmlns="urn:other"/>', "This is not an EWP IIA v7 document"),
        (VECTOR.read_bytes().replace(b"<in-effect>true</in-effect>", b""), "does not follow the EWP IIA v7 schema"),
        (XXE, "declares a DTD or entities"),
        (b" " * (MAX_BYTES + 1), "an IIA document may be at most 5 MB"),
        (b"<a>" + b" " * (50 * 1024 * 1024) + b"</a>", "The file is 50.0 MB; an IIA document may be at most 5 MB"),
    ],
    ids=["broken", "another-api", "schema", "xxe", "too-large", "50-MB"],
)
@override_settings(HOME_INSTITUTION_SCHAC="uw.edu.pl")
def test_bad_files_are_refused_with_a_clear_message_and_nothing_is_written(office, data, message):
    before = database_state()
    response = upload(office, "partner.xml", data)
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert "root:" not in page  # nothing of /etc/passwd
    assert response.context.get("iias") is None
    assert changes_between(before, database_state()) == []
    assert "ewp_iia_upload" not in office.session  # nothing kept to confirm later either


def test_the_schema_message_says_the_line(office):
    data = VECTOR.read_bytes().replace(b"<eqf-level>8</eqf-level>", b"<eqf-level>9</eqf-level>")
    with override_settings(HOME_INSTITUTION_SCHAC="uw.edu.pl"):
        response = upload(office, "partner.xml", data)
    assert "Line 64:" in response.content.decode()


@override_settings(HOME_INSTITUTION_SCHAC="ietu.edu.kz")
def test_the_comparison_costs_the_same_queries_for_one_iia_or_many(office, exchange):  # noqa: F811
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from lxml import etree

    from agreements.ewp.documents import IIAS_NS

    both = iia_document(exported_agreement(exchange.pk))
    root = etree.fromstring(both)
    root.remove(root.findall(f"{{{IIAS_NS}}}iia")[1])
    one = etree.tostring(root)

    counts = []
    for data in (one, both):
        with CaptureQueriesContext(connection) as queries:
            response = upload(office, "partner.xml", data)
        assert all(iia.agreement == exchange for iia in response.context["iias"])
        counts.append(len(queries))
    assert len(response.context["iias"]) == 2
    assert counts[0] == counts[1], counts
