"""Uploading an agreement's documents in versions, and reading them back only with the right."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile

from agreements.models import DocumentVersion
from cooperation.tests.factories import AgreementFactory

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


def test_a_program_renamed_to_pdf_is_refused_and_nothing_is_kept(client, office_user):
    agreement = AgreementFactory()
    client.force_login(office_user)
    response = upload(client, agreement, content=b"MZ\x90\x00" + b"\x00" * 100, name="memorandum.pdf")
    assert "judged by its content, not its name" in messages_of(response)[0]
    assert DocumentVersion.objects.count() == 0


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
