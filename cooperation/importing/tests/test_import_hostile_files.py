"""Files that would tie up a worker or store garbage are refused quickly, saying why, and nothing
is kept: spreadsheets of millions of empty rows, workbooks that unpack absurdly, CSV files in an
encoding other than the one guessed, control characters in a cell."""

import io
import re
import time
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from cooperation.importing.models import ImportBatch
from cooperation.importing.readers import ImportFileError, detect_encoding, read_table
from cooperation.importing.tests.test_import_helpers import csv_file
from cooperation.tests.browser_form import RenderedForm
from cooperation.tests.hostile_files import MB, zip_with
from partners.models import Institution

HEADERS = ["Official name", "Country", "City"]
WESTERN = [["Université de Lorraine", "France", "Nancy"], ["Universität Wien", "Austria", "Wien"]]
CYRILLIC = [["Казанский федеральный университет", "Россия", "Казань"], ["Томский университет", "Россия", "Томск"]]


def workbook_with_sheet(rows_xml: str) -> bytes:
    """A real workbook (openpyxl's) whose first sheet's rows are replaced by `rows_xml`."""
    workbook = Workbook()
    workbook.active.append(HEADERS)
    buffer = io.BytesIO()
    workbook.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for member in source.infolist():
            content = source.read(member)
            if member.filename == "xl/worksheets/sheet1.xml":
                text = content.decode()
                text = re.sub(r"<sheetData>.*</sheetData>|<sheetData/>", f"<sheetData>{rows_xml}</sheetData>", text)
                text = re.sub(r'<dimension ref="[^"]*"/>', "", text)
                content = text.encode()
            archive.writestr(member, content)
    return output.getvalue()


HEADER_ROW = (
    '<row r="1">'
    + "".join(f'<c r="{c}1" t="inlineStr"><is><t>{h}</t></is></c>' for c, h in zip("ABC", HEADERS, strict=False))
    + "</row>"
)


def empty_rows_workbook(count: int) -> bytes:
    return workbook_with_sheet(HEADER_ROW + "".join(f'<row r="{n}"/>' for n in range(2, count + 2)))


def kept_imports() -> list[Path]:
    folder = Path(settings.MEDIA_ROOT) / "imports"
    return [path for path in folder.rglob("*") if path.is_file()] if folder.exists() else []


def upload(client, kind="institutions", *, file):
    url = reverse(f"importing:{kind}")
    form = RenderedForm.get(client, url, containing="file")
    started = time.perf_counter()
    response = client.post(form.action, {**form.data(), "file": file})
    return response, time.perf_counter() - started


def form_errors(response) -> str:
    return " ".join(response.context["form"].errors["file"])


def test_two_million_empty_rows_are_refused_in_seconds_saying_the_limit(client, office_user):
    data = empty_rows_workbook(2_000_000)
    assert 2 * MB < len(data) < 10 * MB
    client.force_login(office_user)
    before = kept_imports()
    response, elapsed = upload(client, file=SimpleUploadedFile("partners.xlsx", data))
    assert response.status_code == 200
    assert "The file has more than 5000 rows (empty rows count too)" in form_errors(response)
    assert elapsed < 5
    assert ImportBatch.objects.count() == 0 and kept_imports() == before


def test_every_row_read_counts_empty_ones_too():
    with pytest.raises(ImportFileError, match="more than 5000 rows"):
        read_table(io.BytesIO(empty_rows_workbook(5001)), "partners.xlsx")
    assert read_table(io.BytesIO(empty_rows_workbook(5000)), "partners.xlsx").rows == []


def test_a_csv_of_two_million_empty_lines_is_refused():
    data = ";".join(HEADERS).encode() + b"\r\n" * 2_000_000
    started = time.perf_counter()
    with pytest.raises(ImportFileError, match="more than 5000 rows"):
        read_table(io.BytesIO(data), "partners.csv")
    assert time.perf_counter() - started < 3


def test_a_workbook_that_unpacks_absurdly_is_refused_before_openpyxl_reads_it(client, office_user):
    workbook = workbook_with_sheet(HEADER_ROW)
    with zipfile.ZipFile(io.BytesIO(workbook)) as source:
        members = {info.filename: source.read(info) for info in source.infolist()}
    bomb = zip_with({**members, "xl/sharedStrings.xml": 300 * MB})
    client.force_login(office_user)
    response, elapsed = upload(client, file=SimpleUploadedFile("partners.xlsx", bomb))
    assert "The file unpacks to 300.0\xa0MB; at most 50.0\xa0MB is accepted." in form_errors(response)
    assert elapsed < 3
    assert ImportBatch.objects.count() == 0


