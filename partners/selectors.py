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


class InstitutionNameIndex:
    """Every current institution's names with their keys, computed once: for matching many
    names in a row (an import of hundreds of rows) without reading the table for each.
    Names added with add() (rows earlier in the same file) are matched too."""

    def __init__(self, queryset=None):
        queryset = Institution.objects.current() if queryset is None else queryset
        self.entries: list[tuple[object, str, str, str]] = []  # (owner, name, folded, key)
        self._grams: dict[str, list[int]] = {}  # three letters of a key -> the entries having them
        self._exact: dict[str, list[int]] = {}  # a folded name, or "key:" and its key -> entries
        seen = set()  # the official and short names come once per variant from the join
        rows = queryset.values_list("id", "name", "short_name", "names__name")
        for institution_id, *names in rows.iterator(chunk_size=2000):
            for candidate in names:
                if candidate and (institution_id, candidate) not in seen:
                    seen.add((institution_id, candidate))
                    self.add(institution_id, candidate)

    def add(self, owner, name: str) -> None:
        """Index a name; `owner` is an institution id or anything else that names its owner."""
        number = len(self.entries)
        key = name_key(name)
        self.entries.append((owner, name, fold(name), key))
        for gram in {key[i : i + 3] for i in range(len(key) - 2)}:
            self._grams.setdefault(gram, []).append(number)
        self._exact.setdefault(fold(name), []).append(number)
        self._exact.setdefault(f"key:{key}", []).append(number)

    def similar(
        self, name: str, *, limit: int = 5, accept=None, threshold: float = SIMILARITY_THRESHOLD
    ) -> list[tuple[object, str, float]]:
        """(owner, matched name, score) of the entries resembling `name`, best first, one per
        owner; `accept(owner)` can leave some out (another country, say)."""
        key, folded = name_key(name), fold(name)
        if not key and not folded:
            return []
        # Only the names sharing a three-letter run with this one can reach the threshold (at
        # 0.82 at most a fifth of the letters differ, which leaves a run of three intact).
        numbers = set(self._exact.get(folded, [])) | set(self._exact.get(f"key:{key}", []) if key else [])
        for gram in {key[i : i + 3] for i in range(len(key) - 2)}:
            numbers.update(self._grams.get(gram, ()))
        matcher = difflib.SequenceMatcher(None)
        matcher.set_seq2(key)  # the side SequenceMatcher caches
        best: dict[object, tuple[float, str]] = {}
        for number in numbers:
            owner, candidate, candidate_folded, candidate_key = self.entries[number]
            if candidate_folded == folded:
                score = 1.0
            elif not key or not candidate_key:
                continue
            elif candidate_key == key:
                score = 0.97
            else:
                matcher.set_seq1(candidate_key)
                if matcher.real_quick_ratio() < threshold or matcher.quick_ratio() < threshold:
                    continue
                score = matcher.ratio()
            if score < threshold or score <= best.get(owner, (0, ""))[0]:
                continue
            if accept is None or accept(owner):
                best[owner] = (score, candidate)
        ranked = sorted(best.items(), key=lambda item: -item[1][0])[:limit]
        return [(owner, matched, round(score, 2)) for owner, (score, matched) in ranked]


def _similarity(key: str, folded: str, candidate: str) -> float:
    if fold(candidate) == folded:
        return 1.0
    candidate_key = name_key(candidate)
    if not key or not candidate_key:
        return 0.0
    if candidate_key == key:
        return 0.97
    return difflib.SequenceMatcher(None, key, candidate_key).ratio()
