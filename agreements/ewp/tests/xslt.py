"""The official transform_version_7.xsl run through saxonche (Saxon-HE): what the hash must
equal. Test-only: the project computes the hash in agreements/ewp/iia_hash.py."""

import hashlib

from lxml import etree
from saxonche import PySaxonProcessor

from agreements.ewp.documents import SPEC

XSLT = SPEC / "hash" / "transform_version_7.xsl"


def official_hashes(xml: bytes) -> list[str]:
    with PySaxonProcessor(license=False) as processor:
        executable = processor.new_xslt30_processor().compile_stylesheet(stylesheet_file=str(XSLT))
        document = processor.parse_xml(xml_text=xml.decode())
        result = executable.transform_to_string(xdm_node=document)
    texts = etree.fromstring(result.encode()).findall("iia/text-to-hash")
    return [hashlib.sha256((text.text or "").encode()).hexdigest() for text in texts]
