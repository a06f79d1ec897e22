"""What a Russian or Kazakh reader met in English, or cut, or with the wrong plural: the import
page's heading, tag names, country names (CLDR's, where django-countries had none or odd
ones), the import template's sheet name and the import button's counts."""

import io
import re

import pytest
from django.urls import reverse
from django.utils import translation
from django_countries import countries
from openpyxl import load_workbook

from cooperation.importing.readers import parse_country
from cooperation.importing.services import import_preview
from cooperation.importing.tests.test_import_helpers import xlsx_file
from cooperation.tests.factories import InstitutionFactory
from partners.models import Tag

CITIES = (
    "Adana Ankara Antalya Bursa Denizli Edirne Erzurum Eskisehir Gaziantep Isparta Izmir Kars Kayseri Konya "
    "Malatya Mardin Mersin Ordu Rize Samsun Sinop Sivas Trabzon Van Yozgat Zonguldak"
).split()


def read_in(client, language: str, url: str) -> str:
    client.cookies["django_language"] = language
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "heading"),
    [
        ("ru", "Импорт: Партнёрские организации"),
        ("kk", "Импорт: Серіктес ұйымдар"),
        ("en", "Import: Partner institutions"),
    ],
)
def test_the_import_page_heading_is_in_the_readers_language(client, office_user, language, heading):
    client.force_login(office_user)
    assert f'<h1 class="h3">{heading}</h1>' in read_in(client, language, reverse("importing:institutions"))


@pytest.mark.django_db
def test_a_tag_is_named_in_the_readers_language_and_falls_back_to_english(client, office_user):
    turkic = Tag.objects.create(name_en="Turkic world", name_ru="Тюркский мир", name_kk="Түркі әлемі")
    only_english = Tag.objects.create(name_en="Silk Road")
    partner = InstitutionFactory(name="Gazi University", country="TR")
    partner.tags.set([turkic, only_english])
    client.force_login(office_user)

    assert "Түркі әлемі" in read_in(client, "kk", partner.get_absolute_url())
    assert "Тюркский мир" in read_in(client, "ru", partner.get_absolute_url())
    english = read_in(client, "en", partner.get_absolute_url())
    assert "Turkic world" in english and "Silk Road" in english
    with translation.override("kk"):
        assert str(Tag.objects.get(pk=only_english.pk)) == "Silk Road"


@pytest.mark.parametrize(
    ("language", "code", "name"),
    [
        ("kk", "NR", "Науру"),
        ("kk", "BS", "Багам аралдары"),
        ("kk", "KZ", "Қазақстан"),
        ("kk", "TR", "Түркия"),
        ("kk", "DE", "Германия"),
        ("ru", "NR", "Науру"),
        ("ru", "BS", "Багамские острова"),
        ("ru", "NL", "Нидерланды"),
        ("ru", "LR", "Либерия"),  # django-countries has "Либерии"
        ("ru", "KR", "Южная Корея"),  # django-countries' own, kept
        ("kk", "KR", "Оңтүстік Корея"),
        ("ru", "DE", "Германия"),  # django-countries' own, kept
        ("en", "DE", "Germany"),
    ],
)
def test_country_names_come_from_cldr_where_django_countries_has_none_or_odd_ones(language, code, name):
    with translation.override(language):
        assert countries.name(code) == name


def test_every_country_has_a_kazakh_name_and_no_russian_name_is_left_in_english():
    for code in countries.countries:
        with translation.override("en"):
            english = countries.name(code)
        with translation.override("kk"):
            kazakh = countries.name(code)
        with translation.override("ru"):
            russian = countries.name(code)
        assert kazakh != english, code
        assert russian != english, code
        assert "(" not in russian or code in {"MM", "UM", "VG", "VI"}, (code, russian)  # CLDR's own brackets


def test_an_import_reads_the_cldr_names_too():
    assert parse_country("Түркия") == "TR"
    assert parse_country("Науру") == "NR"
    assert parse_country("Багам аралдары") == "BS"


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["institutions", "contacts", "agreements", "participants"])
@pytest.mark.parametrize("language", ["en", "ru", "kk"])
def test_the_template_sheet_is_named_for_the_purpose_not_cut(client, office_user, kind, language):
    from cooperation.importing.services import KINDS

    client.force_login(office_user)
    client.cookies["django_language"] = language
    response = client.get(reverse(f"importing:{kind}-template"))
    title = load_workbook(io.BytesIO(response.content)).active.title
    with translation.override(language):
        assert title == str(KINDS[kind].sheet_name)
    assert len(title) <= 31


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "new", "updates", "button"),
    [
        ("en", 19, 1, "Import: 19 new records, 1 update"),
        ("en", 1, 2, "Import: 1 new record, 2 updates"),
        ("ru", 19, 1, "Импортировать: 19 новых записей, 1 обновление"),
        ("ru", 2, 5, "Импортировать: 2 новые записи, 5 обновлений"),
        ("ru", 21, 3, "Импортировать: 21 новая запись, 3 обновления"),
        ("kk", 19, 1, "Импорттау: 19 жаңа жазба, 1 жаңарту"),
    ],
)
def test_the_import_button_counts_with_the_languages_plurals(client, office_user, language, new, updates, button):
    cities = CITIES[: new + updates]
    for city in cities[new:]:
        InstitutionFactory(name=f"University of {city}", country="TR", city="")
    rows = [[f"University of {city}", "TR", city] for city in cities]
    batch = import_preview(
        kind="institutions", file=xlsx_file(["Official name", "Country", "City"], rows), user=office_user
    )
    client.force_login(office_user)

    page = read_in(client, language, batch.get_absolute_url())

    assert button in " ".join(page.split()), re.findall(r"btn-primary.{0,300}|alert-danger.{0,300}", page, re.S)
