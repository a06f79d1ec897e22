"""Uploaded documents: what we accept (judged by content, never by the name) and how we serve it.

Signed scans and drafts are legal documents and personal data: a file is accepted only if its
bytes are a PDF, a Word or Excel document, an OpenDocument text or a PNG/JPEG/TIFF image, and it is
sent back only through a view that has checked the user's right to the record, with headers
that stop a browser from running anything in it.
"""

import re
import unicodedata
import zipfile
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from cooperation.lib.archives import ZIP_ERRORS, archive_problem, read_member_head

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODT = "application/vnd.oasis.opendocument.text"
PNG = "image/png"
JPEG = "image/jpeg"
TIFF = "image/tiff"

EXTENSIONS = {PDF: ".pdf", DOCX: ".docx", XLSX: ".xlsx", ODT: ".odt", PNG: ".png", JPEG: ".jpg", TIFF: ".tif"}
# Shown in the browser; everything else is downloaded.
INLINE_TYPES = {PDF, PNG, JPEG}


def sniff_content_type(uploaded) -> str | None:
    """The document type its first bytes (and, for Office files, its zip directory) say it is."""
    uploaded.seek(0)
    head = uploaded.read(8)
    uploaded.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return TIFF
    if head.startswith(b"PK\x03\x04"):
        return _sniff_zip(uploaded)
    return None


def _sniff_zip(uploaded) -> str | None:
    try:
        with zipfile.ZipFile(uploaded) as archive:
            names = set(archive.namelist())
            # OpenDocument's first member is its type, a few dozen bytes: judged by the size
            # it declares and never read further, however much it would unpack to.
            if read_member_head(archive, "mimetype", 100) == ODT.encode():
                return ODT
    except ZIP_ERRORS:
        return None
    finally:
        uploaded.seek(0)
    if "[Content_Types].xml" in names:
        if "word/document.xml" in names:
            return DOCX
        if "xl/workbook.xml" in names:
            return XLSX
    return None


def validate_document(uploaded) -> str:
    """Check an uploaded file and return its content type, or say clearly what is wrong."""
    name = getattr(uploaded, "name", "") or _("the file")
    if not uploaded.size:
        raise ValidationError(_("%(name)s is empty."), code="empty", params={"name": name})
    limit = settings.DOCUMENT_MAX_BYTES
    if uploaded.size > limit:
        raise ValidationError(
            _("%(name)s is %(size)s; documents may be at most %(limit)s."),
            code="too_large",
            params={"name": name, "size": filesizeformat(uploaded.size), "limit": filesizeformat(limit)},
        )
    _refuse_absurd_archive(uploaded, name)
    content_type = sniff_content_type(uploaded)
    if content_type is None:
        raise ValidationError(
            _(
                "%(name)s is not a PDF, Word, Excel or OpenDocument file or a PNG, JPEG or TIFF image (judged by its content, not its name)."
            ),
            code="unsupported_type",
            params={"name": name},
        )
    return content_type


def _refuse_absurd_archive(uploaded, name) -> None:
    """A zip (what Office and OpenDocument files are) is judged before anything reads its
    members, the type check included."""
    uploaded.seek(0)
    is_zip = uploaded.read(4) == b"PK\x03\x04"
    uploaded.seek(0)
    problem = archive_problem(uploaded) if is_zip else None
    if problem:
        raise ValidationError(
            _("%(name)s is refused: %(problem)s"), code="archive_refused", params={"name": name, "problem": problem}
        )


def clean_file_name(name: str, content_type: str) -> str:
    """A name safe to show and to put in a Content-Disposition header, with the extension its
    content deserves ("../../etc/passwd.pdf.exe" -> "passwd.pdf.pdf")."""
    stem = PurePath(name.replace("\\", "/")).name
    stem = unicodedata.normalize("NFC", stem)
    stem = re.sub(r"[\x00-\x1f\x7f\"'<>:;|?*/]+", "_", stem).strip(" ._") or "document"
    stem = re.sub(r"\.[A-Za-z0-9]{1,5}$", "", stem)[:150] or "document"
    return stem + EXTENSIONS[content_type]


def document_response(*, file, content_type: str, download_name: str) -> FileResponse:
    """Send a stored document: PDFs and images inline, everything else as a download, and
    never anything the browser may interpret as a page or a script."""
    response = FileResponse(
        file.open("rb"),
        as_attachment=content_type not in INLINE_TYPES,
        filename=download_name,
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    if content_type == "application/pdf":
        # Chromium refuses to run its PDF viewer in a sandboxed document ("This page has been
        # blocked"), and its viewer runs apart from the page anyway; the file was judged a PDF
        # by its content and nosniff keeps it one.
        response["Content-Security-Policy"] = (
            "default-src 'none'; img-src 'self'; object-src 'self'; style-src 'unsafe-inline'"
        )
    else:
        response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; object-src 'self'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
