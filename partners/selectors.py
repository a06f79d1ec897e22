"""Reads about partners that need more than a queryset method: likely duplicates of a name, and
the partners a misspelt search was looking for. The scoring is partners.names'; on PostgreSQL
the candidates come from the trigram index on Institution.name_keys, so that a name is compared
with a few dozen partners rather than with all of them."""

from dataclasses import dataclass

from django.contrib.postgres.search import TrigramWordDistance, TrigramWordSimilarity
from django.db import connection, transaction
from django.db.models import BooleanField, F, Func, Q, Value
from django.db.models.functions import Greatest

from cooperation.lib.text import fold, website_domain, words_condition
from partners.models import Institution, InstitutionName
from partners.names import NameKey, name_key, name_similarity

__all__ = ["name_key"]

# Generic words weigh a tenth: alike names share at least five sixths of their distinctive letters
# ("Xinjiang" and "Xi'an Jiaotong" share four fifths, and are not alike).
SIMILARITY_THRESHOLD = 0.85
# A lower bar for what is only offered, never decided on ("Did you mean").
SUGGESTION_THRESHOLD = 0.6
# How alike a name's key and a partner's name_keys must be for the partner to be scored at all:
# well below the thresholds above, which the scoring then applies.
_CANDIDATE_THRESHOLD = 0.3
_CANDIDATES = 30


class WordSimilar(Func):
    """`text %> term`: some run of words of `text` is as alike `term` as pg_trgm's
    word_similarity_threshold asks (served by a trigram index on `text`)."""

    arg_joiner = " %%> "
    template = "(%(expressions)s)"
    output_field = BooleanField()


@dataclass(frozen=True)
class SimilarInstitution:
    institution: Institution
    matched_name: str  # the name of it that matched ("" when an identifier did)
    score: float
    shared: str = ""  # the identifier both have: "website: gazi.edu.tr"


def _candidate_ids(keys: list[NameKey], names: list[str]) -> list[int] | None:
    """The current partners worth scoring against these names, or None for all of them (on a
    database without pg_trgm)."""
    if connection.vendor != "postgresql":
        return None
    condition = Q()
    for name in names:
        exact = words_condition("search_text", name)
        if exact is not None:
            condition |= exact
    terms = list(dict.fromkeys(key.key for key in keys if key.key and not key.acronym))
    for term in terms:
        condition |= Q(WordSimilar(F("name_keys"), Value(term)))
    if not condition:
        return []
    queryset = Institution.objects.current().filter(condition)
    if len(terms) == 1:
        # The nearest first, read in that order from the GiST index on name_keys (migration
        # partners/0009), which stops at _CANDIDATES rows however many are alike enough.
        queryset = queryset.order_by(TrigramWordDistance(terms[0], "name_keys"))
    elif terms:
        similarity = [TrigramWordSimilarity(term, "name_keys") for term in terms]
        queryset = queryset.order_by(Greatest(*similarity).desc())
    with transaction.atomic():
        with connection.cursor() as cursor:
            # `name_keys %> term` (through its trigram index) keeps the rows above this threshold.
            cursor.execute(
                "SELECT set_config('pg_trgm.word_similarity_threshold', %s, true)", [str(_CANDIDATE_THRESHOLD)]
            )
        return list(queryset.values_list("pk", flat=True)[:_CANDIDATES])


def _scored(keys: list[NameKey], names: list[str], *, exclude_id, threshold: float) -> dict[int, tuple[float, str]]:
    """{institution id: (best score, the name of it that scored)} above the threshold."""
    candidates = Institution.objects.current()
    ids = _candidate_ids(keys, names)
    if ids is not None:
        candidates = candidates.filter(pk__in=ids)
    if exclude_id is not None:
        candidates = candidates.exclude(pk=exclude_id)
    best: dict[int, tuple[float, str]] = {}
    for institution_id, candidate, acronym in names_of(candidates):
        theirs = NameKey.of(candidate, acronym=acronym)
        for key in keys:
            score = name_similarity(key, theirs, at_least=threshold)
            if score >= threshold and score > best.get(institution_id, (0, ""))[0]:
                best[institution_id] = (score, candidate)
    return best


def names_of(institutions):
    """(institution id, name, is an acronym) for every name of the institutions: the official
    one, the short one (an acronym), and each variant, in one query."""
    rows = institutions.values_list("id", "name", "short_name", "names__name", "names__kind")
    for institution_id, official, short, variant, kind in rows.iterator(chunk_size=2000):
        for name, acronym in ((official, False), (short, True), (variant, kind == InstitutionName.Kind.ACRONYM)):
            if name:
                yield institution_id, name, acronym


def _ranked(best: dict[int, tuple], limit: int) -> list[SimilarInstitution]:
    """{institution id: (score, matched name[, shared identifier])}, best first."""
    ranked = sorted(best.items(), key=lambda item: (-item[1][0], item[1][1]))[:limit]
    institutions = Institution.objects.in_bulk([institution_id for institution_id, _ in ranked])
    return [
        SimilarInstitution(
            institutions[institution_id], matched_name=found[1], score=found[0], shared=found[2:] and found[2] or ""
        )
        for institution_id, found in ranked
    ]


def institutions_similar(
    *, name: str, exclude_id: int | None = None, limit: int = 5, acronym: bool = False
) -> list[SimilarInstitution]:
    """Existing institutions whose name or a name variant resembles `name`, best first."""
    return likely_duplicates(names=[(name, acronym)], exclude_id=exclude_id, limit=limit)


