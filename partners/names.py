"""How alike two names of institutions are: the one scoring rule of likely duplicates (the partner
form, imports) and of the list search's "Did you mean".

A name is read as its distinctive words ("Hacettepe", "Xi'an Jiaotong") and its generic ones
("University", "Университет", "Üniversitesi", "大学"): the generic words say what kind of
institution it is, not which one, so they weigh a tenth of the score, and a misspelt generic word
("Universty") is still generic. An acronym is compared only as a whole: "XJTU" and "KSTU" are two
different acronyms, not two letters apart."""

import difflib
import re
from dataclasses import dataclass
from functools import lru_cache

from cooperation.lib.text import fold, fold_split, search_forms, to_latin

# Generic words (folded, in Latin letters) and what they stand for; None: a word that joins others.
_GENERIC_GROUPS = {
    "university": "university universitet universiteti universitesi universitesi univ universidad universita "
    "universite universitat universiteit uniwersytet daxue",
    "college": "college kolledzh kolledj kolej koleji",
    "institute": "institute institut instituti enstitusu",
    "academy": "academy akademiya akademiyasy akademi akademisi akademia",
    "school": "school mektebi shkola okulu",
    "state": "state gosudarstvennyy gosudarstvennyi memlekettik devlet",
    "national": "national natsionalnyy natsionalnyi ulttyk ulusal",
    None: "of the and im imeni named after uzh dlya i y de da di del des der fur",
}
GENERIC_WORDS: dict[str, str | None] = {
    word: concept for concept, words in _GENERIC_GROUPS.items() for word in words.split()
}
# The long generic words by their first two letters, which a misspelling seldom gets wrong.
_LONG_GENERIC_WORDS: dict[str, list[str]] = {}
for _word in GENERIC_WORDS:
    if len(_word) >= 6:
        _LONG_GENERIC_WORDS.setdefault(_word[:2], []).append(_word)
# The generic word a name in Chinese or Japanese ends with (written without spaces).
_UNSPACED_SUFFIXES = {"大学": "university", "大學": "university", "学院": "college", "學院": "college"}
# Latin spellings that transliterations of the same sound disagree on.
_SOUND_ALIKE = [("dzh", "j"), ("kh", "h"), ("ks", "x"), ("w", "v"), ("c", "k"), ("q", "k"), ("y", "i")]
_GENERIC_WEIGHT = 0.1
# Alike but not the same spelling: never scored as the very same name.
_ALIKE_AT_MOST = 0.97


@lru_cache(maxsize=65536)
def generic_concept(word: str) -> str | None | bool:
    """What a generic word stands for (None for "of", "the"...), or False for a distinctive word.
    A long word one or two letters from a generic one is taken for it ("universty")."""
    if word in GENERIC_WORDS:
        return GENERIC_WORDS[word]
    if len(word) >= 6:
        for generic in _LONG_GENERIC_WORDS.get(word[:2], ()):
            if abs(len(word) - len(generic)) <= 2 and difflib.SequenceMatcher(None, word, generic).ratio() >= 0.85:
                return GENERIC_WORDS[generic]
    return False


def _sound_key(text: str) -> str:
    for written, sound in _SOUND_ALIKE:
        text = text.replace(written, sound)
    return re.sub(r"(.)\1+", r"\1", text)


@dataclass(frozen=True)
class NameKey:
    """A name as the scoring reads it."""

    folded: str  # the whole name folded, without spaces: the same name however punctuated
    key: str  # the distinctive words, in Latin letters, run together, spelt by sound
    generic: frozenset  # what its generic words stand for
    acronym: bool

    @classmethod
    def of(cls, name: str, *, acronym: bool = False) -> "NameKey":
        distinctive, generic = [], set()
        for word in to_latin(fold_split(name)).split():
            for suffix, concept in _UNSPACED_SUFFIXES.items():
                if word.endswith(suffix):
                    word = word[: -len(suffix)]
                    generic.add(concept)
                    break
            concept = generic_concept(word) if word else None
            if concept is False:
                distinctive.append(word)
            elif concept:
                generic.add(concept)
        # An acronym: the short name field, or a name of one word in capitals ("METU", "ODTÜ").
        acronym = acronym or (len(name.split()) == 1 and name.isupper() and len(name) <= 10)
        return cls(fold(name).replace(" ", ""), _sound_key("".join(distinctive)), frozenset(generic), acronym)


def name_key(name: str) -> str:
    """The distinctive part of a name, spelling aside: "Hacetteppe University" and
    "HACETTEPE ÜNIVERSITESI" give "hacetepe"."""
    return NameKey.of(name).key


def name_similarity(first: NameKey, second: NameKey, *, at_least: float = 0.0) -> float:
    """1.0 for the same name (case, accents, punctuation aside); 0.97 at most for alike names;
    0.0 for two different acronyms or an acronym and a name, or for a pair that cannot reach
    `at_least` (checked cheaply first: an import compares thousands of pairs)."""
    if first.folded == second.folded and first.folded:
        return 1.0
    if first.acronym or second.acronym or not first.key or not second.key:
        return 0.0
    if first.key == second.key:
        distinctive = 1.0
    else:
        matcher = difflib.SequenceMatcher(None, first.key, second.key)
        for upper_bound in (matcher.real_quick_ratio, matcher.quick_ratio):
            if (1 - _GENERIC_WEIGHT) * upper_bound() + _GENERIC_WEIGHT < at_least:
                return 0.0
        distinctive = matcher.ratio()
    either = first.generic | second.generic
    generic = len(first.generic & second.generic) / len(either) if either else 1.0
    score = (1 - _GENERIC_WEIGHT) * distinctive + _GENERIC_WEIGHT * generic
    return round(min(score, _ALIKE_AT_MOST), 2)


def generic_synonym(word: str) -> list[str]:
    """A generic word of a query as the concept it stands for ("университеті" -> "university"),
    which Institution.search_text holds for every name with such a word."""
    concept = generic_concept(to_latin(fold(word)))
    return [concept] if concept else []


def search_text_of(names, codes) -> str:
    """Institution.search_text: the names' and codes' search forms, and the concepts of their
    generic words, so that "Сатпаев университеті" finds "Satbayev University"."""
    words = {word for name in names for word in to_latin(fold_split(name)).split()}
    concepts = {generic_concept(word) for word in words} - {None, False}
    return search_forms([*names, *codes, " ".join(sorted(concepts))])


def keys_text(names) -> str:
    """Institution.name_keys: the keys of its names, for the trigram search of alike names."""
    keys = [key for key in dict.fromkeys(NameKey.of(name).key for name in names) if key]
    # Led by a bar, not by a bare space, which a backup's XML would trim.
    return "| " + " | ".join(keys) if keys else ""
