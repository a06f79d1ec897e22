"""`iia-hash`: the SHA-256 of the `text-to-hash` that the official `transform_version_7.xsl`
(spec/hash/) builds for each `<iia>` of a document. The same walk, written in Python, so that
exporting needs no XSLT 3.0 processor; the tests run the official XSLT (saxonche) beside it.

The XSLT's rules, in its order:
- `_@terminated-as-a-whole@_` first, when any `cooperation-conditions` of the *document* says
  terminated-as-a-whole true (it reads `//`, not the one IIA);
- each partner's `iia-id` as `_iia-id_N=…_` (empty when there is none);
- for each mobility spec, every element below it in document order, except the sending and
  receiving contacts' contents, the two academic years and anything under `not-yet-defined`
  true: its attributes (but `not-yet-defined` and `v6-value`) as `_@a.b.c.name=value@_`, and, for
  an element without child elements, `_grandparent.parent.name=text_` (an ISCED code by its
  `v6-value` when it has one); then the first and the last academic year.
"""

import hashlib

from lxml import etree

SKIPPED_LEAVES = {"receiving-first-academic-year-id", "receiving-last-academic-year-id"}
CONTACTS = {"sending-contact", "receiving-contact"}
TRUE = {"true", "1"}


def _name(node) -> str:
    return "" if node is None else etree.QName(node).localname


def _children(element, name: str):
    return [child for child in element if isinstance(child.tag, str) and _name(child) == name]


def _dump(element, label: str) -> str:
    if element is None:
        return f"_{label}=_"
    if _name(element) == "isced-f-code" and element.get("v6-value"):
        return f"_{label}={element.get('v6-value')}_"
    return f"_{label}={element.xpath('string()')}_"


def _not_yet_defined(element) -> bool:
    return any(node.get("not-yet-defined") in TRUE for node in (element, *element.iterancestors()))


def _inside_contact(element) -> bool:
    return any(_name(node) in CONTACTS for node in element.iterancestors())


def _mobility_text(spec) -> str:
    parts = []
    for element in spec.iterdescendants():
        if not isinstance(element.tag, str):
            continue
        if _inside_contact(element) or _name(element) in SKIPPED_LEAVES or _not_yet_defined(element):
            continue
        parent = element.getparent()
        grandparent = parent.getparent()
        for attribute, value in element.attrib.items():
            local = etree.QName(attribute).localname
            if local in {"not-yet-defined", "v6-value"}:
                continue
            path = ".".join([_name(grandparent), _name(parent), _name(element), local])
            parts.append(f"_@{path}={value}@_")
        if not any(isinstance(child.tag, str) for child in element):
            parts.append(_dump(element, f"{_name(grandparent)}.{_name(parent)}.{_name(element)}"))
    for name in ("receiving-first-academic-year-id", "receiving-last-academic-year-id"):
        found = _children(spec, name)
        parts.append(_dump(found[0] if found else None, name))
    return "".join(parts)


def _document_terminated(root) -> bool:
    return any(
        value in TRUE
        for element in root.iter()
        if isinstance(element.tag, str) and _name(element) == "cooperation-conditions"
        for attribute, value in element.attrib.items()
        if etree.QName(attribute).localname == "terminated-as-a-whole"
    )


def text_to_hash(iia, *, terminated: bool) -> str:
    parts = ["_@terminated-as-a-whole@_" if terminated else ""]
    for position, partner in enumerate(_children(iia, "partner"), start=1):
        ids = _children(partner, "iia-id")
        parts.append(_dump(ids[0] if ids else None, f"iia-id_{position}"))
    for conditions in _children(iia, "cooperation-conditions"):
        for spec in conditions:
            if isinstance(spec.tag, str):
                parts.append(_mobility_text(spec))
    return "".join(parts)


def iias_of(root) -> list:
    return [element for element in root.iter() if isinstance(element.tag, str) and _name(element) == "iia"]


def texts_to_hash(root) -> list[str]:
    """The `text-to-hash` of each `<iia>` of the document, in document order."""
    terminated = _document_terminated(root)
    return [text_to_hash(iia, terminated=terminated) for iia in iias_of(root)]


def iia_hashes(root) -> list[str]:
    return [hashlib.sha256(text.encode()).hexdigest() for text in texts_to_hash(root)]
