"""Full-text search, the same on SQLite and PostgreSQL.

Design (the ADR « search » is written from this):

- **Normalised once, in Python.** `normalise_words()` lowercases, removes accents (NFKD), splits on anything
  that is not a letter or digit, drops French stop words and one-letter words. Each word is stored as is
  *and* as its French Snowball stem (after removing accents and a plural « s »/« x », so « activités »,
  « activité » and « activite » share a stem). The result is a plain ASCII `search_text`, so both engines
  only need a trivial tokenizer and behave alike. The title is written twice, which ranks title matches
  higher with the engines' own term-frequency ranking.
- **One table, `core.SearchDocument`** (territory, kind, object_id, title, search_text, facets, is_public),
  unique per (territory, kind, object_id). Services call `index_document()` after each write of an
  indexed object and `remove_document()` when it is deleted (or hidden). The index never holds what a
  public page must not show unless `is_public=False`, which `search()` filters out by default.
- **SQLite:** an FTS5 external-content table ``core_search_fts`` (rowid = SearchDocument.id, tokenizer
  ``unicode61``, prefix indexes 2-4), kept in sync by triggers created in the migration (every write path,
  cascades included, updates it). Ranking: ``bm25``.
- **PostgreSQL:** a GIN index on ``search_vector``, a stored generated column holding
  ``to_tsvector('simple', search_text)`` (migration core 0003: ranking reads it instead of recomputing it;
  ``simple``: no dictionary, the text is already normalised), and a GIN ``gin_trgm_ops`` index for typo
  tolerance (``pg_trgm``, migration core 0002). Ranking: ``ts_rank`` plus trigram word similarity.
- **Query semantics (both engines):** every query word must match (AND); a word matches a document term
  that starts with the word or with the word's stem (so « ressour » finds « ressourcerie », « associations »
  finds « association », « economie » finds « économie »). On PostgreSQL only, a word of 4+ letters also
  matches a term whose trigram word similarity reaches ``pg_trgm.word_similarity_threshold`` (0.6), but only
  when the strict query finds nothing: « resourcerie » finds « ressourcerie ». So whenever the strict query
  has hits, both engines return the same documents. SQLite has no typo tolerance.
- Filtering (territory, kinds, facets, public) is an ordinary ORM queryset used as a subquery, so callers
  may add any filter Django knows; hits come back as (kind, object_id, title, rank) for the caller to load
  through its own permission-scoped queryset.
- Callers that filter and sort themselves (the directory and its facet index) use `matching_ids()` (a
  subquery of object ids for `.filter(pk__in=…)`) or `scored_matches()` (every (object id, score) pair,
  unranked when the caller sorts by something else): the engine-specific SQL stays in this module.
- The conformance test (`tests/core/test_search.py`) runs the same corpus on both databases; typo cases
  are marked PostgreSQL-only.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import snowballstemmer
from django.db import connection, transaction
from django.db.models.expressions import RawSQL

from maillage.core.models import Territory
from maillage.core.search_models import SearchDocument

FTS_TABLE = "core_search_fts"
TYPO_MIN_LENGTH = 4
MAX_QUERY_WORDS = 12

# Common French words that carry no meaning for search (written without accents: text is unaccented first).
STOP_WORDS = frozenset(
    [
        "au",
        "aux",
        "avec",
        "ce",
        "ces",
        "cet",
        "cette",
        "dans",
        "de",
        "des",
        "du",
        "elle",
        "elles",
        "en",
        "et",
        "eux",
        "il",
        "ils",
        "je",
        "la",
        "le",
        "les",
        "leur",
        "leurs",
        "lui",
        "ma",
        "mais",
        "me",
        "meme",
        "mes",
        "moi",
        "mon",
        "ne",
        "ni",
        "nos",
        "notre",
        "nous",
        "on",
        "ou",
        "par",
        "pas",
        "pour",
        "qu",
        "que",
        "qui",
        "sa",
        "se",
        "ses",
        "son",
        "sur",
        "ta",
        "te",
        "tes",
        "toi",
        "ton",
        "tu",
        "un",
        "une",
        "vos",
        "votre",
        "vous",
        "est",
        "sont",
        "etre",
        "ete",
        "ont",
        "avait",
        "chez",
        "lors",
        "via",
        "ainsi",
        "donc",
        "car",
        "comme",
        "plus",
        "tres",
        "tout",
        "tous",
        "toute",
        "toutes",
    ]
)

_WORD = re.compile(r"[a-z0-9]+")


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    return snowballstemmer.stemmer("french")


def unaccent(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return stripped.replace("œ", "oe").replace("æ", "ae").replace("ß", "ss")


def words_of(text: str) -> list[str]:
    """Unaccented lowercase words of a text, without stop words and one-letter words."""
    return [w for w in _WORD.findall(unaccent(text)) if len(w) > 1 and w not in STOP_WORDS]


def _singular(word: str) -> str:
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    if len(word) > 3 and word.endswith(("eux", "aux")):
        return word[:-1]
    return word


@lru_cache(maxsize=20_000)
def stem(word: str) -> str:
    """French Snowball stem of an unaccented word (singularised first, so plural and singular agree)."""
    if word.isdigit():
        return word
    return _stemmer().stemWord(_singular(word))


def normalise(*texts: str) -> str:
    """The `search_text` of some texts: each word, followed by its stem when it differs."""
    terms: list[str] = []
    for text in texts:
        for word in words_of(text or ""):
            terms.append(word)
            stemmed = stem(word)
            if stemmed != word:
                terms.append(stemmed)
    return " ".join(terms)


def prefixes(word: str) -> list[str]:
    """The prefixes a query word matches: the word and its stem, or only the shorter one when it is a prefix
    of the other (« ressourcer » covers « ressourcerie »: one index lookup instead of two, same matches)."""
    stemmed = stem(word)
    if word.startswith(stemmed):
        return [stemmed]
    if stemmed.startswith(word):
        return [word]
    return sorted({word, stemmed})


def query_words(query: str) -> list[str]:
    seen: list[str] = []
    for word in words_of(query or ""):
        if word not in seen:
            seen.append(word)
    return seen[:MAX_QUERY_WORDS]


# -- writes -------------------------------------------------------------------------------------------


@transaction.atomic
def index_document(
    *,
    territory: Territory,
    kind: str,
    object_id: int,
    title: str,
    body: str | Iterable[str] = "",
    facets: Mapping[str, Any] | None = None,
    is_public: bool = True,
) -> SearchDocument:
    """Create or replace the search document of one object (call it from the service that wrote it)."""
    parts = [body] if isinstance(body, str) else list(body)
    document, _ = SearchDocument.objects.update_or_create(
        territory=territory,
        kind=kind,
        object_id=object_id,
        defaults={
            "title": title[:300],
            "search_text": normalise(title, title, *parts),
            "facets": dict(facets or {}),
            "is_public": is_public,
        },
    )
    return document


@transaction.atomic
def remove_document(*, kind: str, object_id: int, territory: Territory | None = None) -> int:
    """Remove an object from the index (from every territory unless one is given). Returns the count."""
    documents = SearchDocument.objects.filter(kind=kind, object_id=object_id)
    if territory is not None:
        documents = documents.filter(territory=territory)
    deleted, _ = documents.delete()
    return deleted


# -- reads --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchHit:
    kind: str
    object_id: int
    title: str
    rank: float
    facets: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SearchResults:
    hits: list[SearchHit]
    total: int
    query: str

    def ids(self, kind: str) -> list[int]:
        return [hit.object_id for hit in self.hits if hit.kind == kind]

    def __iter__(self) -> Iterator[SearchHit]:
        return iter(self.hits)

    def __len__(self) -> int:
        return len(self.hits)


def search(
    territory: Territory,
    query: str,
    *,
    kinds: Sequence[str] | None = None,
    facets: Mapping[str, Any] | None = None,
    public_only: bool = True,
    limit: int = 20,
    offset: int = 0,
) -> SearchResults:
    """Documents of `territory` matching every word of `query`, best first."""
    words = query_words(query)
    if not words:
        return SearchResults(hits=[], total=0, query=query)
    candidates = SearchDocument.objects.filter(territory=territory)
    if kinds:
        candidates = candidates.filter(kind__in=list(kinds))
    if public_only:
        candidates = candidates.filter(is_public=True)
    for key, value in (facets or {}).items():
        if not re.fullmatch(r"[a-z_][a-z0-9_]*", key):
            raise ValueError(f"Facette invalide : {key}")
        candidates = candidates.filter(**{f"facets__{key}": value})
    subquery, sub_params = candidates.values("id").query.sql_with_params()
    limit, offset = max(0, min(int(limit), 200)), max(0, int(offset))
    if connection.vendor == "postgresql":
        rows, total = _search_postgresql(words, subquery, list(sub_params), limit, offset)
    elif connection.vendor == "sqlite":
        rows, total = _search_sqlite(words, subquery, list(sub_params), limit, offset)
    else:  # pragma: no cover
        raise NotImplementedError(connection.vendor)
    documents = SearchDocument.objects.in_bulk([row[0] for row in rows])
    hits = [
        SearchHit(
            kind=documents[pk].kind,
            object_id=documents[pk].object_id,
            title=documents[pk].title,
            rank=float(rank),
            facets=documents[pk].facets,
        )
        for pk, rank in rows
        if pk in documents
    ]
    return SearchResults(hits=hits, total=total, query=query)


def _fts5_expression(words: list[str]) -> str:
    clauses = []
    for word in words:
        terms = prefixes(word)
        clauses.append("(" + " OR ".join(f'"{t}"*' for t in sorted(terms)) + ")")
    return " AND ".join(clauses)


def _search_sqlite(
    words: list[str], subquery: str, params: list[Any], limit: int, offset: int
) -> tuple[list[tuple[int, float]], int]:
    match = _fts5_expression(words)
    # « +rowid »: the filter must not reach FTS5 as a rowid constraint. Without the « + », SQLite hands every
    # candidate id of the subquery to FTS5, which runs the whole MATCH again for each one (20,000
    # documents: minutes); with it, the MATCH runs once and each match is checked against the subquery.
    where = f"{FTS_TABLE} MATCH %s AND +{FTS_TABLE}.rowid IN ({subquery})"
    with connection.cursor() as cursor:
        cursor.execute(  # the total in the same pass (a window over every match, before the limit)
            f"SELECT id, score, COUNT(*) OVER () FROM (SELECT {FTS_TABLE}.rowid AS id, "  # noqa: S608
            f"-bm25({FTS_TABLE}) AS score FROM {FTS_TABLE} WHERE {where}) "
            "ORDER BY score DESC, id LIMIT %s OFFSET %s",
            [match, *params, limit, offset],
        )
        found = cursor.fetchall()
        if not found and offset:  # past the last page: the total alone
            cursor.execute(f"SELECT COUNT(*) FROM {FTS_TABLE} WHERE {where}", [match, *params])  # noqa: S608
            return [], int(cursor.fetchone()[0])
    return [(int(pk), float(score)) for pk, score, _ in found], int(found[0][2]) if found else 0


PG_VECTOR = "d.search_vector"  # to_tsvector('simple', search_text), stored (migration core 0003)


def _search_postgresql(
    words: list[str], subquery: str, params: list[Any], limit: int, offset: int
) -> tuple[list[tuple[int, float]], int]:
    rows, total = _run_postgresql(words, subquery, params, limit, offset, typos=False)
    if total == 0 and any(len(word) >= TYPO_MIN_LENGTH for word in words):
        rows, total = _run_postgresql(words, subquery, params, limit, offset, typos=True)
    return rows, total


def _run_postgresql(
    words: list[str], subquery: str, params: list[Any], limit: int, offset: int, *, typos: bool
) -> tuple[list[tuple[int, float]], int]:
    clauses: list[str] = []
    clause_params: list[Any] = []
    rank_parts: list[str] = []
    rank_params: list[Any] = []
    for word in words:
        tsquery = " | ".join(f"{t}:*" for t in prefixes(word))
        if typos and len(word) >= TYPO_MIN_LENGTH:
            clauses.append(f"({PG_VECTOR} @@ to_tsquery('simple'::regconfig, %s) OR d.search_text %%> %s)")
            clause_params += [tsquery, word]
            rank_parts.append("word_similarity(%s, d.search_text)")
            rank_params.append(word)
        else:
            clauses.append(f"{PG_VECTOR} @@ to_tsquery('simple'::regconfig, %s)")
            clause_params.append(tsquery)
    all_terms = " | ".join(f"{t}:*" for w in words for t in prefixes(w))
    rank = f"ts_rank({PG_VECTOR}, to_tsquery('simple'::regconfig, %s))"
    if rank_parts:
        rank += " + 0.1 * (" + " + ".join(rank_parts) + ")"
    where = " AND ".join(clauses) + f" AND d.id IN ({subquery})"
    from_ = f"FROM {SearchDocument._meta.db_table} d"
    with connection.cursor() as cursor:
        # The total in the same pass (a window over every match, before the limit). The score is computed in
        # a subquery kept apart (« OFFSET 0 »): otherwise the window buffers each match's whole row, tsvector
        # included, and spills it to disk (20,000 matches: 64 ms -> 30 ms).
        cursor.execute(
            f"SELECT id, score, COUNT(*) OVER () FROM (SELECT d.id, {rank} AS score {from_} "  # noqa: S608
            f"WHERE {where} OFFSET 0) AS matches ORDER BY score DESC, id LIMIT %s OFFSET %s",
            [all_terms, *rank_params, *clause_params, *params, limit, offset],
        )
        found = cursor.fetchall()
        if not found and offset:  # past the last page: the total alone
            cursor.execute(f"SELECT COUNT(*) {from_} WHERE {where}", [*clause_params, *params])  # noqa: S608
            return [], int(cursor.fetchone()[0])
    return [(int(pk), float(score)) for pk, score, _ in found], int(found[0][2]) if found else 0


# -- matches as SQL or as (object id, score) pairs, for callers that filter and sort themselves ----------


def _match_clauses(words: list[str], *, typos: bool) -> tuple[str, list[Any]]:
    """WHERE clauses on `d` (core_searchdocument) matching every word, for the current engine."""
    if connection.vendor == "sqlite":
        sql = f"d.id IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s)"  # noqa: S608
        return sql, [_fts5_expression(words)]
    clauses, params = [], []
    for word in words:
        tsquery = " | ".join(f"{t}:*" for t in prefixes(word))
        if typos and len(word) >= TYPO_MIN_LENGTH:
            clauses.append(f"({PG_VECTOR} @@ to_tsquery('simple'::regconfig, %s) OR d.search_text %%> %s)")
            params += [tsquery, word]
        else:
            clauses.append(f"{PG_VECTOR} @@ to_tsquery('simple'::regconfig, %s)")
            params.append(tsquery)
    return " AND ".join(clauses), params


def matching_ids(territory: Territory, query: str, *, kind: str) -> RawSQL | None:
    """The object ids of `kind` in `territory` whose public document matches `query`, as a subquery for
    `.filter(pk__in=…)` (None: the query has no word). Typo tolerance as `search()`: PostgreSQL only, when the
    strict query finds nothing."""
    words = query_words(query)
    if not words:
        return None
    table = SearchDocument._meta.db_table
    typos = False
    if connection.vendor == "postgresql" and any(len(w) >= TYPO_MIN_LENGTH for w in words):
        where, params = _match_clauses(words, typos=False)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT 1 FROM {table} d WHERE d.territory_id = %s AND d.kind = %s AND d.is_public "  # noqa: S608
                f"AND {where} LIMIT 1",
                [territory.pk, kind, *params],
            )
            typos = cursor.fetchone() is None
    where, params = _match_clauses(words, typos=typos)
    return RawSQL(  # noqa: S611 (words are [a-z0-9]+ from query_words; values are parameters)
        f"SELECT d.object_id FROM {table} d WHERE d.territory_id = %s AND d.kind = %s "  # noqa: S608
        f"AND d.is_public AND {where}",
        (territory.pk, kind, *params),
    )


def scored_matches(
    territory: Territory, query: str, *, kind: str, ranked: bool = True
) -> list[tuple[int, float]]:
    """Every (object id, score) of `kind` in `territory` whose public document matches `query`, higher scores
    first in relevance (bm25 / ts_rank, plus trigram similarity for typos); unordered.

    Ranking costs more than matching (it reads every match's terms): with `ranked=False` every score is 0."""
    words = query_words(query)
    if not words:
        return []
    table = SearchDocument._meta.db_table
    where = "d.territory_id = %s AND d.kind = %s AND d.is_public"
    if connection.vendor == "sqlite":
        score = f"-bm25({FTS_TABLE})" if ranked else "0.0"
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT d.object_id, {score} FROM {FTS_TABLE} JOIN {table} d ON d.id = {FTS_TABLE}.rowid "  # noqa: S608
                f"WHERE {FTS_TABLE} MATCH %s AND {where}",
                [_fts5_expression(words), territory.pk, kind],
            )
            return cursor.fetchall()
    all_terms = " | ".join(f"{t}:*" for w in words for t in prefixes(w))
    rank = (
        f"ts_rank({PG_VECTOR}, to_tsquery('simple'::regconfig, %s))" if ranked else "0.0 * length(%s::text)"
    )
    with connection.cursor() as cursor:
        clauses, params = _match_clauses(words, typos=False)
        cursor.execute(
            f"SELECT d.object_id, {rank} FROM {table} d WHERE {where} AND {clauses}",  # noqa: S608
            [all_terms, territory.pk, kind, *params],
        )
        rows = cursor.fetchall()
        if rows or not any(len(w) >= TYPO_MIN_LENGTH for w in words):
            return rows
        clauses, params = _match_clauses(words, typos=True)  # nothing found: tolerate typos
        similarity = "0.1 * word_similarity(%s, d.search_text)" if ranked else "0.0 * length(%s::text)"
        cursor.execute(
            f"SELECT d.object_id, {rank} + {similarity} "  # noqa: S608
            f"FROM {table} d WHERE {where} AND {clauses}",
            [all_terms, " ".join(words), territory.pk, kind, *params],
        )
        return cursor.fetchall()


