"""`backup` then `restore` into an empty database gives back every record and document byte for byte."""

import io
import tarfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command

from agreements.models import Agreement, AgreementDocument, DocumentVersion
from cooperation.demo import demo_load
from cooperation.ops.backup import EXCLUDED, _database_is_empty

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def dump() -> str:
    out = io.StringIO()
    call_command(
        "dumpdata", exclude=EXCLUDED, format="xml", natural_foreign=True, natural_primary=False, stdout=out, indent=1
    )
    return out.getvalue()


def documents() -> dict[str, bytes]:
    root = Path(settings.MEDIA_ROOT)
    return {str(path.relative_to(root)): path.read_bytes() for path in root.rglob("*") if path.is_file()}


def empty_media() -> None:
    for path in sorted(Path(settings.MEDIA_ROOT).rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()


@pytest.fixture
def portal_with_documents(db, office_user, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")  # this test's documents only
    demo_load(password="demo")
    agreement = Agreement.objects.get(registration_number="IC-2025/007")
    document = AgreementDocument.objects.create(agreement=agreement, kind="signed", title="Signed memorandum")
    for number, content in enumerate([PDF, PDF + b"% second scan\n"], start=1):
        version = DocumentVersion(
            document=document,
            number=number,
            original_name=f"memorandum-{number}.pdf",
            content_type="application/pdf",
            size=len(content),
            sha256=DocumentVersion.digest(ContentFile(content)),
            uploaded_by=office_user,
        )
        version.file.save(f"memorandum-{number}.pdf", ContentFile(content), save=True)
    yield
    empty_media()


# Transactional: flush (TRUNCATE on PostgreSQL) cannot run inside the test's transaction.
@pytest.mark.django_db(transaction=True)
def test_backup_then_restore_gives_back_every_record_and_document(portal_with_documents, tmp_path):
    archive = tmp_path / "backup.tar.gz"
    records_before, documents_before = dump(), documents()
    assert len(documents_before) == 2

    call_command("backup", output=archive, stdout=io.StringIO())
    call_command("flush", interactive=False, verbosity=0)
    empty_media()
    assert dump() != records_before and documents() == {}

    out = io.StringIO()
    call_command("restore", str(archive), stdout=out)

    assert "2 documents" in out.getvalue()
    after = dump()
    assert after == records_before
    assert documents() == documents_before


def test_a_freshly_migrated_database_counts_as_empty_and_one_with_records_does_not(db, office_user):
    # (office_user made a user and a profile)
    assert not _database_is_empty()


# Transactional: flush (TRUNCATE on PostgreSQL) cannot run inside the test's transaction.
@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_database_with_records(portal_with_documents, tmp_path):
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", output=archive, stdout=io.StringIO())
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(archive))


# Transactional: flush (TRUNCATE on PostgreSQL) cannot run inside the test's transaction.
@pytest.mark.django_db(transaction=True)
def test_a_damaged_archive_is_refused_before_anything_is_written(portal_with_documents, tmp_path):
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", output=archive, stdout=io.StringIO())
    call_command("flush", interactive=False, verbosity=0)
    empty_media()
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(archive) as source, tarfile.open(damaged, "w:gz") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read() if member.isfile() else None
            if member.name.startswith("documents/") and b"second" in data:
                data = data.replace(b"second", b"forged")  # same length: only the checksum can tell
            target.addfile(member, io.BytesIO(data) if data is not None else None)
    with pytest.raises(CommandError, match="damaged"):
        call_command("restore", str(damaged))
    assert _database_is_empty() and documents() == {}
