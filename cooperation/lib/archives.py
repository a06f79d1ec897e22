"""Zip archives from outside (Office and OpenDocument files, .xlsx imports): refused when they
would unpack to far more than any real document, before anything reads their contents.

The sizes in the zip's directory are judged first, at no cost; then every member is read in
small chunks, never past the size it declares (zipfile stops there and checks the CRC), so an
archive that lies about its sizes is refused as damaged rather than unpacked."""

import struct
import zipfile
import zlib

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

# A long report with its images unpacks to tens of megabytes, and text compresses about ten to
# one; these bounds are an order of magnitude beyond either.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_RATIO = 100
MAX_MEMBERS = 10_000
# What reading a damaged, encrypted or unsupported archive raises.
ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, OSError, EOFError, RuntimeError, ValueError)


def archive_problem(file, *, max_unpacked: int = MAX_UNPACKED_BYTES) -> str | None:
    """Why the zip archive in `file` is refused, or None. The file is left at its start."""
    file.seek(0, 2)
    packed = file.tell()
    declared = _declared_member_count(file, packed)
    if declared is not None and declared > MAX_MEMBERS:
        # zipfile would build an object for each before we could count them.
        file.seek(0)
        return _("The file holds %(count)s parts; a document has at most %(max)s.") % {
            "count": declared,
            "max": MAX_MEMBERS,
        }
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            members = archive.infolist()
            unpacked = sum(member.file_size for member in members)
            if unpacked > max_unpacked:
                return _("The file unpacks to %(size)s; at most %(max)s is accepted.") % {
                    "size": filesizeformat(unpacked),
                    "max": filesizeformat(max_unpacked),
                }
            if unpacked > MAX_RATIO * max(packed, 1):
                return _(
                    "The file is compressed %(ratio)s to 1, beyond what any document is (at most %(max)s to 1)."
                ) % {"ratio": unpacked // max(packed, 1), "max": MAX_RATIO}
            damaged = archive.testzip()
    except ZIP_ERRORS:
        damaged = True
    finally:
        file.seek(0)
    if damaged:
        return _("The file is damaged: its parts do not unpack to what it says they are.")
    return None


END_OF_DIRECTORY = b"PK\x05\x06"
END_OF_DIRECTORY_SIZE = 22
MAX_COMMENT = 65535


def _declared_member_count(file, size: int) -> int | None:
    """How many members the archive's end-of-directory record says it holds (65535 for a zip64
    archive, which states the real count elsewhere), read from its last bytes alone; None when
    there is no such record (zipfile then calls the file damaged)."""
    start = max(0, size - END_OF_DIRECTORY_SIZE - MAX_COMMENT)
    file.seek(start)
    tail = file.read()
    position = tail.rfind(END_OF_DIRECTORY)
    if position < 0 or position + END_OF_DIRECTORY_SIZE > len(tail):
        return None
    return struct.unpack_from("<H", tail, position + 10)[0]


def read_member_head(archive: zipfile.ZipFile, name: str, limit: int) -> bytes | None:
    """The member's bytes if it declares at most `limit` of them, reading no more; None if it is
    missing or larger."""
    try:
        member = archive.getinfo(name)
    except KeyError:
        return None
    if member.file_size > limit:
        return None
    with archive.open(member) as stream:
        return stream.read(limit)
