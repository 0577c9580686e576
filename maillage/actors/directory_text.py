"""The directory's full text, typo tolerance and ranking (see `directory`): a query word's prefixes, a
misspelled word corrected against the territory's vocabulary (`DirectoryTerm`, a few thousand words: never
the rows), and the relevance both databases compute identically."""

from __future__ import annotations

from typing import Any

from django.db.models import Case, IntegerField, Q, Value, When
from rapidfuzz.distance import OSA

from maillage.actors.models import DirectoryTerm
from maillage.core import search as core_search
from maillage.core.models import Territory

CORRECTIONS_PER_WORD = 8


def _max_typos(word: str) -> int:
    return 1 if len(word) < 7 else 2


def _known(territory: Territory, prefixes: list[str]) -> bool:
    """Does a term of the vocabulary start with one of the prefixes? (an index range, on both databases)"""
    cond = Q()
    for prefix in prefixes:
        cond |= Q(term__gte=prefix, term__lt=prefix + "{")  # « { » follows « z »: terms are [a-z0-9]
    return DirectoryTerm.objects.filter(cond, territory=territory).exists()


def corrections(territory: Territory, word: str) -> list[str]:
    """The vocabulary's nearest terms to a misspelled word (same initial, length ± 2), nearest first."""
    size = len(word)
    candidates = DirectoryTerm.objects.filter(
        territory=territory, term__gte=word[0], term__lt=word[0] + "{"
    ).values_list("term", flat=True)
    scored = []
    limit = _max_typos(word)
    for term in candidates:
        if abs(len(term) - size) <= 2:
            distance = OSA.distance(word, term, score_cutoff=limit)
            if distance <= limit:
                scored.append((distance, term))
    if not scored:
        return []
    best = min(d for d, _ in scored)
    return sorted(t for d, t in scored if d == best)[:CORRECTIONS_PER_WORD]


def text_groups(territory: Territory, query: str) -> list[list[str]]:
    """The prefixes of each query word (a word's group matches when one of its prefixes does), a misspelled
    word replaced by its corrections. Empty: the query has no word."""
    groups = []
    for word in core_search.query_words(query):
        prefixes = core_search.prefixes(word)
        if len(word) >= core_search.TYPO_MIN_LENGTH and not _known(territory, prefixes):
            prefixes = corrections(territory, word) or prefixes
        groups.append(prefixes)
    return groups


def relevance(groups: list[list[str]]) -> Any:
    """The ranking, defined once: how many query words the name holds (`name_terms` is « ␣term term␣ »)."""
    parts: list[Any] = []
    for group in groups:
        cond = Q()
        for prefix in group:
            cond |= Q(name_terms__contains=f" {prefix}")
        parts.append(Case(When(cond, then=Value(1)), default=Value(0), output_field=IntegerField()))
    score: Any = Value(0, output_field=IntegerField())
    for part in parts:
        score = score + part
    return score
