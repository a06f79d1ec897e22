"""Documents in an S3-compatible bucket (DOCUMENTS_STORAGE_URL), for several web machines:
uploaded through the agreement's page, read back only through the portal's permission check,
backed up and restored, against a real S3 server (moto in server mode, started here on
loopback)."""

import io
import uuid
from dataclasses import dataclass

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from agreements.models import DocumentVersion
from conftest import service_missing
from cooperation.lib.env import document_storage
from cooperation.ops.backup import _database_is_empty
from cooperation.tests.browser_form import RenderedForm
from cooperation.tests.factories import AgreementFactory
from cooperation.tests.smtp import free_port

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
KEYS = "portal-key", "portal-secret"


@pytest.fixture(scope="session")
def s3_endpoint():
    try:
        import boto3  # noqa: F401  (django-storages' S3 back end needs it)
        from moto.server import ThreadedMotoServer
    except ImportError:
        service_missing("moto and boto3 (requirements-dev.txt), the S3 server of these tests")
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@dataclass
class Bucket:
    client: object
    name: str
    prefix: str

    def objects(self) -> dict[str, bytes]:
        listed = self.client.list_objects_v2(Bucket=self.name).get("Contents", [])
        return {
            item["Key"]: self.client.get_object(Bucket=self.name, Key=item["Key"])["Body"].read() for item in listed
        }


def new_bucket(endpoint: str, settings) -> Bucket:
    """A bucket of the test's own, made the portal's document store through the same URL an
    administrator writes."""
    import boto3

    client = boto3.client(
        "s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id=KEYS[0], aws_secret_access_key=KEYS[1]
    )
    name = f"documents-{uuid.uuid4().hex[:12]}"
    client.create_bucket(Bucket=name)
    url = f"s3://{KEYS[0]}:{KEYS[1]}@{name}/portal?endpoint={endpoint}&region=us-east-1&addressing=path"
    settings.STORAGES = {**settings.STORAGES, "default": document_storage(url)}
    return Bucket(client, name, "portal/")


@pytest.fixture
def bucket(s3_endpoint, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")  # must stay empty: nothing goes to the disk
    return new_bucket(s3_endpoint, settings)


def upload_through_the_page(client, agreement, content: bytes, name: str):
    url = agreement.get_absolute_url()
    form = RenderedForm.get(client, url, containing="comment")
    data = form.data()
    data["file"] = [SimpleUploadedFile(name, content)]
    response = client.post(form.action, data, follow=True)
    assert response.status_code == 200
    return response


def test_an_upload_goes_to_the_bucket_and_is_read_back_only_through_the_portal(
    client, bucket, office_user, outsider, tmp_path
):
    agreement = AgreementFactory()
    client.force_login(office_user)

    upload_through_the_page(client, agreement, PDF, "memorandum.pdf")

    version = DocumentVersion.objects.get()
    assert bucket.objects() == {bucket.prefix + version.file.name: PDF}
    assert not any((tmp_path / "media").rglob("*"))
    download_url = f"/agreements/{agreement.pk}/documents/{version.pk}/download/"
    response = client.get(download_url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    # Streamed by the portal: no redirect to the store, whose address never reaches the browser.
    assert not response.has_header("Location")

    client.force_login(outsider)
    assert client.get(download_url).status_code == 403
    client.logout()
    assert client.get(download_url).status_code == 302  # to the login page


def test_two_versions_keep_two_objects(client, bucket, office_user):
    agreement = AgreementFactory()
    client.force_login(office_user)
    upload_through_the_page(client, agreement, PDF, "memorandum.pdf")
    upload_through_the_page(client, agreement, PDF + b"% rescanned\n", "memorandum.pdf")

    first, second = DocumentVersion.objects.order_by("number")
    assert bucket.objects() == {
        bucket.prefix + first.file.name: PDF,
        bucket.prefix + second.file.name: PDF + b"% rescanned\n",
    }


# Transactional: flush (TRUNCATE on PostgreSQL) cannot run inside the test's transaction.
@pytest.mark.django_db(transaction=True)
def test_backup_then_restore_into_a_new_bucket_gives_back_every_document(
    client, s3_endpoint, bucket, office_user, settings, tmp_path
):
    agreement = AgreementFactory()
    client.force_login(office_user)
    upload_through_the_page(client, agreement, PDF, "memorandum.pdf")
    upload_through_the_page(client, agreement, PDF + b"% annex\n", "annex.pdf")
    stored = bucket.objects()
    archive = tmp_path / "backup.tar.gz"

    out = io.StringIO()
    call_command("backup", output=archive, stdout=out)
    assert "2 documents" in out.getvalue()

    # The installation is lost: a new database and an empty bucket.
    call_command("flush", interactive=False, verbosity=0)
    assert _database_is_empty()
    restored = new_bucket(s3_endpoint, settings)
    call_command("restore", str(archive), stdout=io.StringIO())

    assert restored.objects() == stored
    for version in DocumentVersion.objects.all():
        with default_storage.open(version.file.name, "rb") as stored_file:
            assert DocumentVersion.digest(stored_file) == version.sha256


# Transactional: flush (TRUNCATE on PostgreSQL) cannot run inside the test's transaction.
@pytest.mark.django_db(transaction=True)
def test_a_restore_into_the_bucket_that_survived_keeps_its_files_and_replaces_a_changed_one(
    client, bucket, office_user, tmp_path
):
    agreement = AgreementFactory()
    client.force_login(office_user)
    upload_through_the_page(client, agreement, PDF, "memorandum.pdf")
    version = DocumentVersion.objects.get()
    key = bucket.prefix + version.file.name
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", output=archive, stdout=io.StringIO())

    call_command("flush", interactive=False, verbosity=0)
    bucket.client.put_object(Bucket=bucket.name, Key=key, Body=b"%PDF-1.7\nsomething else\n")
    call_command("restore", str(archive), stdout=io.StringIO())

    assert bucket.objects() == {key: PDF}
