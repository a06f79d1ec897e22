import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from cooperation.lib.documents import (
    DOCX,
    JPEG,
    ODT,
    PDF,
    PNG,
    TIFF,
    XLSX,
    clean_file_name,
    document_response,
    validate_document,
)


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


# The rules mutation testing found unasserted (docs/TESTING.md, uploads).


@pytest.mark.parametrize("head", [b"II*\x00\x08\x00\x00\x00", b"MM\x00*\x00\x00\x00\x08"])
def test_it_recognises_a_tiff_scan_of_either_byte_order(head):
    assert validate_document(SimpleUploadedFile("scan.tif", head + b"\x00" * 64)) == TIFF


@pytest.mark.parametrize("content", [b"%PDF-1.7\n%...", DOCX_BYTES, zipped({"mimetype": ODT.encode()})])
def test_the_checked_file_is_left_at_its_start_for_the_storage_to_read_whole(content):
    uploaded = SimpleUploadedFile("document.bin", content)

    validate_document(uploaded)

    assert uploaded.read() == content


def test_an_empty_file_is_refused_by_its_name():
    with pytest.raises(ValidationError) as error:
        validate_document(SimpleUploadedFile("empty.pdf", b""))
    assert (error.value.code, error.value.messages) == ("empty", ["empty.pdf is empty."])


def test_an_absurd_archive_is_refused_by_its_name_with_the_reason():
    parts = zipped({f"part{number}.xml": b"" for number in range(20_001)})
    with pytest.raises(ValidationError) as error:
        validate_document(SimpleUploadedFile("scan.docx", parts))
    assert error.value.code == "archive_refused"
    assert error.value.messages[0].startswith("scan.docx is refused: ")


@pytest.mark.parametrize(
    ("name", "content_type", "expected"),
    [
        ("SCAN.PDF", PDF, "SCAN.pdf"),  # an upper-case extension is replaced too
        ("XBOX", PDF, "XBOX.pdf"),  # only spaces, dots and underscores are trimmed from the ends
        ("x" * 200 + ".pdf", PDF, "x" * 150 + ".pdf"),  # at most 150 characters before the extension
    ],
)
def test_a_file_name_keeps_what_it_can_and_gets_the_extension_of_its_content(name, content_type, expected):
    assert clean_file_name(name, content_type) == expected


@pytest.mark.parametrize(
    ("content_type", "disposition", "policy"),
    [
        (PDF, "inline", "default-src 'none'; img-src 'self'; object-src 'self'; style-src 'unsafe-inline'"),
        (PNG, "inline", "default-src 'none'; img-src 'self'; object-src 'self'; sandbox"),
        (DOCX, "attachment", "default-src 'none'; img-src 'self'; object-src 'self'; sandbox"),
    ],
)
def test_a_document_is_served_with_its_type_name_and_headers_that_stop_it_running(content_type, disposition, policy):
    name = clean_file_name("memorandum", content_type)
    response = document_response(
        file=ContentFile(b"bytes", name="stored"), content_type=content_type, download_name=name
    )

    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == f'{disposition}; filename="{name}"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == policy
    assert response["Cache-Control"] == "private, no-store"


def test_a_file_of_exactly_the_limit_is_accepted_and_one_byte_more_is_refused_with_both_sizes(settings):
    settings.DOCUMENT_MAX_BYTES = 2048
    content = b"%PDF-" + b"0" * 2043
    assert validate_document(SimpleUploadedFile("limit.pdf", content)) == PDF
    with pytest.raises(ValidationError) as error:
        validate_document(SimpleUploadedFile("over.pdf", content + b"0"))
    assert (error.value.code, error.value.messages) == (
        "too_large",
        ["over.pdf is 2.0\xa0KB; documents may be at most 2.0\xa0KB."],
    )


def test_a_file_of_no_accepted_type_is_refused_as_such():
    with pytest.raises(ValidationError) as error:
        validate_document(SimpleUploadedFile("notes.txt", b"plain words"))
    assert error.value.code == "unsupported_type"
    assert error.value.messages == [
        "notes.txt is not a PDF, Word, Excel or OpenDocument file or a PNG, JPEG or TIFF image "
        "(judged by its content, not its name)."
    ]