def likely_duplicates(
    *,
    names: list[tuple[str, bool]],
    identifiers: dict[str, str] | None = None,
    exclude_id: int | None = None,
    limit: int = 5,
) -> list[SimilarInstitution]:
    """The partners that may be the one these names (each with "is an acronym") and identifiers
    describe: an identical Erasmus code, PIC, SCHAC id or website domain always, then alike
    names (partners.names), best first."""
    found = {pk: (1.0, "", shared) for pk, shared in _same_identifiers(identifiers or {}, exclude_id).items()}
    names = [(name, acronym) for name, acronym in names if name and name.strip()]
    keys = [NameKey.of(name, acronym=acronym) for name, acronym in names]
    if keys:
        for pk, scored in _scored(
            keys, [name for name, _ in names], exclude_id=exclude_id, threshold=SIMILARITY_THRESHOLD
        ).items():
            found.setdefault(pk, scored)
    return _ranked(found, limit)


def institutions_suggested(text: str, *, limit: int = 3) -> list[SimilarInstitution]:
    """The partners a search that found nothing was probably looking for ("Did you mean")."""
    key = NameKey.of(text)
    if not key.key:
        return []
    return _ranked(_scored([key], [], exclude_id=None, threshold=SUGGESTION_THRESHOLD), limit)


def _same_identifiers(identifiers: dict[str, str], exclude_id) -> dict[int, str]:
    """{institution id: what it shares} for the identifiers given (erasmus_code, pic, schac_id,
    website): the same Erasmus code, PIC or SCHAC id (case aside) or the same website domain."""
    condition = Q()
    for field in ("erasmus_code", "pic", "schac_id"):
        value = (identifiers.get(field) or "").strip()
        if value:
            condition |= Q(**{f"{field}__iexact": value})
    domain = website_domain(identifiers.get("website") or "")
    if domain:
        condition |= Q(website__icontains=domain)
    if not condition:
        return {}
    queryset = Institution.objects.current().filter(condition)
    if exclude_id is not None:
        queryset = queryset.exclude(pk=exclude_id)
    found = {}
    for institution in queryset.only("erasmus_code", "pic", "schac_id", "website")[:20]:
        for field in ("erasmus_code", "pic", "schac_id"):
            ours = (identifiers.get(field) or "").strip()
            if ours and fold(ours) == fold(getattr(institution, field)):
                found.setdefault(institution.pk, f"{Institution._meta.get_field(field).verbose_name}: {ours}")
        if domain and website_domain(institution.website) == domain:
            found.setdefault(institution.pk, f"{Institution._meta.get_field('website').verbose_name}: {domain}")
    return found


class InstitutionNameIndex:
    """Every current institution's names with their keys, computed once: for matching many
    names in a row (an import of hundreds of rows) without reading the table for each.
    Names added with add() (rows earlier in the same file) are matched too."""

    def __init__(self, queryset=None):
        queryset = Institution.objects.current() if queryset is None else queryset
        self.entries: list[tuple[object, str, NameKey]] = []  # (owner, name, its key)
        self._grams: dict[str, list[int]] = {}  # three letters of a key -> the entries having them
        self._exact: dict[str, list[int]] = {}  # a folded name, or "key:" and its key -> entries
        seen = set()  # the official and short names come once per variant from the join
        for institution_id, candidate, acronym in names_of(queryset):
            if (institution_id, candidate) not in seen:
                seen.add((institution_id, candidate))
                self.add(institution_id, candidate, acronym=acronym)

    def add(self, owner, name: str, *, acronym: bool = False) -> None:
        """Index a name; `owner` is an institution id or anything else that names its owner."""
        number = len(self.entries)
        key = NameKey.of(name, acronym=acronym)
        self.entries.append((owner, name, key))
        if not key.acronym:
            for gram in {key.key[i : i + 3] for i in range(len(key.key) - 2)}:
                self._grams.setdefault(gram, []).append(number)
        self._exact.setdefault(key.folded, []).append(number)
        self._exact.setdefault(f"key:{key.key}", []).append(number)

    def similar(
        self, name: str, *, limit: int = 5, accept=None, threshold: float = SIMILARITY_THRESHOLD
    ) -> list[tuple[object, str, float]]:
        """(owner, matched name, score) of the entries resembling `name`, best first, one per
        owner; `accept(owner)` can leave some out (another country, say)."""
        key = NameKey.of(name)
        if not key.key and not key.folded:
            return []
        # Only the names sharing a three-letter run with this one can reach the threshold (at
        # most a sixth of the distinctive letters differ, which leaves a run of three intact).
        numbers = set(self._exact.get(key.folded, [])) | set(self._exact.get(f"key:{key.key}", []) if key.key else [])
        for gram in {key.key[i : i + 3] for i in range(len(key.key) - 2)}:
            numbers.update(self._grams.get(gram, ()))
        best: dict[object, tuple[float, str]] = {}
        for number in numbers:
            owner, candidate, candidate_key = self.entries[number]
            score = name_similarity(key, candidate_key, at_least=threshold)
            if score < threshold or score <= best.get(owner, (0, ""))[0]:
                continue
            if accept is None or accept(owner):
                best[owner] = (score, candidate)
        ranked = sorted(best.items(), key=lambda item: -item[1][0])[:limit]
        return [(owner, matched, score) for owner, (score, matched) in ranked]
