"""The checks a restore makes before it writes anything, each with the message that says what is
wrong, and what a backup's manifest promises (test_backup.py does the whole round trip)."""

import hashlib
import io
import json
import os
import sys
import tarfile
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, Permission, User
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.management import call_command
from django.utils import timezone

from cooperation import roles
from cooperation.ops.backup import (
    DATABASE_MEMBER,
    FORMAT_VERSION,
    MANIFEST_MEMBER,
    RestoreError,
    _database_is_empty,
    default_backup_path,
    make_backup,
    restore_backup,
    stored_names,
)
from cooperation.tests.factories import make_user
from partners.models import Institution

EMPTY_DATABASE = b'<?xml version="1.0" encoding="utf-8"?>\n<django-objects version="1.0"></django-objects>\n'


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def archive(path: Path, members: dict[str, bytes], *, links: dict[str, str] | None = None) -> Path:
    """A .tar.gz of `members` (name: content) and symbolic `links` (name: target)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tarfile.open(path, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        for name, target in (links or {}).items():
            info = tarfile.TarInfo(name)
            info.type, info.linkname = tarfile.SYMTYPE, target
            tar.addfile(info)
    return path


def manifest(documents: dict[str, bytes], *, database: bytes = EMPTY_DATABASE, version=FORMAT_VERSION) -> bytes:
    return json.dumps(
        {
            "format": version,
            "created_at": "2026-12-01T02:00:00+00:00",
            "database": {"sha256": sha(database), "bytes": len(database)},
            "documents": {name: {"sha256": sha(data), "bytes": len(data)} for name, data in documents.items()},
        }
    ).encode()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return Path(settings.MEDIA_ROOT)


def test_a_file_that_is_not_an_archive_is_refused(db, media, tmp_path):
    path = tmp_path / "backup.tar.gz"
    path.write_bytes(b"not a tar file")

    with pytest.raises(RestoreError, match="is not a readable backup archive"):
        restore_backup(path)


def test_an_archive_without_a_manifest_is_refused(db, media, tmp_path):
    path = archive(tmp_path / "backup.tar.gz", {DATABASE_MEMBER: EMPTY_DATABASE})

    with pytest.raises(RestoreError, match=f"has no readable {MANIFEST_MEMBER}"):
        restore_backup(path)


@pytest.mark.parametrize("version", [FORMAT_VERSION + 1, None])
def test_an_archive_of_another_format_is_refused_naming_it(db, media, tmp_path, version):
    path = archive(
        tmp_path / "backup.tar.gz",
        {MANIFEST_MEMBER: manifest({}, version=version), DATABASE_MEMBER: EMPTY_DATABASE},
    )

    with pytest.raises(RestoreError, match=f"Unknown backup format {version!r}"):
        restore_backup(path)


def test_a_damaged_database_dump_is_refused_and_nothing_is_loaded(db, media, tmp_path):
    forged = EMPTY_DATABASE.replace(b"</django-objects>", b"<!-- x --></django-objects>")
    path = archive(tmp_path / "backup.tar.gz", {MANIFEST_MEMBER: manifest({}), DATABASE_MEMBER: forged})

    with pytest.raises(RestoreError, match=f"{DATABASE_MEMBER} is missing or damaged"):
        restore_backup(path)


def test_a_missing_database_dump_is_refused(db, media, tmp_path):
    path = archive(tmp_path / "backup.tar.gz", {MANIFEST_MEMBER: manifest({})})

    with pytest.raises(RestoreError, match=f"{DATABASE_MEMBER} is missing or damaged"):
        restore_backup(path)


def test_a_missing_document_is_refused_naming_it_and_nothing_is_stored(db, media, tmp_path):
    documents = {"agreements/a.pdf": b"%PDF-1.7 a", "agreements/b.pdf": b"%PDF-1.7 b"}
    path = archive(
        tmp_path / "backup.tar.gz",
        {
            MANIFEST_MEMBER: manifest(documents),
            DATABASE_MEMBER: EMPTY_DATABASE,
            "documents/agreements/a.pdf": documents["agreements/a.pdf"],
        },
    )

    with pytest.raises(RestoreError, match="Document agreements/b.pdf is missing or damaged"):
        restore_backup(path)
    assert stored_names() == []


def test_a_good_archive_puts_every_document_in_the_store_and_says_what_it_restored(db, media, tmp_path):
    documents = {"agreements/a.pdf": b"%PDF-1.7 a", "imports/2026/01/x.csv": b"name\n"}
    path = archive(
        tmp_path / "backup.tar.gz",
        {
            MANIFEST_MEMBER: manifest(documents),
            DATABASE_MEMBER: EMPTY_DATABASE,
            **{f"documents/{name}": data for name, data in documents.items()},
        },
    )
    restored = restore_backup(path)

    assert sorted(restored["documents"]) == sorted(documents)
    assert stored_names() == sorted(documents)
    for name, data in documents.items():
        with default_storage.open(name, "rb") as stored:
            assert stored.read() == data
    # History is written again after the load.
    assert getattr(settings, "SIMPLE_HISTORY_ENABLED", True) is True


def test_a_restore_keeps_a_stored_document_with_the_same_content_and_replaces_one_that_differs(db, media, tmp_path):
    documents = {"agreements/same.pdf": b"%PDF-1.7 same", "agreements/changed.pdf": b"%PDF-1.7 archived"}
    default_storage.save("agreements/same.pdf", ContentFile(b"%PDF-1.7 same"))
    default_storage.save("agreements/changed.pdf", ContentFile(b"%PDF-1.7 edited since"))
    path = archive(
        tmp_path / "backup.tar.gz",
        {
            MANIFEST_MEMBER: manifest(documents),
            DATABASE_MEMBER: EMPTY_DATABASE,
            **{f"documents/{name}": data for name, data in documents.items()},
        },
    )

    a_year_ago = time.time() - 365 * 24 * 3600
    os.utime(media / "agreements/same.pdf", (a_year_ago, a_year_ago))

    restore_backup(path)

    assert stored_names() == ["agreements/changed.pdf", "agreements/same.pdf"]
    # The same file, not one written again (a bucket's object is not uploaded again either).
    assert os.stat(media / "agreements/same.pdf").st_mtime == a_year_ago
    for name, data in documents.items():
        with default_storage.open(name, "rb") as stored:
            assert stored.read() == data


def test_a_database_with_records_is_refused_before_the_archive_is_read(db, media, tmp_path):
    Institution.objects.create(name="Gazi University", country="TR")

    with pytest.raises(RestoreError) as refused:
        restore_backup(tmp_path / "no-such-file.tar.gz")

    assert str(refused.value) == "The database is not empty: restore into a new, migrated database."


def test_a_backup_manifest_gives_every_documents_checksum_and_size_and_leaves_no_partial_file(db, media, tmp_path):
    default_storage.save("agreements/2026/scan.pdf", ContentFile(b"%PDF-1.7 scan"))
    destination = tmp_path / "out" / "backup.tar.gz"

    written = make_backup(destination)

    assert written["format"] == FORMAT_VERSION
    assert written["documents"] == {
        "agreements/2026/scan.pdf": {"sha256": sha(b"%PDF-1.7 scan"), "bytes": len(b"%PDF-1.7 scan")}
    }
    assert [path.name for path in destination.parent.iterdir()] == ["backup.tar.gz"]
    with tarfile.open(destination) as tar:
        assert json.loads(tar.extractfile(MANIFEST_MEMBER).read()) == written
        dump = tar.extractfile(DATABASE_MEMBER).read()
        assert tar.extractfile("documents/agreements/2026/scan.pdf").read() == b"%PDF-1.7 scan"
    assert written["database"] == {"sha256": sha(dump), "bytes": len(dump)}


def test_no_media_folder_yet_means_no_documents(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "never-made")

    assert stored_names() == []


def test_the_default_backup_goes_under_var_backups_named_by_the_moment(settings, tmp_path):
    settings.VAR_DIR = str(tmp_path)

    path = default_backup_path()

    assert path.parent == tmp_path / "backups"
    assert path.name.startswith("cooperation-") and path.name.endswith(".tar.gz")
    stamp = path.name.removeprefix("cooperation-").removesuffix(".tar.gz")
    assert len(stamp) == len("20261207-031500") and stamp[8] == "-" and stamp.replace("-", "").isdigit()


def ids_by_table() -> dict[str, list[tuple]]:
    """Every row's id, with what identifies it to a person, table by table."""
    return {
        "users": list(User.objects.order_by("pk").values_list("pk", "username")),
        "groups": list(Group.objects.order_by("pk").values_list("pk", "name")),
        "partners": list(Institution.objects.order_by("pk").values_list("pk", "name")),
    }


