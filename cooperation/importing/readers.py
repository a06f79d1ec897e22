"""Reading an uploaded spreadsheet: the rows of an .xlsx or .csv file, and the values of its
cells as we store them (dates in the local forms, countries by name in three languages).

Each parser raises CellError with a message that says what is wrong with the value; the
caller adds the row and the column."""

import codecs
import csv
import datetime
import decimal
import difflib
import io
import re
import zipfile
from dataclasses import dataclass
from functools import cache
from xml.etree import ElementTree

import charset_normalizer
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django_countries import countries
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel

from cooperation.lib.archives import ZIP_ERRORS, archive_problem
from cooperation.lib.text import fold

# Beyond this an import belongs in several files: the preview would be unreadable.
MAX_ROWS = 5000
MAX_FILE_SIZE = 10 * 1024 * 1024
# openpyxl holds a workbook's shared strings in memory: a few thousand rows of text unpack to a
# few megabytes, and no workbook we import to more than this.
MAX_XLSX_UNPACKED = 50 * 1024 * 1024
SUFFIXES = (".xlsx", ".csv")


class ImportFileError(Exception):
    """The file as a whole cannot be read: not a spreadsheet, no header, too many rows."""


class CellError(ValueError):
    """What is wrong with one cell's value."""


@dataclass
class Table:
    headers: list[str]
    rows: list[tuple[int, list]]  # (row number as the spreadsheet shows it, cell values)


def read_table(file, name: str, *, encoding: str | None = None) -> Table:
    """The header and the non-empty rows of the first sheet of an .xlsx file, or of a .csv file
    (comma, semicolon or tab) in `encoding`, or in the one it is detected to be written in."""
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix not in SUFFIXES:
        raise ImportFileError(_("%(name)s is not an .xlsx or .csv file.") % {"name": name})
    data = file.read()
    if len(data) > MAX_FILE_SIZE:
        raise ImportFileError(_("The file is larger than 10 MB; split it into several files."))
    rows = _xlsx_rows(data) if suffix == ".xlsx" else _csv_rows(data, encoding or detect_encoding(data))
    table = None
    for number, values in rows:
        _check_row_limit(number)
        values = [_clean(value) for value in values]
        _refuse_control_characters(number, values, table.headers if table else [])
        if all(value in ("", None) for value in values):
            continue
        if table is None:
            table = Table(headers=[str(value or "").strip() for value in values], rows=[])
            continue
        table.rows.append((number, values))
    if table is None:
        raise ImportFileError(_("The file is empty: the first row must hold the column headers."))
    return table


def _check_row_limit(number: int) -> None:
    """Every row read counts, empty ones too: a sheet of a million empty rows is refused after
    the first few thousand, not read to its end."""
    if number > MAX_ROWS + 1:  # the header and MAX_ROWS rows
        raise ImportFileError(
            _("The file has more than %(max)s rows (empty rows count too); split it into several files.")
            % {"max": MAX_ROWS}
        )


# Tab, line feed and carriage return occur in cells; no other control character is text.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _refuse_control_characters(number: int, values: list, headers: list[str]) -> None:
    for index, value in enumerate(values):
        if isinstance(value, str) and (found := CONTROL_CHARACTERS.search(value)):
            header = headers[index] if index < len(headers) and headers[index] else ""
            column = f"{get_column_letter(index + 1)} ({header})" if header else get_column_letter(index + 1)
            raise ImportFileError(
                _(
                    "Row %(row)s, column %(column)s holds a control character (U+%(code)04X), which is not "
                    "text: the file may be damaged or not in the encoding it was read in."
                )
                % {"row": number, "column": column, "code": ord(found.group())}
            )


def _xlsx_rows(data: bytes):
    problem = archive_problem(io.BytesIO(data), max_unpacked=MAX_XLSX_UNPACKED)
    if problem:
        raise ImportFileError(problem)
    # openpyxl reads a sheet that does not state its size to its end before giving the first
    # row: the rows are counted first, and the count stops at the limit.
    for number in _first_sheet_row_numbers(data):
        _check_row_limit(number)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a file that is not a workbook
        raise ImportFileError(_("The file cannot be read as an Excel workbook (.xlsx).")) from error
    try:
        sheet = workbook.worksheets[0]
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, list(values)
    finally:
        workbook.close()


SPREADSHEET_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
RELATIONSHIP_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


