"""Reads about partners that need more than a queryset method: likely duplicates of a name."""

import difflib
import re
from dataclasses import dataclass

from cooperation.lib.text import fold
from partners.models import Institution

# Words that say what kind of institution it is, not which one: "Gazi University" and
# "Gazi Üniversitesi" and "Университет Гази" are the same name.
GENERIC_WORDS = {
    "university",
    "universitesi",
    "universiteti",
    "universitet",
    "univ",
    "college",
    "kolledzh",
    "kolledj",
    "institute",
    "institut",
    "instituti",
    "academy",
    "akademiya",
    "akademiyasy",
    "school",
    "mektebi",
    "state",
    "national",
    "natsionalnyi",
    "gosudarstvennyi",
    "memlekettik",
    "ulttyk",
    "of",
    "the",
    "and",
    "im",
    "imeni",
    "named",
    "after",
    "uzh",
    "dlya",
    "i",
    "y",
}

_CYRILLIC_TO_LATIN = {
    "а": "a",
    "б": "b",
    "в": "v",
    "г": "g",
    "д": "d",
    "е": "e",
    "ж": "zh",
    "з": "z",
    "и": "i",
    "й": "i",
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
# Latin spellings that transliterations of the same sound disagree on.
_SOUND_ALIKE = [("dzh", "j"), ("kh", "h"), ("ks", "x"), ("w", "v"), ("c", "k"), ("q", "k"), ("y", "i")]

SIMILARITY_THRESHOLD = 0.82


def name_key(name: str) -> str:
    """A spelling-insensitive key: folded, in Latin letters, without generic words, doubled letters
    collapsed ("Hacetteppe University" and "Университет Хаджеттепе" give close keys)."""
    text = "".join(_CYRILLIC_TO_LATIN.get(ch, ch) for ch in fold(name))
    words = [word for word in re.split(r"[^\w]+", text) if word and word not in GENERIC_WORDS]
    key = "".join(words)
    for written, sound in _SOUND_ALIKE:
        key = key.replace(written, sound)
    return re.sub(r"(.)\1+", r"\1", key)


@dataclass(frozen=True)
class SimilarInstitution:
    institution: Institution
    matched_name: str
    score: float


def institutions_similar(*, name: str, exclude_id: int | None = None, limit: int = 5) -> list[SimilarInstitution]:
    """Existing institutions whose name or a name variant resembles `name`, best first."""
    key = name_key(name)
    folded = fold(name)
    if not key and not folded:
        return []
    best: dict[int, tuple[float, str]] = {}
    candidates = Institution.objects.current().values_list("id", "name", "short_name", "names__name")
    for institution_id, official, short, variant in candidates.iterator(chunk_size=2000):
        if institution_id == exclude_id:
            continue
        for candidate in (official, short, variant):
            if not candidate:
                continue
            score = _similarity(key, folded, candidate)
            if score >= SIMILARITY_THRESHOLD and score > best.get(institution_id, (0, ""))[0]:
                best[institution_id] = (score, candidate)
    ranked = sorted(best.items(), key=lambda item: -item[1][0])[:limit]
    institutions = Institution.objects.in_bulk([institution_id for institution_id, _ in ranked])
    return [
        SimilarInstitution(institution=institutions[institution_id], matched_name=matched, score=round(score, 2))
        for institution_id, (score, matched) in ranked
    ]


def _similarity(key: str, folded: str, candidate: str) -> float:
    if fold(candidate) == folded:
        return 1.0
    candidate_key = name_key(candidate)
    if not key or not candidate_key:
        return 0.0
    if candidate_key == key:
        return 0.97
    return difflib.SequenceMatcher(None, key, candidate_key).ratio()
