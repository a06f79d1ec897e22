"""Reading cells as the office writes them: dates in the local forms, countries in three
languages, yes and no, numbers with a decimal comma; headers in English, Russian or Kazakh."""

import datetime
import decimal

import pytest
from django.utils import translation

from cooperation.importing.base import map_headers
from cooperation.importing.institutions import InstitutionImport
from cooperation.importing.readers import CellError, parse_bool, parse_country, parse_date, parse_decimal


@pytest.mark.parametrize(
    "value",
    [
        "2025-09-01",
        "01.09.2025",
        "1.9.2025",
        "1/9/2025",
        "01/09/2025",
        "01.09.25",
        "01.09.2025 г.",
        datetime.datetime(2025, 9, 1),
        datetime.date(2025, 9, 1),
        45901,
    ],
)
def test_dates_in_the_common_local_forms(value):
    assert parse_date(value) == datetime.date(2025, 9, 1)


def test_a_wrong_date_says_how_to_write_it():
    with pytest.raises(CellError, match="'2025-13-01' is not a date; write it as 2025-09-01 or 01.09.2025."):
        parse_date("2025-13-01")


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("Türkiye", "TR"),
        ("turkiye", "TR"),
        ("Turkey", "TR"),
        ("Турция", "TR"),
        ("Түркия", "TR"),
        ("tr", "TR"),
        ("TUR", "TR"),
        ("Китай", "CN"),
        ("Қытай", "CN"),
        ("China", "CN"),
        ("Казахстан", "KZ"),
        ("Қазақстан", "KZ"),
        ("Germany", "DE"),
        ("Германия", "DE"),
    ],
)
def test_countries_in_english_russian_kazakh_and_iso_codes(value, code):
    assert parse_country(value) == code


def test_a_misspelt_country_gets_a_suggestion():
    with pytest.raises(CellError, match=r"'Turkye' is not a country; did you mean Türkiye \(TR\)\?"):
        parse_country("Turkye")
    with pytest.raises(CellError, match="'Atlantis' is not a country; write its name or its ISO code"):
        parse_country("Atlantis")


def test_yes_no_and_numbers():
    assert [parse_bool(v) for v in ("да", "Иә", "yes", "нет", "жоқ", "0", True)] == [
        True,
        True,
        True,
        False,
        False,
        False,
        True,
    ]
    assert parse_decimal("2 500,5") == decimal.Decimal("2500.50")
    with pytest.raises(CellError):
        parse_decimal("a lot")


@pytest.mark.parametrize("language", ["en", "ru", "kk"])
def test_headers_are_recognised_in_each_language(office_user, language):
    importer = InstitutionImport(user=office_user)
    with translation.override(language):
        headers = [column.header() for column in importer.columns]
    mapping, problems = map_headers(importer, headers)
    assert problems == []
    assert [column.key for column in mapping.values()] == [column.key for column in importer.columns]


def test_headers_may_also_be_the_column_keys(office_user):
    mapping, problems = map_headers(InstitutionImport(user=office_user), ["name", "COUNTRY", "erasmus_code"])
    assert problems == []
    assert len(mapping) == 3
