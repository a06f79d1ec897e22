import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from cooperation.lib.documents import DOCX, JPEG, ODT, PDF, PNG, XLSX, clean_file_name, validate_document


def zipped(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


DOCX_BYTES = zipped({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"%PDF-1.7\n%...", PDF),
        (b"\x89PNG\r\n\x1a\n\x00\x00", PNG),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", JPEG),
        (DOCX_BYTES, DOCX),
        (zipped({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"}), XLSX),
        (zipped({"mimetype": ODT.encode(), "content.xml": b"<office/>"}), ODT),
    ],
)
def test_it_recognises_documents_by_content(content, expected):
    assert validate_document(SimpleUploadedFile("whatever.bin", content)) == expected


def test_it_judges_by_content_not_by_name():
    with pytest.raises(ValidationError) as error:
        validate_document(SimpleUploadedFile("signed.pdf", b"MZ\x90\x00 an executable"))
    assert "signed.pdf is not a PDF" in error.value.messages[0]


def test_it_refuses_a_zip_that_is_not_an_office_document():
    with pytest.raises(ValidationError):
        validate_document(SimpleUploadedFile("scan.docx", zipped({"evil.sh": b"rm -rf /"})))


def test_it_refuses_a_broken_zip():
    with pytest.raises(ValidationError):
        validate_document(SimpleUploadedFile("scan.docx", b"PK\x03\x04 truncated"))


def test_it_refuses_an_empty_file():
    with pytest.raises(ValidationError, match="empty"):
        validate_document(SimpleUploadedFile("empty.pdf", b""))


def test_it_refuses_a_file_over_the_limit(settings):
    settings.DOCUMENT_MAX_BYTES = 1024
    with pytest.raises(ValidationError) as error:
        validate_document(SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * 2000))
    assert error.value.code == "too_large"
    assert "big.pdf" in error.value.messages[0]


@pytest.mark.parametrize(
    ("name", "content_type", "expected"),
    [
        ("../../etc/passwd.pdf.exe", PDF, "passwd.pdf.pdf"),
        ("Меморандум МЕТУ.pdf", PDF, "Меморандум МЕТУ.pdf"),
        ('scan"; filename="x.html', JPEG, "scan_ filename=_x.jpg"),
        ("...", PNG, "document.png"),
        ("C:\\Users\\aknar\\draft v2.docx", DOCX, "draft v2.docx"),
    ],
)
def test_it_cleans_file_names(name, content_type, expected):
    assert clean_file_name(name, content_type) == expected
