"""Text folding for search: case, accents and the common Cyrillic/Latin spellings."""

import re
import unicodedata

# Letters that Kazakh and Russian spellings of the same name swap freely.
_FOLD_MAP = str.maketrans(
    {"ё": "е", "ә": "а", "ғ": "г", "қ": "к", "ң": "н", "ө": "о", "ұ": "у", "ү": "у", "һ": "х", "і": "и", "ı": "i"}
)


def fold(text: str) -> str:
    """Lower-case, strip accents and collapse spaces: "Hacettepe Üniversitesi" -> "hacettepe universitesi"."""
    text = unicodedata.normalize("NFKD", text or "").casefold()
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.translate(_FOLD_MAP)
    return re.sub(r"\s+", " ", text).strip()


def record_id(text) -> int | None:
    """The record id a request parameter names, or None: only ASCII digits count ("¹" and "١"
    pass str.isdigit() but are no id) and only what a bigint column can hold."""
    text = str(text)
    if not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if number < 2**63 else None
