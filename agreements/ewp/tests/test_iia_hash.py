"""iia-hash as the official XSLT computes it: the test vector, the official examples, and
documents that take the XSLT's less obvious paths (terminated, not-yet-defined, v6-value,
missing ids), each compared with saxonche running transform_version_7.xsl."""

import re

import pytest
from lxml import etree

from agreements.ewp.documents import SPEC, parse
from agreements.ewp.iia_hash import iia_hashes
from agreements.ewp.tests.xslt import official_hashes

VECTOR = SPEC / "hash" / "get-response-v7.xml"
EXAMPLES = sorted((SPEC / "examples").glob("*.xml"))


def test_the_official_vector_hashes_to_the_hash_written_in_it():
    data = VECTOR.read_bytes()
    written = etree.fromstring(data).findtext(".//{*}iia-hash")

    assert written == "87b33170d7a6c6d894215641f39e7b7de36501265479e5ab3922f32d5b225033"
    assert iia_hashes(parse(data)) == [written]
    assert official_hashes(data) == [written]


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda path: path.name)
def test_the_official_examples_hash_as_the_xslt_does(path):
    data = path.read_bytes()
    assert iia_hashes(parse(data)) == official_hashes(data)


def variant(transform) -> bytes:
    return transform(VECTOR.read_text()).encode()


@pytest.mark.parametrize(
    "transform",
    [
        lambda xml: xml.replace("<cooperation-conditions>", '<cooperation-conditions terminated-as-a-whole="true">'),
        lambda xml: xml.replace("<iia-id>1954991</iia-id>", ""),
        lambda xml: xml.replace(' not-yet-defined="true"', ""),
        lambda xml: xml.replace(' not-yet-defined="true"', ' not-yet-defined="false"'),
        lambda xml: xml.replace(' v6-value="031"', ""),
        lambda xml: xml.replace("<eqf-level>8</eqf-level>", "<eqf-level>8</eqf-level><eqf-level>6</eqf-level>"),
        lambda xml: re.sub(r"<other-info-terms>.*?</other-info-terms>", "", xml).replace(
            "<total-months-per-year>", "<other-info-terms>Ünïcode &amp; more</other-info-terms><total-months-per-year>"
        ),
        lambda xml: xml.replace("</iia>", "</iia>" + xml[xml.index("<iia>") : xml.index("</iia>") + 6]),
    ],
    ids=[
        "terminated",
        "no-partner-id",
        "defined",
        "defined-said-false",
        "no-v6",
        "eqf-order",
        "other-info",
        "two-iias",
    ],
)
def test_hashes_agree_with_the_xslt_on_its_edge_cases(transform):
    data = variant(transform)
    assert iia_hashes(parse(data)) == official_hashes(data)
