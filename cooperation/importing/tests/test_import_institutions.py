"""Importing partner institutions: every row checked first, then all written or none; matches
by identifier, by name in any script, and by a resembling name."""

import random
import time

import pytest

from cooperation.importing.models import ImportBatch
from cooperation.importing.services import ImportRefused, import_confirm, import_preview, import_undo
from cooperation.importing.tests.test_import_helpers import csv_file, xlsx_file
from cooperation.tests.factories import InstitutionFactory, InstitutionNameFactory
from partners.models import Institution, InstitutionName

HEADERS = ["Official name", "Country", "City", "Erasmus code", "PIC", "Name in Russian", "Kind"]


def made_up_names(count: int) -> list[str]:
    """Distinct names nowhere near each other (numbered names would all look alike)."""
    rng = random.Random(6)
    consonants, vowels = "bdfglmnprstvz", "aeiou"
    names = set()
    while len(names) < count:
        word = "".join(rng.choice(consonants) + rng.choice(vowels) for _ in range(6))
        names.add(f"{word.title()} University")
    return sorted(names)


@pytest.fixture
def hacettepe(db):
    institution = InstitutionFactory(name="Hacettepe University", country="TR", erasmus_code="TR ANKARA03")
    InstitutionNameFactory(institution=institution, name="Университет Хаджеттепе", language="ru")
    return institution


def test_a_500_row_import_succeeds(office_user, capsys):
    names = made_up_names(500)
    rows = [[name, "Türkiye", "Ankara", "", "", "", "University"] for name in names]
    started = time.perf_counter()
    batch = import_preview(kind="institutions", file=xlsx_file(HEADERS, rows), user=office_user)
    checked = time.perf_counter()
    assert batch.error_count == 0
    assert {row["status"] for row in batch.rows} == {"new"}
    batch = import_confirm(batch=batch, user=office_user)
    finished = time.perf_counter()
    assert Institution.objects.count() == 500
    assert batch.status == ImportBatch.Status.IMPORTED
    assert (batch.created_count, batch.updated_count) == (500, 0)
    assert len(batch.created_records) == 500
    assert Institution.objects.search(names[250]).get().name == names[250]
    assert Institution.history.filter(history_user=office_user).count() == 500
    started_undo = time.perf_counter()
    import_undo(batch=batch, user=office_user)
    undone = time.perf_counter()
    assert Institution.objects.count() == 0
    assert Institution.history.filter(history_type="-", history_user=office_user).count() == 500
    with capsys.disabled():
        print(
            f"\n500 institutions: preview {checked - started:.2f}s, confirm {finished - checked:.2f}s, "
            f"undo {undone - started_undo:.2f}s"
        )


def test_three_bad_rows_write_nothing_and_are_reported(office_user):
    names = made_up_names(20)
    rows = [[name, "TR", "Ankara", "", "", "", ""] for name in names]
    rows[3][1] = "Turkye"
    rows[8][6] = "Spaceship"
    rows[14][0] = ""
    batch = import_preview(kind="institutions", file=xlsx_file(HEADERS, rows), user=office_user)
    errors = {row["number"]: row["errors"] for row in batch.rows if row["status"] == "error"}
    assert errors == {
        5: ["row 5, Country: 'Turkye' is not a country; did you mean Türkiye (TR)?"],
        10: [errors[10][0]],
        16: ["row 16, Official name: a value is required."],
    }
    assert errors[10][0].startswith("row 10, Kind: 'Spaceship' is not one of: University, College")
    with pytest.raises(ImportRefused) as refused:
        import_confirm(batch=batch, user=office_user)
    assert len(refused.value.messages) == 3
    assert Institution.objects.count() == 0
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PREVIEWED


def test_countries_in_russian_kazakh_and_codes_and_the_names_in_russian(office_user):
    rows = [
        ["Gazi University", "Турция", "", "", "", "Университет Гази", ""],
        ["Urumqi Vocational University", "Қытай", "", "", "", "", ""],
        ["Kyrgyz National University", "KGZ", "", "", "", "", ""],
    ]
    batch = import_confirm(
        batch=import_preview(kind="institutions", file=xlsx_file(HEADERS, rows), user=office_user), user=office_user
    )
    assert dict(Institution.objects.values_list("name", "country")) == {
        "Gazi University": "TR",
        "Urumqi Vocational University": "CN",
        "Kyrgyz National University": "KG",
    }
    assert InstitutionName.objects.get().name == "Университет Гази"
    assert batch.created_count == 3


