"""One archive with everything the portal keeps: the database (as Django fixtures, so it restores
into SQLite or PostgreSQL alike) and the uploaded documents, with a manifest of checksums.

`manage.py backup` writes it; `manage.py restore` reads it into an empty, migrated database and
checks every document against its checksum before anything is written. Documents are read and
written through Django's default storage, wherever it keeps them: the folder MEDIA_ROOT or an
S3-compatible bucket (DOCUMENTS_STORAGE_URL)."""

import datetime
import hashlib
import io
import json
import posixpath
import shutil
import tarfile
import tempfile
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from cooperation.activity import recomputed_at_the_end

FORMAT_VERSION = 1
# XML, not JSON: Django's JSON encoder rounds times to milliseconds; XML keeps them exact.
DATABASE_MEMBER = "database.xml"
MANIFEST_MEMBER = "manifest.json"
DOCUMENTS_PREFIX = "documents/"
# Rebuilt by `migrate` (content types, permissions), worthless in a restore (sessions), or counted
# afresh from the records after it (the dashboard's kept counts, like everything activity keeps).
# (django-celery-beat's PeriodicTasks row is only a "schedules changed" marker, rewritten on load.)
EXCLUDED = [
    "contenttypes",
    "auth.permission",
    "sessions",
    "django_celery_beat.periodictasks",
    "cooperation.tally",
    "cooperation.tallymark",
]
# Rows that a fresh `migrate` already made and the archive brings again.
CREATED_BY_MIGRATIONS = {
    "auth.group",
    "agreements.areaofcooperation",
    "agreements.historicalareaofcooperation",
    "cooperation.reminderpolicy",
    "django_celery_beat.crontabschedule",
    "django_celery_beat.periodictask",
    "django_celery_beat.periodictasks",
}


class RestoreError(Exception):
    pass


