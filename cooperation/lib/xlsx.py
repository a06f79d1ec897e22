"""The lists' Excel export: one worksheet written straight from rows, as Office Open XML
(ECMA-376) with inline strings, a bold header and dates formatted as dates.

openpyxl made an object and an XML element per cell, most of a 5,000-row export's time; a list
needs none of what it offers beyond this (docs/PERFORMANCE.md has the figures). Text is always
written as an inline string, which Excel never reads as a formula or an error code."""

import datetime
import decimal
import io
import re
import zipfile
from collections.abc import Iterable
from xml.sax.saxutils import escape, quoteattr

# Characters XML 1.0 cannot hold at all (Excel would refuse the file).
_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_EXCEL_EPOCH = datetime.datetime(1899, 12, 30)

# The cell styles (cellXfs) of STYLES, by position.
_DATE, _DATETIME, _HEADER = 1, 2, 3

CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>
</Types>"""

PACKAGE_RELATIONSHIPS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>
</Relationships>"""

WORKBOOK_RELATIONSHIPS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>
</Relationships>"""

WORKBOOK = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<sheets><sheet name={title} sheetId="1" r:id="rId1"/></sheets>
</workbook>"""

STYLES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/><numFmt numFmtId="165" formatCode="yyyy-mm-dd hh:mm"/></numFmts>
<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>
<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="4">
<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>
<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>
</cellXfs>
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>
</styleSheet>"""

SHEET_START = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"""
SHEET_END = "</sheetData></worksheet>"


def column_letters(index: int) -> str:
    """The letters of the zero-based column `index`: 0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _text(reference: str, text: str, style: int = 0) -> str:
    styled = f' s="{style}"' if style else ""
    text = escape(_NOT_IN_XML.sub("", text))
    return f'<c r="{reference}"{styled} t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


def _cell(reference: str, value) -> str:
    """One cell: numbers as numbers, dates and times as Excel's serial days in their format,
    anything else as text; "" for no value (no cell)."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return f'<c r="{reference}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, (int, float, decimal.Decimal)):
        return f'<c r="{reference}"><v>{value}</v></c>'
    if isinstance(value, datetime.datetime):
        days = (value.replace(tzinfo=None) - _EXCEL_EPOCH) / datetime.timedelta(days=1)
        return f'<c r="{reference}" s="{_DATETIME}"><v>{days!r}</v></c>'
    if isinstance(value, datetime.date):
        days = (value - _EXCEL_EPOCH.date()).days
        return f'<c r="{reference}" s="{_DATE}"><v>{days}</v></c>'
    return _text(reference, str(value))


def workbook_bytes(rows: Iterable[list], sheet_title: str) -> bytes:
    """The rows (the first is the header, in bold) as an .xlsx file of one sheet. Date-times
    must already be local and naive, as the sheet shows them."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", CONTENT_TYPES)
        package.writestr("_rels/.rels", PACKAGE_RELATIONSHIPS)
        package.writestr("xl/workbook.xml", WORKBOOK.format(title=quoteattr(_NOT_IN_XML.sub("", sheet_title))))
        package.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELATIONSHIPS)
        package.writestr("xl/styles.xml", STYLES)
        with package.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(SHEET_START.encode())
            letters: list[str] = []
            for number, row in enumerate(rows, start=1):
                while len(letters) < len(row):
                    letters.append(column_letters(len(letters)))
                if number == 1:
                    cells = "".join(_text(f"{letters[index]}1", str(value), _HEADER) for index, value in enumerate(row))
                else:
                    cells = "".join(_cell(f"{letters[index]}{number}", value) for index, value in enumerate(row))
                sheet.write(f'<row r="{number}">{cells}</row>'.encode())
            sheet.write(SHEET_END.encode())
    return buffer.getvalue()
