"""Reading IIA XML safely and validating it against the vendored schemas (spec/schemas/).

A document is refused before it is parsed when it is larger than MAX_BYTES, and when it
declares a DTD at all (no entities, internal or external: no XXE, no "billion laughs"); the
parser never touches the network or a file."""

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.utils.translation import gettext as _
from lxml import etree

SPEC = Path(__file__).resolve().parent / "spec"
GET_RESPONSE_XSD = SPEC / "schemas" / "iias-get-response.xsd"
IIAS_NS = "https://github.com/erasmus-without-paper/ewp-specs-api-iias/blob/stable-v7/endpoints/get-response.xsd"
CONTACT_NS = "https://github.com/erasmus-without-paper/ewp-specs-types-contact/tree/stable-v1"
MAX_BYTES = 5 * 1024 * 1024  # IIA documents are a few kilobytes; a whole partner's list is well below


@dataclass(frozen=True)
class DocumentError(Exception):
    message: str
    line: int | None = None

    def __str__(self):
        if self.line:
            return _("Line %(line)s: %(message)s") % {"line": self.line, "message": self.message}
        return self.message


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False, huge_tree=False
    )


@cache
def get_response_schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(GET_RESPONSE_XSD), _parser()))


def refuse_if_too_large(size: int) -> None:
    if size > MAX_BYTES:
        raise DocumentError(
            _("The file is %(size)s MB; an IIA document may be at most %(limit)s MB.")
            % {"size": round(size / 1024 / 1024, 1), "limit": MAX_BYTES // 1024 // 1024}
        )


def parse(data: bytes):
    """The document's root element, or DocumentError saying what is wrong and where."""
    refuse_if_too_large(len(data))
    if b"<!DOCTYPE" in data[:4096].upper() or b"<!ENTITY" in data.upper():
        raise DocumentError(_("The file declares a DTD or entities, which IIA documents never do: it is refused."))
    try:
        tree = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as error:
        raise DocumentError(_("This is not well-formed XML: %(error)s") % {"error": error.msg}, error.lineno) from None
    if tree.getroottree().docinfo.doctype:
        raise DocumentError(_("The file declares a DTD or entities, which IIA documents never do: it is refused."))
    return tree


def validate(root) -> None:
    """DocumentError with the schema's first message and its line, unless the document is an
    `<iias-get-response>` that the official schema accepts."""
    if etree.QName(root).namespace != IIAS_NS or etree.QName(root).localname != "iias-get-response":
        raise DocumentError(
            _("This is not an EWP IIA v7 document: its root element is %(root)s, not iias-get-response.")
            % {"root": root.tag}
        )
    schema = get_response_schema()
    if not schema.validate(root):
        error = schema.error_log.filter_from_errors()[0]
        raise DocumentError(
            _("The document does not follow the EWP IIA v7 schema: %(error)s") % {"error": error.message}, error.line
        )