def _first_sheet_row_numbers(data: bytes):
    """1, 2, 3... for each row element of the workbook's first sheet, read as a stream."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            path = _first_sheet_path(archive)
            if path is None:
                return
            parser = ElementTree.XMLPullParser(events=("end",))
            number = 0
            with archive.open(path) as stream:
                while chunk := stream.read(64 * 1024):
                    parser.feed(chunk)
                    for _event, element in parser.read_events():
                        if element.tag == f"{SPREADSHEET_NS}row":
                            number += 1
                            yield number
                        element.clear()
    except (*ZIP_ERRORS, KeyError, ElementTree.ParseError) as error:
        raise ImportFileError(_("The file cannot be read as an Excel workbook (.xlsx).")) from error


def _first_sheet_path(archive: zipfile.ZipFile) -> str | None:
    """Where the first sheet of the workbook is (as the workbook and its relationships say)."""
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    sheet = workbook.find(f"{SPREADSHEET_NS}sheets/{SPREADSHEET_NS}sheet")
    if sheet is None:
        return None
    relationships = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    for relationship in relationships:
        if relationship.get("Id") == sheet.get(f"{RELATIONSHIP_NS}id"):
            target = relationship.get("Target", "")
            return target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return None


# --- encodings of CSV files ------------------------------------------------------------------

# What a CSV file may be read as, offered on the preview when the detected one reads it wrong.
ENCODINGS = {
    "utf-8": "UTF-8",
    "cp1251": _lazy("Windows-1251 (Cyrillic)"),
    "cp1252": _lazy("Windows-1252 (Western European)"),
    "iso8859-1": _lazy("ISO-8859-1 (Latin-1)"),
    "cp1250": _lazy("Windows-1250 (Central European)"),
    "koi8-r": _lazy("KOI8-R (Cyrillic)"),
    "cp866": _lazy("CP866 (DOS Cyrillic)"),
    "utf-16": "UTF-16",
}


def encoding_choices(current: str) -> list[tuple[str, str]]:
    """The encodings offered, the one the file was read in among them."""
    choices = [(code, str(label)) for code, label in ENCODINGS.items()]
    if current and current not in ENCODINGS:
        choices.append((current, encoding_label(current)))
    return choices


def encoding_name(encoding: str) -> str:
    """Python's own name of an encoding ("latin_1" -> "iso8859-1"), or "" for an unknown one."""
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        return ""
    return "utf-8" if name == "utf-8-sig" else name


def encoding_label(encoding: str) -> str:
    return str(ENCODINGS.get(encoding_name(encoding), encoding_name(encoding).upper()))


def file_encoding(file, name: str) -> str | None:
    """The encoding an uploaded .csv file is detected to be written in; None for a workbook."""
    if not name.lower().endswith(".csv"):
        return None
    data = file.read(MAX_FILE_SIZE + 1)
    file.seek(0)
    return detect_encoding(data)


def detect_encoding(data: bytes) -> str:
    """A byte order mark says it; text that is valid UTF-8 is UTF-8; otherwise charset-normalizer
    guesses from the letters (Windows-1251 when it cannot tell)."""
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        best = charset_normalizer.from_bytes(data).best()
        return encoding_name(best.encoding) if best else "cp1251"
    return "utf-8"


def _csv_rows(data: bytes, encoding: str):
    codec = encoding_name(encoding)
    if not codec:
        raise ImportFileError(_("%(encoding)s is not an encoding.") % {"encoding": encoding})
    try:
        text = data.decode("utf-8-sig" if codec == "utf-8" else codec)
    except UnicodeDecodeError as error:
        raise ImportFileError(
            _("The file cannot be read as %(encoding)s (byte %(position)s); choose another encoding.")
            % {"encoding": encoding_label(codec), "position": error.start + 1}
        ) from None
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        yield from enumerate(csv.reader(io.StringIO(text), dialect), start=1)
    except csv.Error as error:
        raise ImportFileError(_("The CSV file cannot be read: %(error)s.") % {"error": error}) from None


def _clean(value):
    if isinstance(value, str):
        value = value.strip()
    return value


# --- cell values -----------------------------------------------------------------------------

DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%y", "%Y.%m.%d", "%Y/%m/%d")


def parse_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a code typed into Excel as a number: 949920587.0
    return str(value).strip()


