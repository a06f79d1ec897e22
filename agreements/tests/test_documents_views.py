"""Uploading an agreement's documents in versions, and reading them back only with the right."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from agreements.models import AgreementDocument, DocumentVersion
from cooperation.tests.factories import AgreementFactory, DocumentVersionFactory

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def upload(client, agreement, content=PDF, name="memorandum.pdf", **fields):
    data = {"kind": "signed", "title": "", "file": SimpleUploadedFile(name, content), **fields}
    return client.post(f"/agreements/{agreement.pk}/documents/", data, follow=True)


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_a_second_upload_adds_a_version_and_both_read_back_byte_for_byte(client, office_user, rector):
    agreement = AgreementFactory()
    client.force_login(office_user)
    upload(client, agreement)
    response = upload(client, agreement, content=PDF + b"% rescanned\n", name="memorandum (scan).pdf")
    assert "is kept as version 2 of “Signed copy”" in messages_of(response)[0]
    first, second = DocumentVersion.objects.order_by("number")
    assert (first.document, first.number, second.number) == (second.document, 1, 2)
    client.force_login(rector)  # the rector's office reads documents too
    for version, content in ((first, PDF), (second, PDF + b"% rescanned\n")):
        download = client.get(f"/agreements/{agreement.pk}/documents/{version.pk}/download/")
        assert download.status_code == 200
        assert b"".join(download.streaming_content) == content
        assert download["X-Content-Type-Options"] == "nosniff"
        assert download["Content-Type"] == "application/pdf"


EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 100 + b"This program cannot be run in DOS mode."


@pytest.mark.parametrize(
    "declared",
    # What a browser sends for a renamed program: the type of the name it was given, or a guess.
    ["application/pdf", "text/plain", "application/octet-stream", "application/x-msdownload", ""],
)
def test_a_program_renamed_to_pdf_is_refused_whatever_type_the_browser_declares_and_nothing_is_kept(
    client, office_user, settings, tmp_path, declared
):
    settings.MEDIA_ROOT = tmp_path
    agreement = AgreementFactory()
    client.force_login(office_user)
    data = {"kind": "signed", "title": "", "file": SimpleUploadedFile("memorandum.pdf", EXECUTABLE, declared)}

    response = client.post(f"/agreements/{agreement.pk}/documents/", data, follow=True)

    assert response.status_code == 200
    assert messages_of(response) == [
        "The document was not uploaded. File: memorandum.pdf is not a PDF, Word, Excel or OpenDocument file or "
        "a PNG, JPEG or TIFF image "
        "(judged by its content, not its name)."
    ]
    assert (AgreementDocument.objects.count(), DocumentVersion.objects.count()) == (0, 0)
    assert [path for path in tmp_path.rglob("*") if path.is_file()] == []


def test_a_file_over_the_limit_is_refused(client, office_user, settings):
    settings.DOCUMENT_MAX_BYTES = 100
    agreement = AgreementFactory()
    client.force_login(office_user)
    response = upload(client, agreement, content=PDF + b"%" * 200)
    assert "documents may be at most 100" in messages_of(response)[0]
    assert DocumentVersion.objects.count() == 0


def test_downloads_need_a_login_and_uploads_the_right_to_change(client, rector, office_user):
    agreement = AgreementFactory()
    client.force_login(office_user)
    upload(client, agreement)
    version = DocumentVersion.objects.get()
    client.logout()
    url = f"/agreements/{agreement.pk}/documents/{version.pk}/download/"
    assert client.get(url).status_code == 302
    client.force_login(rector)
    assert client.post(f"/agreements/{agreement.pk}/documents/", {"file": io.BytesIO(PDF)}).status_code == 403
    # A version is found only under its own agreement.
    assert client.get(f"/agreements/{AgreementFactory().pk}/documents/{version.pk}/download/").status_code == 404


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        # Fixed dates: the same bytes each time it is called, whatever the clock says.
        archive.writestr(zipfile.ZipInfo("[Content_Types].xml", date_time=(2025, 2, 4, 0, 0, 0)), "<Types/>")
        archive.writestr(zipfile.ZipInfo("word/document.xml", date_time=(2025, 2, 4, 0, 0, 0)), "<w:document/>")
    return buffer.getvalue()


def test_the_page_lists_each_version_with_who_when_and_size(client, office_user):
    office_user.first_name, office_user.last_name = "Aigerim", "Sadykova"
    office_user.save()
    agreement = AgreementFactory()
    client.force_login(office_user)
    upload(client, agreement, comment="first scan")
    page = upload(client, agreement, name="rescan.pdf").content.decode()
    assert page.count("/download/") == 2
    assert "Aigerim Sadykova" in page and "first scan" in page and "rescan.pdf" in page
    assert f"{len(PDF)}\xa0bytes" in page


def test_a_word_file_is_downloaded_not_shown_and_the_name_gets_its_real_extension(client, office_user):
    agreement = AgreementFactory()
    client.force_login(office_user)
    upload(client, agreement, content=docx_bytes(), name="draft v2.exe", kind="draft")
    version = DocumentVersion.objects.get()
    assert version.original_name == "draft v2.docx" and version.document.kind == "draft"
    download = client.get(f"/agreements/{agreement.pk}/documents/{version.pk}/download/")
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in download["Content-Security-Policy"]
    assert b"".join(download.streaming_content) == docx_bytes()


def test_a_pdf_is_shown_inline(client, office_user):
    version = DocumentVersionFactory()
    client.force_login(office_user)
    download = client.get(f"/agreements/{version.document.agreement_id}/documents/{version.pk}/download/")
    assert download["Content-Disposition"].startswith("inline;")
    assert download["X-Content-Type-Options"] == "nosniff"
    # Chromium shows no PDF in a sandboxed document: the PDF is judged by content instead.
    assert "sandbox" not in download["Content-Security-Policy"]
    assert "default-src 'none'" in download["Content-Security-Policy"]


def test_a_titled_document_of_another_kind_is_a_document_of_its_own(client, office_user):
    agreement = AgreementFactory()
    client.force_login(office_user)
    upload(client, agreement, kind="draft", title="Annex 1")
    upload(client, agreement, kind="annex", title="Annex 1")
    upload(client, agreement, kind="annex", title="Annex 1")
    assert sorted(DocumentVersion.objects.values_list("document__kind", "number")) == [
        ("annex", 1),
        ("annex", 2),
        ("draft", 1),
    ]


def test_an_upload_without_a_file_says_so(client, office_user):
    agreement = AgreementFactory()
    client.force_login(office_user)
    response = client.post(f"/agreements/{agreement.pk}/documents/", {"kind": "signed"}, follow=True)
    assert messages_of(response) == ["The document was not uploaded. File: This field is required."]


def test_another_units_coordinator_may_read_but_not_upload(client, coordinator, other_coordinator, faculty):
    agreement = AgreementFactory(responsible_unit=faculty)
    client.force_login(coordinator)
    upload(client, agreement)
    version = DocumentVersion.objects.get()
    client.force_login(other_coordinator)
    response = client.post(
        f"/agreements/{agreement.pk}/documents/",
        {"kind": "signed", "file": SimpleUploadedFile("x.pdf", PDF)},
    )
    assert response.status_code == 403
    assert "document-upload-heading" not in client.get(agreement.get_absolute_url()).content.decode()
    assert client.get(f"/agreements/{agreement.pk}/documents/{version.pk}/download/").status_code == 200
    assert DocumentVersion.objects.count() == 1


def test_the_download_redirects_the_anonymous_to_the_login_and_refuses_a_user_without_a_role(client, outsider):
    version = DocumentVersionFactory()
    url = f"/agreements/{version.document.agreement_id}/documents/{version.pk}/download/"
    response = client.get(url)
    assert response.status_code == 302 and response.url.startswith("/accounts/login/?next=")
    client.force_login(outsider)
    assert client.get(url).status_code == 403
