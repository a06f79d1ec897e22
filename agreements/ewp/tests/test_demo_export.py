"""Every demo agreement that can be exported validates against the vendored schema, offline,
and carries the iia-hash the official XSLT gives; the demo's Erasmus+ agreements in force can be."""

import pytest
import time_machine
from django.test import override_settings

from agreements.ewp.documents import get_response_schema, parse
from agreements.ewp.export import ExportRefused, exported_agreement, iia_document
from agreements.ewp.iia_hash import iia_hashes
from agreements.ewp.tests.xslt import official_hashes
from agreements.models import Agreement
from cooperation.demo import demo_load


@pytest.mark.django_db
@time_machine.travel("2026-03-02 09:00 +05:00", tick=False)
@override_settings(HOME_INSTITUTION_SCHAC="ietu.edu.kz")
def test_every_exportable_demo_agreement_is_valid_with_the_official_hash():
    demo_load()
    exported = []
    for agreement in Agreement.objects.order_by("pk"):
        try:
            document = iia_document(exported_agreement(agreement.pk))
        except ExportRefused:
            continue
        root = parse(document)
        assert get_response_schema().validate(root), agreement
        assert [element.text for element in root.iterfind("{*}iia/{*}iia-hash")] == iia_hashes(root)
        assert iia_hashes(root) == official_hashes(document), agreement
        exported.append(agreement.title)

    assert "Erasmus+ inter-institutional agreement with Czech Technical University in Prague" in exported
    assert "Erasmus+ inter-institutional agreement with Technical University of Munich, 2021–2028" in exported