def _sha256(path: Path) -> str:
    with path.open("rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(timezone.now().timestamp())
    archive.addfile(info, io.BytesIO(data))


def stored_names(directory: str = "") -> list[str]:
    """Every file the default storage keeps under `directory`, by its storage name."""
    try:
        folders, files = default_storage.listdir(directory)
    except FileNotFoundError:  # MEDIA_ROOT, before the first upload made it
        return []
    names = [posixpath.join(directory, name) for name in files]
    for folder in folders:
        names += stored_names(posixpath.join(directory, folder))
    return sorted(names)


def _copy_from_storage(names: list[str], target: Path) -> list[Path]:
    paths = []
    for name in names:
        path = target / name
        path.parent.mkdir(parents=True, exist_ok=True)
        with default_storage.open(name) as stored, path.open("wb") as copy:
            shutil.copyfileobj(stored, copy)
        paths.append(path)
    return paths


def make_backup(destination: Path) -> dict:
    """Write the archive; return its manifest."""
    with tempfile.TemporaryDirectory() as scratch:
        dump = Path(scratch) / DATABASE_MEMBER
        # One transaction: every table is read at the same moment (PostgreSQL's snapshot).
        # Every row keeps its id (addresses name records by id: /partners/12/, a user in the
        # admin), so no natural_primary; references to the rows that `migrate` makes again
        # (content types, permissions) go by natural key.
        with transaction.atomic():
            call_command(
                "dumpdata",
                exclude=EXCLUDED,
                format="xml",
                natural_foreign=True,
                output=str(dump),
                verbosity=0,
            )
        # The documents after the database: one uploaded meanwhile is in the archive but named
        # by no record, which restores harmlessly; the other way round a record would lack its file.
        media_root = Path(scratch) / "documents"
        documents = _copy_from_storage(stored_names(), media_root)
        manifest = {
            "format": FORMAT_VERSION,
            "created_at": timezone.now().isoformat(),
            "database": {"sha256": _sha256(dump), "bytes": dump.stat().st_size},
            "documents": {
                str(path.relative_to(media_root)): {"sha256": _sha256(path), "bytes": path.stat().st_size}
                for path in documents
            },
        }
        destination.parent.mkdir(parents=True, exist_ok=True)
        partial = destination.with_name(destination.name + ".partial")
        with tarfile.open(partial, "w:gz") as archive:
            _add_bytes(archive, MANIFEST_MEMBER, json.dumps(manifest).encode())
            archive.add(dump, arcname=DATABASE_MEMBER)
            for path in documents:
                archive.add(path, arcname=DOCUMENTS_PREFIX + str(path.relative_to(media_root)))
        partial.replace(destination)  # never a half-written archive under the real name
    return manifest


def _database_is_empty() -> bool:
    for model in apps.get_models():
        label = model._meta.label_lower
        if label.split(".")[0] in {"contenttypes", "sessions"} or label == "auth.permission":
            continue
        if label in CREATED_BY_MIGRATIONS or model._meta.proxy:
            continue
        if model._default_manager.exists():
            return False
    return True


def restore_backup(source: Path) -> dict:
    """Read the archive into this (empty, migrated) database and the document store. Everything
    is checked first; the database is loaded in one transaction; documents are put in the store
    only after."""
    if not _database_is_empty():
        raise RestoreError("The database is not empty: restore into a new, migrated database.")
    with tempfile.TemporaryDirectory() as scratch:
        scratch_dir = Path(scratch)
        try:
            with tarfile.open(source) as archive:
                archive.extractall(scratch_dir, filter="data")  # no absolute paths, no ../, no links out
        except (tarfile.TarError, OSError, EOFError) as error:
            raise RestoreError(f"{source} is not a readable backup archive: {error}") from error
        try:
            manifest = json.loads((scratch_dir / MANIFEST_MEMBER).read_text())
        except (OSError, ValueError) as error:
            raise RestoreError(f"{source} has no readable {MANIFEST_MEMBER}.") from error
        if manifest.get("format") != FORMAT_VERSION:
            raise RestoreError(f"Unknown backup format {manifest.get('format')!r}.")
        dump = scratch_dir / DATABASE_MEMBER
        if not dump.exists() or _sha256(dump) != manifest["database"]["sha256"]:
            raise RestoreError(f"{DATABASE_MEMBER} is missing or damaged (checksum differs).")
        for name, expected in manifest["documents"].items():
            path = scratch_dir / DOCUMENTS_PREFIX / name
            if not path.is_file() or _sha256(path) != expected["sha256"]:
                raise RestoreError(f"Document {name} is missing or damaged (checksum differs).")
        # The archive holds the audit history itself: loading must not write history of its own
        # (simple-history records many-to-many changes even for fixtures).
        history_enabled = getattr(settings, "SIMPLE_HISTORY_ENABLED", True)
        settings.SIMPLE_HISTORY_ENABLED = False
        try:
            with transaction.atomic(), recomputed_at_the_end():
                # An archive of a portal older than the agreements' last activity has none: it
                # is computed from what was loaded, as for every other archive.
                call_command("loaddata", str(dump), verbosity=0)
        finally:
            settings.SIMPLE_HISTORY_ENABLED = history_enabled
        for name, expected in manifest["documents"].items():
            _put_in_storage(name, scratch_dir / DOCUMENTS_PREFIX / name, expected["sha256"])
    return manifest


def _put_in_storage(name: str, path: Path, sha256: str) -> None:
    """The document under its own name; one already there with the same content is kept (a
    restore run again, a bucket that survived), one with other content is replaced, as the
    database just restored says what that name holds."""
    if default_storage.exists(name):
        with default_storage.open(name) as stored:
            if hashlib.file_digest(stored, "sha256").hexdigest() == sha256:
                return
        default_storage.delete(name)
    with path.open("rb") as content:
        saved = default_storage.save(name, File(content))
    if saved != name:
        raise RestoreError(f"Document {name} was stored as {saved}; the database names it {name}.")


def default_backup_path() -> Path:
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    return Path(settings.VAR_DIR) / "backups" / f"cooperation-{stamp}.tar.gz"