# Transactional: flush (TRUNCATE on PostgreSQL) cannot run inside the test's transaction.
@pytest.mark.django_db(transaction=True)
def test_a_restore_gives_every_record_back_under_its_own_id_users_included(media, tmp_path):
    """Addresses name records by id (/partners/12/, a user in the admin), so a restore keeps
    them, also where a deleted record left a gap; new records then take ids after them."""
    for name in ("first", "deleted", "third"):
        make_user(name, roles.OFFICE)
        Institution.objects.create(name=f"{name} university", country="TR")
    User.objects.filter(username="deleted").delete()
    Institution.objects.filter(name="deleted university").delete()
    before = ids_by_table()
    make_backup(tmp_path / "backup.tar.gz")
    call_command("flush", interactive=False, verbosity=0)

    restore_backup(tmp_path / "backup.tar.gz")

    assert ids_by_table() == before
    assert make_user("fourth").pk == before["users"][-1][0] + 1
    assert Institution.objects.create(name="fourth university", country="TR").pk == before["partners"][-1][0] + 1


def test_a_backup_leaves_out_sessions_and_what_migrate_makes_again(db, media, tmp_path, client, office_user):
    """Sessions are worthless in a restore (and would log someone in again); content types and
    permissions are made by `migrate` with ids of its own, so rows of them would clash."""
    client.force_login(office_user)
    assert Session.objects.exists() and ContentType.objects.exists() and Permission.objects.exists()

    make_backup(tmp_path / "backup.tar.gz")

    with tarfile.open(tmp_path / "backup.tar.gz") as tar:
        dump = tar.extractfile(DATABASE_MEMBER).read().decode()
    assert 'model="auth.user"' in dump
    for model in ("sessions.session", "contenttypes.contenttype", "auth.permission"):
        assert f'model="{model}"' not in dump