def parse_date(value) -> datetime.date | None:
    """2025-09-01, 01.09.2025, 1/9/2025 (day first, as written here), or a real Excel date."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 1 <= value < 2958466:  # Excel's serial day numbers, 1900-01-01 to 9999-12-31
            return from_excel(value).date()
        raise CellError(_("%(value)s is not a date.") % {"value": value})
    text = str(value).strip()
    text = re.sub(r"\s*(г\.?|ж\.?)$", "", text)  # "01.09.2025 г." as Russian and Kazakh texts write it
    text = text.split(" ")[0] if re.match(r"^\d{4}-\d\d-\d\d \d\d:\d\d", text) else text
    for date_format in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, date_format).date()
        except ValueError:
            continue
    raise CellError(_("'%(value)s' is not a date; write it as 2025-09-01 or 01.09.2025.") % {"value": value})


def parse_int(value) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = decimal.Decimal(str(value).strip().replace(" ", "").replace(",", "."))
    except decimal.InvalidOperation:
        number = None
    if number is None or number != number.to_integral_value() or number < 0:
        raise CellError(_("'%(value)s' is not a whole number.") % {"value": value})
    return int(number)


def parse_decimal(value) -> decimal.Decimal | None:
    if value in (None, ""):
        return None
    text = str(value).strip().replace(" ", "").replace("\u00a0", "").replace(",", ".")
    try:
        number = decimal.Decimal(text)
    except decimal.InvalidOperation:
        raise CellError(_("'%(value)s' is not a number.") % {"value": value}) from None
    if not number.is_finite():
        raise CellError(_("'%(value)s' is not a number.") % {"value": value})
    return number.quantize(decimal.Decimal("0.01"))


TRUE_WORDS = {"1", "yes", "y", "true", "да", "д", "иә", "ия", "+", "x"}
FALSE_WORDS = {"0", "no", "n", "false", "нет", "н", "жоқ", "жок", "-"}


def parse_bool(value) -> bool | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        return value
    word = fold(str(value))
    if word in {fold(w) for w in TRUE_WORDS}:
        return True
    if word in {fold(w) for w in FALSE_WORDS}:
        return False
    raise CellError(_("'%(value)s' is neither yes nor no.") % {"value": value})


def parse_choice(value, choices) -> str | None:
    """A value of a TextChoices by its code or its label in any of our languages."""
    if value in (None, ""):
        return None
    wanted = fold(str(value))
    for code, label in choices:
        if wanted == fold(code) or wanted in _labels(label):
            return code
    allowed = ", ".join(str(label) for _code, label in choices)
    raise CellError(_("'%(value)s' is not one of: %(allowed)s.") % {"value": value, "allowed": allowed})


def _labels(label) -> set[str]:
    names = set()
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            names.add(fold(str(label)))
    return names


def header_names(label) -> set[str]:
    """How a column header may be written: its label in English, Russian or Kazakh."""
    return _labels(label)


# --- countries -------------------------------------------------------------------------------


@cache
def _country_names() -> dict[str, str]:
    """Folded country name in English, Russian or Kazakh, or ISO code (alpha-2 or alpha-3) ->
    alpha-2 code. Built once per process: 249 countries in three languages."""
    names: dict[str, str] = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for country in countries:
                names.setdefault(fold(str(country.name)), country.code)
    for country in countries:
        names[fold(country.code)] = country.code
        alpha3 = countries.alpha3(country.code)
        if alpha3:
            names.setdefault(fold(alpha3), country.code)
    # Names in everyday use that the standard's names do not match.
    for alias, code in COUNTRY_ALIASES.items():
        names.setdefault(fold(alias), code)
    return names


COUNTRY_ALIASES = {
    "Turkey": "TR",
    "Turkiye": "TR",
    "Russia": "RU",
    "China": "CN",
    "PRC": "CN",
    "South Korea": "KR",
    "Korea": "KR",
    "USA": "US",
    "United States": "US",
    "UK": "GB",
    "Great Britain": "GB",
    "England": "GB",
    "Iran": "IR",
    "Vietnam": "VN",
    "Czech Republic": "CZ",
    "Moldova": "MD",
    "Kyrgyzstan": "KG",
    "Кыргызстан": "KG",
    "Киргизия": "KG",
    "Қырғызстан": "KG",
    "Түркия": "TR",
    "Қытай": "CN",
    "Ресей": "RU",
    "Өзбекстан": "UZ",
    "Қазақстан": "KZ",
    "Оңтүстік Корея": "KR",
    "Жапония": "JP",
    "Германия": "DE",
    "Франция": "FR",
    "Польша": "PL",
    "Ұлыбритания": "GB",
    "АҚШ": "US",
    "США": "US",
    "Малайзия": "MY",
    "Үндістан": "IN",
    "Иран": "IR",
    "Тәжікстан": "TJ",
    "Түрікменстан": "TM",
    "Әзербайжан": "AZ",
    "Беларусь": "BY",
    "Италия": "IT",
    "Испания": "ES",
    "Венгрия": "HU",
    "Чехия": "CZ",
    "Литва": "LT",
    "Латвия": "LV",
    "Моңғолия": "MN",
}


def parse_country(value) -> str | None:
    """An ISO 3166 alpha-2 code from a name in English, Russian or Kazakh, or a code."""
    if value in (None, ""):
        return None
    names = _country_names()
    code = names.get(fold(str(value)))
    if code:
        return code
    close = difflib.get_close_matches(fold(str(value)), names.keys(), n=1, cutoff=0.8)
    if close:
        code = names[close[0]]
        raise CellError(
            _("'%(value)s' is not a country; did you mean %(name)s (%(code)s)?")
            % {"value": value, "name": countries.name(code), "code": code}
        )
    raise CellError(_("'%(value)s' is not a country; write its name or its ISO code (TR, CN).") % {"value": value})


def split_list(value) -> list[str]:
    """A cell holding several values: separated by semicolons or new lines."""
    text = parse_text(value)
    return [part.strip() for part in re.split(r"[;\n]", text) if part.strip()]
