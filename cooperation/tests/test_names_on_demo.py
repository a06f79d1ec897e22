"""The issue's checks on the demo data: Xi'an Jiaotong University added to a fresh demo
database is listed once for every spelling, entered with its acronym without a warning, and an
import naming Hacettepe as people misspell it shows its matches before anything is written."""

import pytest
from django.urls import reverse

from cooperation.importing.services import import_preview
from cooperation.importing.tests.test_import_helpers import xlsx_file
from cooperation.importing.tests.test_import_matching import HEADERS, row_of, sheet_of_20
from cooperation.tests.browser_form import RenderedForm
from cooperation.tests.test_load_demo import loaded  # noqa: F401 (the demo data, loaded once)
from partners.models import Institution

SPELLINGS = ["xian jiaotong", "XI’AN JIAOTONG", "xi-an jiaotong", "Xi'an Jiaotong", "jiaotong xi'an", "xian jiao"]
SPELLINGS += ["西安交通大学", "сиань", "Сиань Цзяотун университеті"]


def add_xian(client) -> Institution:
    form = RenderedForm.get(client, reverse("partners:institution-create"))
    form["name"] = "Xi'an Jiaotong University"
    form["short_name"] = "XJTU"
    form["country"] = "CN"
    form["names-0-name"], form["names-0-language"] = "西安交通大学", "zh"
    form["names-1-name"], form["names-1-language"] = "Сиань Цзяотун университет", "ru"
    response = form.submit(client)
    # Kyrgyz State Technical University (KSTU) is in the demo data: two acronyms are no match.
    assert response.status_code == 302, "a duplicate warning for Xi'an Jiaotong University"
    return Institution.objects.get(name="Xi'an Jiaotong University")


@pytest.mark.django_db
@pytest.mark.usefixtures("loaded")
class TestOnTheDemoData:
    def test_every_spelling_finds_xian_once(self, client, office_user):
        client.force_login(office_user)
        xian = add_xian(client)
        for words in SPELLINGS:
            listed = client.get(reverse("partners:institution-list"), {"q": words}).context["table"]
            assert [row.record for row in listed.page.object_list] == [xian], words
            groups = client.get(reverse("search"), {"q": words}).context["groups"]
            assert next(group.hits for group in groups if group.key == "partners") == [xian], words

    def test_the_import_shows_the_hacettepe_rows_matches_before_writing(self, office_user):
        hacettepe = Institution.objects.get(name="Hacettepe University")
        count = Institution.objects.count()
        batch = import_preview(kind="institutions", file=xlsx_file(HEADERS, sheet_of_20()), user=office_user)
        assert Institution.objects.count() == count
        first = row_of(batch, 2)
        assert first["match"] == "through its variant 'Hacetteppe University'"
        assert first["label"] == hacettepe.name
        assert [field for field, _old, _new in first["changes"]] == ["Status"]
        assert first["needs_confirmation"]
        alone = import_preview(kind="institutions", file=xlsx_file(HEADERS, sheet_of_20()[10:11]), user=office_user)
        assert row_of(alone, 2)["match"].startswith("similar 0.9")
        assert row_of(alone, 2)["label"] == hacettepe.name