def test_a_backup_makes_the_folders_it_is_written_to(db, media, tmp_path):
    destination = tmp_path / "backups" / "2026" / "12" / "backup.tar.gz"

    make_backup(destination)
    make_backup(destination.with_name("again.tar.gz"))  # into the folder made the first time

    assert sorted(path.name for path in destination.parent.iterdir()) == ["again.tar.gz", "backup.tar.gz"]


class RenamingStorage(FileSystemStorage):
    """A store that keeps a file under another name than the one asked for, as one whose
    names are taken or cut would."""

    def get_available_name(self, name, max_length=None):
        return super().get_available_name(f"{name}.renamed", max_length)


def test_a_store_that_keeps_a_document_under_another_name_fails_the_restore_naming_both(db, media, tmp_path, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": f"{__name__}.RenamingStorage", "OPTIONS": {"location": str(media)}},
    }
    documents = {"agreements/a.pdf": b"%PDF-1.7 a"}
    path = archive(
        tmp_path / "backup.tar.gz",
        {
            MANIFEST_MEMBER: manifest(documents),
            DATABASE_MEMBER: EMPTY_DATABASE,
            "documents/agreements/a.pdf": documents["agreements/a.pdf"],
        },
    )

    with pytest.raises(RestoreError) as refused:
        restore_backup(path)

    assert str(refused.value) == (
        "Document agreements/a.pdf was stored as agreements/a.pdf.renamed; the database names it agreements/a.pdf."
    )


def test_a_session_alone_leaves_the_database_empty_for_a_restore(db):
    """A visitor's session (the language chosen before logging in) is no record to protect."""
    Session.objects.create(session_key="x" * 32, session_data="e30:", expire_date=timezone.now())

    assert _database_is_empty()


GOOD = {MANIFEST_MEMBER: manifest({}), DATABASE_MEMBER: EMPTY_DATABASE}


@pytest.mark.parametrize(
    "members, links",
    [
        pytest.param({**GOOD, "../outside.txt": b"evil"}, {}, id="parent folder"),
        pytest.param(GOOD, {"documents/link": "/etc/passwd"}, id="link out"),
    ],
)
def test_an_archive_member_that_points_outside_is_refused_and_nothing_is_written(db, media, tmp_path, members, links):
    path = archive(tmp_path / "backups" / "backup.tar.gz", members, links=links)

    with pytest.raises(RestoreError, match="is not a readable backup archive"):
        restore_backup(path)

    assert [path.name for path in (tmp_path / "backups").iterdir()] == ["backup.tar.gz"]
    assert stored_names() == []


def test_an_absolute_member_name_is_read_inside_the_archive_and_written_nowhere_else(db, media, tmp_path):
    outside = tmp_path / "outside" / "absolute.txt"
    path = archive(tmp_path / "backup.tar.gz", {**GOOD, str(outside): b"evil"})

    restore_backup(path)

    assert not outside.exists()
    assert stored_names() == []


def test_a_restore_prints_nothing_of_its_own_and_leaves_history_as_it_found_it(db, media, tmp_path, settings, capfd):
    """The command says what was restored; the load underneath stays quiet. History is off only
    while the archive's own history is loaded, then as it was (also when it was off)."""
    settings.SIMPLE_HISTORY_ENABLED = False
    path = archive(tmp_path / "backup.tar.gz", {MANIFEST_MEMBER: manifest({}), DATABASE_MEMBER: EMPTY_DATABASE})

    restore_backup(path)

    assert settings.SIMPLE_HISTORY_ENABLED is False
    assert capfd.readouterr() == ("", "")


def test_a_backup_from_a_terminal_prints_nothing_of_its_own(db, media, tmp_path, monkeypatch):
    """The command says what it wrote; the dump underneath draws no progress bar, which it
    would on a terminal."""
    reader, writer = os.openpty()
    printed = bytearray()

    def drain():
        # Read as it is written: a terminal nobody reads stops its writer once its buffer is full.
        while True:
            try:
                chunk = os.read(reader, 65536)
            except OSError:  # the terminal was closed
                return
            if not chunk:
                return
            printed.extend(chunk)

    draining = threading.Thread(target=drain, daemon=True)
    draining.start()
    with open(writer, "w") as terminal:
        monkeypatch.setattr(sys, "stdout", terminal)
        make_backup(tmp_path / "backup.tar.gz")
    draining.join(10)
    os.close(reader)

    assert bytes(printed) == b""