# -- matches of chosen terms (callers that correct query words themselves, e.g. against a vocabulary) -----


def sort_key(text: str) -> str:
    """A name as a sort key that both databases order alike whatever their collation: unaccented, lowercase,
    letters and digits only (« L'Atelier du Vélo » → « latelierduvelo »)."""
    return "".join(_WORD.findall(unaccent(text)))[:250]


def terms_subquery(territory: Territory, groups: Sequence[Sequence[str]], *, kind: str) -> RawSQL:
    """The object ids of `kind` in `territory` whose public document holds, for every group, a term starting
    with one of the group's prefixes (groups ANDed, prefixes ORed): the query semantics of `matching_ids()`
    with prefixes the caller chose. Prefixes must be `[a-z0-9]+` (as `words_of()` and `normalise()` write)."""
    clean = [[p for p in group if _WORD.fullmatch(p)] for group in groups]
    clean = [group for group in clean if group]
    table = SearchDocument._meta.db_table
    base = f"SELECT d.object_id FROM {table} d WHERE d.territory_id = %s AND d.kind = %s AND d.is_public"  # noqa: S608
    if not clean:
        return RawSQL(base + " AND 1 = 0", (territory.pk, kind))  # noqa: S611
    if connection.vendor == "sqlite":
        expression = " AND ".join("(" + " OR ".join(f'"{t}"*' for t in sorted(g)) + ")" for g in clean)
        where, params = f"d.id IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s)", [expression]  # noqa: S608
    else:
        where = " AND ".join([f"{PG_VECTOR} @@ to_tsquery('simple'::regconfig, %s)"] * len(clean))
        params = [" | ".join(f"{t}:*" for t in sorted(g)) for g in clean]
    return RawSQL(f"{base} AND {where}", (territory.pk, kind, *params))  # noqa: S611


# -- maintenance (the index schema itself is in migration core 0002) -----------------------------


def rebuild_sqlite_index() -> None:
    """Rebuild the FTS5 table from `core_searchdocument` (SQLite only; e.g. after a restore)."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")  # noqa: S608