def test_duplicates_are_found_across_spelling_and_script(office_user, hacettepe):
    rows = [
        ["Hacetteppe University", "TR", "", "", "", "", ""],  # a misspelling
        ["Университет Хаджеттепе", "TR", "Beytepe", "", "", "", ""],  # the Cyrillic name on record
        ["Хаджеттепе", "TR", "", "", "", "", ""],  # transliterated, without "University"
        ["Hacettepe Universitesi", "TR", "Ankara", "TR ANKARA03", "", "", ""],  # its Erasmus code
        ["Sakarya University", "TR", "", "", "", "", ""],
        ["Sakarya Üniversitesi", "TR", "", "", "", "", ""],  # the row above, in Turkish
    ]
    batch = import_preview(kind="institutions", file=xlsx_file(HEADERS, rows), user=office_user)
    statuses = [(row["status"], row["message"]) for row in batch.rows]
    assert [status for status, _ in statuses] == ["duplicate", "update", "duplicate", "duplicate", "new", "duplicate"]
    assert "Hacettepe University (TR)" in statuses[0][1]
    assert "row 3" in statuses[3][1]  # already matched by the row before
    assert "row 6" in statuses[5][1]
    import_confirm(batch=batch, user=office_user)
    assert sorted(Institution.objects.values_list("name", flat=True)) == ["Hacettepe University", "Sakarya University"]


def test_an_identifier_match_updates_and_remembers_the_previous_values(office_user, hacettepe):
    rows = [["Hacettepe University", "TR", "Ankara", "TR ANKARA03", "999866523", "", "University"]]
    batch = import_preview(kind="institutions", file=xlsx_file(HEADERS, rows), user=office_user)
    assert batch.rows[0]["status"] == "update"
    batch = import_confirm(batch=batch, user=office_user)
    hacettepe.refresh_from_db()
    assert hacettepe.pic == "999866523"
    assert batch.updated_count == 1
    assert batch.updated_records == [{"model": "partners.institution", "pk": hacettepe.pk, "before": {"pic": ""}}]


def test_the_csv_variant_reads_semicolons_and_windows_cyrillic(office_user):
    rows = [["Евразийский национальный университет", "Казахстан", "Астана", "", "", "", ""]]
    file = csv_file(["Official name", "Country", "City"], [row[:3] for row in rows], encoding="cp1251")
    batch = import_confirm(batch=import_preview(kind="institutions", file=file, user=office_user), user=office_user)
    assert Institution.objects.get().country == "KZ"
    assert batch.original_name == "import.csv"


def test_a_file_without_the_required_columns_is_refused_whole(office_user):
    from cooperation.importing.readers import ImportFileError

    with pytest.raises(ImportFileError, match="The required column 'Country' is missing"):
        import_preview(
            kind="institutions", file=xlsx_file(["Official name", "Contry"], [["A", "TR"]]), user=office_user
        )


def test_an_identifier_with_another_institutions_name_is_an_error(office_user, hacettepe):
    rows = [["Gazi University", "TR", "", "TR ANKARA03", "", "", ""]]
    batch = import_preview(kind="institutions", file=xlsx_file(HEADERS, rows), user=office_user)
    assert batch.rows[0]["errors"] == [
        "row 2, Erasmus code: TR ANKARA03 belongs to Hacettepe University (TR), not to 'Gazi University'."
    ]


def test_identifiers_of_two_institutions_in_one_row_are_an_error(office_user, hacettepe):
    InstitutionFactory(name="Gazi University", country="TR", pic="949920587")
    rows = [["Hacettepe University", "TR", "", "TR ANKARA03", "949920587", "", ""]]
    batch = import_preview(kind="institutions", file=xlsx_file(HEADERS, rows), user=office_user)
    assert batch.rows[0]["errors"] == [
        "row 2: its identifiers belong to different institutions: "
        "Erasmus code → Hacettepe University (TR); PIC → Gazi University (TR)."
    ]