@pytest.mark.parametrize(
    ("encoding", "rows", "detected"),
    [
        ("utf-8", WESTERN + CYRILLIC, "utf-8"),
        ("utf-8-sig", CYRILLIC, "utf-8"),
        ("cp1251", CYRILLIC, "cp1251"),
        ("latin-1", WESTERN, None),  # Latin-1, Windows-1250 and -1252 agree on these letters
        ("utf-16", WESTERN + CYRILLIC, "utf-16"),
    ],
)
def test_the_encoding_is_detected(encoding, rows, detected):
    data = csv_file(HEADERS, rows, encoding=encoding).read()
    found = detect_encoding(data)
    if detected:
        assert found == detected
    assert [cells[0] for _number, cells in read_table(io.BytesIO(data), "partners.csv").rows] == [r[0] for r in rows]


def test_a_latin_1_file_is_read_right_shows_its_encoding_and_may_be_read_as_another(client, office_user):
    client.force_login(office_user)
    upload(client, file=csv_file(HEADERS, WESTERN, name="partners.csv", encoding="latin-1"))
    batch = ImportBatch.objects.get()
    page = client.get(batch.get_absolute_url()).content.decode()
    assert "Université de Lorraine" in page and "Universität Wien" in page
    assert re.search(r"Read as <strong>Windows-125[02] \(\w+ European\)</strong>", page)

    picker = RenderedForm.from_html(page, batch.get_absolute_url(), containing="encoding")
    picker["encoding"] = "cp1251"  # the wrong one: the preview shows what it would import
    response = picker.submit(client, follow=True)
    assert "The file was read again as Windows-1251 (Cyrillic)." in response.content.decode()
    assert "Universitй de Lorraine" in response.content.decode()

    picker = RenderedForm.from_html(response.content.decode(), batch.get_absolute_url(), containing="encoding")
    assert picker["encoding"] == "cp1251"
    picker["encoding"] = "iso8859-1"
    response = picker.submit(client, follow=True)
    assert "Read as <strong>ISO-8859-1 (Latin-1)</strong>" in response.content.decode()
    assert Institution.objects.count() == 0  # reading again writes nothing but the preview

    client.post(reverse("importing:batch-confirm", args=[batch.pk]))
    assert sorted(Institution.objects.values_list("name", flat=True)) == ["Universität Wien", "Université de Lorraine"]


def test_the_confirmation_imports_the_file_as_the_preview_showed_it_in_the_encoding_chosen(client, office_user):
    # What the preview shows is what is imported: the file is not detected again at confirmation.
    client.force_login(office_user)
    upload(client, file=csv_file(HEADERS, WESTERN, name="partners.csv", encoding="latin-1"))
    batch = ImportBatch.objects.get()
    picker = RenderedForm.get(client, batch.get_absolute_url(), containing="encoding")
    picker["encoding"] = "cp1251"
    preview = picker.submit(client, follow=True).content.decode()
    assert "Universitй de Lorraine" in preview

    client.post(reverse("importing:batch-confirm", args=[batch.pk]))

    assert sorted(Institution.objects.values_list("name", flat=True)) == ["Universitдt Wien", "Universitй de Lorraine"]


def test_an_encoding_that_cannot_read_the_file_is_refused_and_the_preview_stays(client, office_user):
    client.force_login(office_user)
    upload(client, file=csv_file(HEADERS, CYRILLIC, name="partners.csv", encoding="cp1251"))
    batch = ImportBatch.objects.get()
    picker = RenderedForm.get(client, batch.get_absolute_url(), containing="encoding")
    assert picker["encoding"] == "cp1251"
    picker["encoding"] = "utf-8"
    response = picker.submit(client, follow=True)
    assert "The file cannot be read as UTF-8 (byte " in response.content.decode()
    assert "Казанский федеральный университет" in response.content.decode()
    batch.refresh_from_db()
    assert batch.options["encoding"] == "cp1251"


def test_a_nul_byte_in_a_cell_is_refused_naming_the_row_and_column(client, office_user):
    client.force_login(office_user)
    rows = [["Gazi University", "TR", "Ankara"], ["Ege University", "TR", "Iz\x00mir"]]
    before = kept_imports()
    response, _elapsed = upload(client, file=csv_file(HEADERS, rows, name="partners.csv"))
    assert response.status_code == 200
    assert "Row 3, column C (City) holds a control character (U+0000)" in form_errors(response)
    assert ImportBatch.objects.count() == 0 and kept_imports() == before


def test_the_import_command_reads_a_windows_1251_file(tmp_path, office_user):
    from django.core.management import call_command

    path = tmp_path / "partners.csv"
    path.write_bytes(csv_file(HEADERS, CYRILLIC, encoding="cp1251").read())
    call_command("import_data", "institutions", str(path), "--user", office_user.username, stdout=io.StringIO())
    assert "Казанский федеральный университет" in Institution.objects.values_list("name", flat=True)
