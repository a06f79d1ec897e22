"""Office and OpenDocument files that would unpack to far more than any document are refused
quickly, by the sizes they declare and then by what they really hold, and nothing is kept."""

import io
import random
import time
import tracemalloc
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from agreements.models import DocumentVersion
from cooperation.lib.archives import read_member_head
from cooperation.lib.documents import DOCX, ODT, validate_document
from cooperation.tests.factories import AgreementFactory
from cooperation.tests.hostile_files import MB, understated, zip_with

CONTENT_TYPES = b"<Types/>"


def docx(document_xml: bytes | int, **more) -> bytes:
    return zip_with({"[Content_Types].xml": CONTENT_TYPES, "word/document.xml": document_xml, **more})


def refusal(content: bytes, name="memorandum.docx") -> tuple[ValidationError, float, int]:
    """The refusal, the seconds it took and the peak memory it allocated."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(ValidationError) as error:
            validate_document(SimpleUploadedFile(name, content))
    finally:
        elapsed = time.perf_counter() - started
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return error.value, elapsed, peak


def test_an_opendocument_type_entry_that_unpacks_to_400_mb_is_never_read():
    bomb = zip_with({"mimetype": 400 * MB, "content.xml": b"<office/>"})
    assert len(bomb) < 1 * MB
    error, elapsed, peak = refusal(bomb, "minutes.odt")
    assert "The file unpacks to 400.0\xa0MB" in error.messages[0]
    assert elapsed < 1 and peak < 5 * MB
    with zipfile.ZipFile(io.BytesIO(bomb)) as archive:  # and the type check alone never reads it
        assert read_member_head(archive, "mimetype", 100) is None


def test_an_archive_of_twenty_thousand_parts_is_refused_before_they_are_listed():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        for number in range(20_000):
            archive.writestr(f"{number:x}", b"")
    error, elapsed, peak = refusal(buffer.getvalue())
    assert "The file holds 20001 parts; a document has at most 10000." in error.messages[0]
    assert elapsed < 1 and peak < 5 * MB


def test_a_real_opendocument_type_entry_is_still_read():
    assert validate_document(SimpleUploadedFile("minutes.odt", zip_with({"mimetype": ODT.encode()}))) == ODT


def test_a_document_that_unpacks_beyond_200_mb_is_refused_by_its_declared_size():
    bomb = docx(300 * MB)
    error, elapsed, peak = refusal(bomb)
    assert error.code == "archive_refused"
    assert (
        "memorandum.docx is refused: The file unpacks to 300.0\xa0MB; at most 200.0\xa0MB is accepted."
        in error.messages[0]
    )
    assert elapsed < 1 and peak < 5 * MB


def test_a_document_compressed_beyond_100_to_1_is_refused():
    error, _elapsed, _peak = refusal(docx(20 * MB))
    assert "compressed" in error.messages[0] and "at most 100 to 1" in error.messages[0]


def test_a_document_that_understates_its_size_is_refused_as_damaged_without_unpacking_it():
    honest = docx(20 * MB, **{"word/media/image1.png": bytes(range(256)) * 4096})
    lying = understated(honest, "word/document.xml", 1000)
    error, elapsed, peak = refusal(lying)
    assert "The file is damaged" in error.messages[0]
    assert elapsed < 1 and peak < 10 * MB


def test_a_document_of_ordinary_proportions_is_accepted():
    words = random.Random(1).choices(
        ["memorandum", "party", "students", "staff", "shall", "exchange", "year"], k=200000
    )
    text = " ".join(words).encode()  # 1.3 MB of text, compressed about four to one
    assert validate_document(SimpleUploadedFile("memorandum.docx", docx(text))) == DOCX


def test_an_uploaded_bomb_is_refused_with_the_reason_and_nothing_is_kept(client, office_user):
    agreement = AgreementFactory()
    client.force_login(office_user)
    data = {"kind": "signed", "title": "", "file": SimpleUploadedFile("signed.docx", docx(300 * MB))}
    assert client.get(agreement.get_absolute_url()).status_code == 200  # the first request's imports, untimed
    started = time.perf_counter()
    response = client.post(f"/agreements/{agreement.pk}/documents/", data)
    assert time.perf_counter() - started < 3
    response = client.get(response.url)
    messages = [str(message) for message in response.context["messages"]]
    assert "signed.docx is refused: The file unpacks to 300.0\xa0MB" in messages[0]
    assert DocumentVersion.objects.count() == 0
