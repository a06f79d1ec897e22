"""Text folding for search and for matching names: one rule for both.

fold() ignores case, accents, the Kazakh letters that Russian spellings replace, apostrophes of
every kind, hyphens and dots inside a word (all three join: "Xi'an", "Xi-an" and "Xian" are one
word), and any other punctuation or run of spaces. to_latin() writes Cyrillic in Latin letters,
so that a name entered in one script is found from the other."""

import re
import unicodedata
from collections.abc import Callable
from urllib.parse import urlsplit

from django.db.models import Q

# Letters that Kazakh and Russian spellings of the same name swap freely.
_FOLD_MAP = str.maketrans(
    {"ё": "е", "ә": "а", "ғ": "г", "қ": "к", "ң": "н", "ө": "о", "ұ": "у", "ү": "у", "һ": "х", "і": "и", "ı": "i"}
)
# Removed before anything else: NFKD would turn the acute accent (´) into a space.
_APOSTROPHES = str.maketrans(dict.fromkeys("'’‘ʼʻ`´′‛"))
# The combining marks NFKD leaves after a letter (the accents of Latin and Cyrillic letters).
_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_JOINERS = re.compile(r"[-‐‑.]")  # hyphens and dots: "Xi-an", "St.Petersburg"
_PUNCTUATION = re.compile(r"[\W_]+")

# Russian letters in Latin ones, after BGN/PCGN (я ya, ю yu, х kh, ц ts, щ shch), with the soft
# and hard signs left out; fold() has already written the Kazakh letters the Russian way, and й
# as и (its breve goes with the other accents), so "Айтматов" is "aitmatov".
_CYRILLIC_TO_LATIN = str.maketrans(
    {
        "а": "a",
        "б": "b",
        "в": "v",
        "г": "g",
        "д": "d",
        "е": "e",
        "ж": "zh",
        "з": "z",
        "и": "i",
        "к": "k",
        "л": "l",
        "м": "m",
        "н": "n",
        "о": "o",
        "п": "p",
        "р": "r",
        "с": "s",
        "т": "t",
        "у": "u",
        "ф": "f",
        "х": "kh",
        "ц": "ts",
        "ч": "ch",
        "ш": "sh",
        "щ": "shch",
        "ъ": "",
        "ы": "y",
        "ь": "",
        "э": "e",
        "ю": "yu",
        "я": "ya",
    }
)
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
# Scripts written without spaces between words: a query word matches anywhere inside a name.
_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]")

# Institution.search_text: the folded forms of every name, each word after a space.
SEARCH_SEPARATOR = " | "


def _letters(text: str) -> str:
    text = (text or "").translate(_APOSTROPHES)
    if not text.isascii():
        text = _COMBINING.sub("", unicodedata.normalize("NFKD", text))
    return text.casefold().translate(_FOLD_MAP)


def _words(text: str) -> str:
    return re.sub(r"\s+", " ", _PUNCTUATION.sub(" ", text)).strip()


def fold(text: str) -> str:
    """Lower-case words without accents or punctuation: "Xi’an Jiaotong-University" ->
    "xian jiaotonguniversity", "Hacettepe Üniversitesi" -> "hacettepe universitesi"."""
    return _words(_JOINERS.sub("", _letters(text)))


def fold_split(text: str) -> str:
    """fold() with hyphens and dots taken as spaces: "Al-Farabi" -> "al farabi" (apostrophes
    still join: "Xi'an" is one word)."""
    return _words(_JOINERS.sub(" ", _letters(text)))


def to_latin(folded: str) -> str:
    """A folded text with its Cyrillic letters in Latin ones: "сакарья" -> "sakarya"."""
    return folded.translate(_CYRILLIC_TO_LATIN)


def search_forms(names) -> str:
    """What a name search matches against (Institution.search_text): each name folded, split at
    its hyphens and dots, and in Latin letters when it has Cyrillic ones; every word follows a
    space, so that a word of a query can be matched as the beginning of a word."""
    forms = []
    for name in names:
        letters = _letters(name)
        for form in (_words(_JOINERS.sub("", letters)), _words(_JOINERS.sub(" ", letters))):
            forms.append(form)
            if _CYRILLIC.search(form):
                forms.append(to_latin(form))
    unique = [form for form in dict.fromkeys(forms) if form]
    # Led by the separator's bar, not by a bare space: surrounding whitespace does not survive
    # everywhere a value goes (the XML of a backup trims it), and the first word needs a space
    # before it like every other.
    return SEARCH_SEPARATOR.lstrip() + SEARCH_SEPARATOR.join(unique) if unique else ""


def words_condition(path: str, text: str, synonyms: Callable[[str], list[str]] | None = None) -> Q | None:
    """The condition "every word of `text` begins a word of the search text at `path`" (in any
    order, a Cyrillic word also in Latin letters, or as one of its `synonyms`; a Chinese word
    anywhere), or None when the text has no word. Each word is a LIKE '% word%' that the search
    text's trigram index serves."""
    words = fold(text).split()
    if not words:
        return None
    condition = Q()
    for word in dict.fromkeys(words):
        if _UNSPACED.search(word):
            condition &= Q(**{f"{path}__contains": word})
            continue
        spellings = [word, to_latin(word), *(synonyms(word) if synonyms else [])]
        either = Q()
        for spelling in dict.fromkeys(spellings):
            either |= Q(**{f"{path}__contains": f" {spelling}"})
        condition &= either
    return condition


def partner_named(path: str, text: str) -> Q:
    """words_condition() for a search by a partner's name among other columns: a text with no
    word in it names no partner."""
    return words_condition(path, text) or Q(pk__in=[])


def website_domain(url: str) -> str:
    """The host a website address names, without "www." or a port: what two records of the same
    institution share however its address was written ("https://www.Gazi.edu.tr/en" -> "gazi.edu.tr")."""
    text = (url or "").strip().lower()
    if not text:
        return ""
    host = urlsplit(text if "://" in text else f"//{text}").hostname or ""
    return host.removeprefix("www.").rstrip(".")


def record_id(text) -> int | None:
    """The record id a request parameter names, or None: only ASCII digits count ("¹" and "١"
    pass str.isdigit() but are no id) and only what a bigint column can hold."""
    text = str(text)
    if not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if number < 2**63 else None
