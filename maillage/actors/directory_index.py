"""The directory's in-memory facet index: one set of columns per territory, rebuilt when a structure changes.

Why: a search of the directory shows the first page of results *and* the count of every facet value, each
facet counted with every other filter applied (disjunctive facets). With 200,000 structures, seven
``GROUP BY`` over the filtered table cost seconds on SQLite and hundreds of milliseconds on PostgreSQL,
whatever the indexes. Search engines (Meilisearch, Elasticsearch) keep one bitmap per facet value instead;
we do the same with NumPy: for each published structure of a territory, in name order, a small integer per
single-valued facet (family, inclusion kind, workforce band, commune), a boolean per sector and for ESUS, and
its coordinates. A filter is a boolean mask; a facet count is a ``bincount`` or a ``count_nonzero`` of masks
ANDed together; the page sorted by name is the first set positions; by distance, a partial sort of a vector.
All of it takes a few milliseconds at 200,000 structures. The full text too: the index holds the structures'
search texts as an inverted index (`TermIndex`: for each term, the positions of the structures holding it),
so a query word's matches are the union of the postings of the terms it prefixes, and BM25 is computed with
NumPy over every structure at once (a first search for a word found in a third of 200,000 structures takes
a few milliseconds, where the database's bm25 / ts_rank over those matches took 250 ms to 1 s).

Freshness: every service that writes a structure calls `directory.bump_version()` (now and after commit);
each process compares the territory's version in the shared cache with the one its index was built from.
On a mismatch, an index of up to `SYNC_REBUILD_MAX` structures is rebuilt before answering (three queries;
a few milliseconds for a real territory, so a person sees their own change at once); a larger one keeps
answering while a thread rebuilds it (about four seconds at 200,000 structures, the term index included).
A query's matches are kept in a small per-process LRU, which lives and dies with the index, so paging or
ticking facets does not compute them again.

Badges brought by other modules (the charter's signatories…) are read from the registry at each search:
they are small lists of ids.
"""

from __future__ import annotations

import bisect
import gc
import itertools
import logging
import math
import threading
import time
import uuid
from array import array
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.core.cache import cache
from django.db import connection, transaction

from maillage.actors import taxonomy
from maillage.actors.models import Structure, StructureSector
from maillage.core.models import Territory
from maillage.core.search_models import SearchDocument

TEXT_CACHE_SIZE = 128
SEARCH_KIND = "structure"  # the kind of the structures' documents in core.SearchDocument
FETCH_CHUNK = 5_000
logger = logging.getLogger(__name__)


def version_key(territory_id: int) -> str:
    return f"actors:directory-version:{territory_id}"


def current_version(territory_id: int) -> str:
    """The territory's directory version in the shared cache (a new one when the cache lost it)."""
    key = version_key(territory_id)
    version = cache.get(key)
    if version is None:
        cache.add(key, uuid.uuid4().hex, timeout=None)
        version = cache.get(key) or "lost"
    return str(version)


def bump_version(territory_id: int) -> None:
    cache.set(version_key(territory_id), uuid.uuid4().hex, timeout=None)


def structures_changed(territory_id: int) -> None:
    """A write of structures outside `services.index_structure()` (the geocoder's positions…): the index is
    stale now and, for a search that would rebuild it before the commit, again after the commit."""
    bump_version(territory_id)
    transaction.on_commit(lambda: bump_version(territory_id))


@dataclass
class Codes:
    """A single-valued facet: the code of each structure (0 = none) and the values in code order."""

    values: list[Any]
    codes: np.ndarray
    lookup: dict[Any, int] = field(init=False)

    def __post_init__(self) -> None:
        self.lookup = {value: i + 1 for i, value in enumerate(self.values)}

    @classmethod
    def of(cls, values: list[Any], column: tuple[Any, ...], dtype: Any) -> Codes:
        codes = cls(values, np.zeros(0, dtype=dtype))
        lookup = codes.lookup.get
        codes.codes = np.fromiter((lookup(v, 0) for v in column), dtype=dtype, count=len(column))
        return codes

    def mask(self, selected: list[Any]) -> np.ndarray:
        wanted = np.zeros(len(self.values) + 1, dtype=bool)  # a lookup table by code (faster than isin)
        wanted[[self.lookup[v] for v in selected if v in self.lookup]] = True
        return wanted[self.codes]

    def counts(self, mask: np.ndarray) -> dict[Any, int]:
        # codes × mask puts every structure outside the mask in bucket 0 (« none »), which is not reported;
        # twice as fast as selecting with the mask first.
        tally = np.bincount(self.codes * mask, minlength=len(self.values) + 1)
        return {value: int(tally[i + 1]) for i, value in enumerate(self.values) if tally[i + 1]}


BM25_K1 = 1.2
BM25_B = 0.75


@dataclass
class TermIndex:
    """The structures' search texts as an inverted index: for each term (word or stem, as `core.search`
    writes them), the positions of the structures holding it, once per occurrence. A query word matches the
    terms that start with the word or its stem, as in the database's full-text index, so both find the same
    structures; the score is the BM25 of SQLite's FTS5 (k1 = 1.2, b = 0.75, one « phrase » per query word),
    computed with NumPy over every structure at once."""

    vocabulary: list[str]  # sorted
    postings: dict[str, array]  # term -> positions (array('i')), repeated by term frequency
    lengths: np.ndarray  # terms per structure

    def _occurrences(self, prefixes: list[str]) -> np.ndarray:
        parts = []
        for prefix in prefixes:
            start = bisect.bisect_left(self.vocabulary, prefix)
            for term in itertools.islice(self.vocabulary, start, None):
                if not term.startswith(prefix):
                    break
                parts.append(np.frombuffer(self.postings[term], dtype=np.int32))
        return np.concatenate(parts) if parts else np.empty(0, dtype=np.int32)

    def search(self, words: list[list[str]]) -> tuple[np.ndarray, np.ndarray]:
        """(positions, scores) of the structures matching every word (each word: its prefixes)."""
        size = self.lengths.size
        if not words or not size:
            return np.empty(0, dtype=np.int64), np.empty(0)
        average = float(self.lengths.mean()) or 1.0
        norm = BM25_K1 * (1 - BM25_B + BM25_B * self.lengths / average)
        matching = np.ones(size, dtype=bool)
        scores = np.zeros(size)
        for prefixes in words:
            tf = np.bincount(self._occurrences(prefixes), minlength=size)
            hit = tf > 0
            matching &= hit
            hits = int(np.count_nonzero(hit))
            if not hits:
                return np.empty(0, dtype=np.int64), np.empty(0)
            idf = math.log((size - hits + 0.5) / (hits + 0.5))
            idf = idf if idf > 0 else 1e-6  # as FTS5 does for very common terms
            scores += idf * tf * (BM25_K1 + 1) / (tf + norm)
        positions = np.flatnonzero(matching)
        return positions, scores[positions]


@dataclass
class DirectoryIndex:
    territory_id: int
    version: str
    pks: np.ndarray  # structure ids, in (name, id) order: position i is the i-th structure by name
    family: Codes
    inclusion: Codes
    workforce: Codes
    commune: Codes  # commune ids
    esus: np.ndarray
    sectors: dict[str, np.ndarray]
    latitude: np.ndarray  # NaN when the structure is not located
    longitude: np.ndarray
    terms: TermIndex | None = None
    build_seconds: float = 0.0
    _sorted_pks: np.ndarray = field(init=False, repr=False)
    _order: np.ndarray = field(init=False, repr=False)
    _text: OrderedDict[tuple[Any, ...], tuple[np.ndarray, np.ndarray]] = field(
        init=False, repr=False, default_factory=OrderedDict
    )
    _text_lock: threading.Lock = field(init=False, repr=False, default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self._order = np.argsort(self.pks, kind="stable")
        self._sorted_pks = self.pks[self._order]

    @property
    def size(self) -> int:
        return int(self.pks.size)

    def everything(self) -> np.ndarray:
        return np.ones(self.size, dtype=bool)

    def positions_of(self, ids: Any) -> np.ndarray:
        """Positions of the given structure ids (ids that are not in the index are dropped)."""
        wanted = np.asarray(list(ids) if not isinstance(ids, np.ndarray) else ids, dtype=np.int64)
        if not wanted.size or not self.size:
            return np.empty(0, dtype=np.int64)
        found = np.searchsorted(self._sorted_pks, wanted)
        found = np.clip(found, 0, self.size - 1)
        hit = self._sorted_pks[found] == wanted
        return self._order[found[hit]]

    def mask_of(self, ids: Any) -> np.ndarray:
        mask = np.zeros(self.size, dtype=bool)
        mask[self.positions_of(ids)] = True
        return mask

    def clear_text_cache(self) -> None:
        with self._text_lock:
            self._text.clear()

    def positions_with_scores(self, rows: list[tuple[int, float]]) -> tuple[np.ndarray, np.ndarray]:
        """[(structure id, score)] as (positions, scores), dropping the ids that are not in the index."""
        ids = np.fromiter((row[0] for row in rows), dtype=np.int64, count=len(rows))
        scores = np.fromiter((row[1] for row in rows), dtype=np.float64, count=len(rows))
        found = np.clip(np.searchsorted(self._sorted_pks, ids), 0, max(0, self.size - 1))
        hit = self._sorted_pks[found] == ids if self.size else np.zeros(ids.size, dtype=bool)
        return self._order[found[hit]], scores[hit]

    def text_matches(self, key: tuple[Any, ...], fetch: Any) -> tuple[np.ndarray, np.ndarray]:
        """(positions, scores) of a text query, from the LRU or from `fetch()`."""
        with self._text_lock:  # threads of one process (gthread workers) share the index
            cached = self._text.get(key)
            if cached is not None:
                self._text.move_to_end(key)
                return cached
        result = fetch()
        with self._text_lock:
            self._text[key] = result
            while len(self._text) > TEXT_CACHE_SIZE:
                self._text.popitem(last=False)
        return result


def build(territory: Territory) -> DirectoryIndex:
    """Read the territory's published structures into columns (three queries)."""
    # Hundreds of thousands of short-lived tuples would trigger the cyclic garbage collector again and
    # again over every object of the process (it made a rebuild 1.7× slower in a busy process); they hold
    # no cycles.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _build(territory)
    finally:
        if collecting:
            gc.enable()


def _build(territory: Territory) -> DirectoryIndex:
    started = time.perf_counter()
    version = current_version(territory.pk)
    communes = list(territory.communes.order_by("pk").values_list("pk", flat=True))
    families = list(Structure.Family.values)
    kinds = list(taxonomy.INCLUSION_KINDS)
    bands = list(taxonomy.WORKFORCE_BANDS)
    published = Structure.objects.published(territory)  # what the public directory may show
    # The name order alone comes from the (territory, status, name) index, which covers it; the columns are
    # read unsorted (sorting whole rows by name costs twice as much on SQLite). A structure published
    # between the two reads is left out until the next rebuild, which its write has asked for.
    in_name_order = np.fromiter(
        (row[0] for row in _fetch(published.order_by("name", "pk").values_list("pk"))), dtype=np.int64
    )
    rows = _fetch(
        published.order_by().values_list(
            "pk", "family", "inclusion_kind", "workforce_band", "commune_id", "esus", "latitude", "longitude"
        )
    )
    row_ids = np.fromiter((row[0] for row in rows), dtype=np.int64, count=len(rows))
    by_id = np.argsort(row_ids, kind="stable")
    found = np.clip(np.searchsorted(row_ids[by_id], in_name_order), 0, max(0, row_ids.size - 1))
    present = row_ids[by_id][found] == in_name_order if row_ids.size else np.zeros(0, dtype=bool)
    take = by_id[found[present]]  # the row of each structure, in name order
    rows = [rows[i] for i in take]
    n = len(rows)
    columns = list(zip(*rows, strict=True)) if rows else [()] * 8
    pks = np.fromiter(columns[0], dtype=np.int64, count=n)

    latitude = np.fromiter((np.nan if v is None else v for v in columns[6]), dtype=np.float64, count=n)
    longitude = np.fromiter((np.nan if v is None else v for v in columns[7]), dtype=np.float64, count=n)
    index = DirectoryIndex(
        territory_id=territory.pk,
        version=version,
        pks=pks,
        family=Codes.of(families, columns[1], np.int8),
        inclusion=Codes.of(kinds, columns[2], np.int8),
        workforce=Codes.of(bands, columns[3], np.int8),
        commune=Codes.of(communes, columns[4], np.int16),
        esus=np.fromiter((bool(v) for v in columns[5]), dtype=bool, count=n),
        sectors={},
        latitude=latitude,
        longitude=longitude,
    )
    pairs = StructureSector.objects.filter(structure__in=published.values("pk")).values_list(
        "sector", "structure_id"
    )
    by_sector: dict[str, list[int]] = {}
    for sector, structure_id in _fetch(pairs):
        by_sector.setdefault(sector, []).append(structure_id)
    index.sectors = {key: index.mask_of(ids) for key, ids in by_sector.items() if key in taxonomy.SECTORS}
    index.terms = _build_terms(index, territory)
    index.build_seconds = time.perf_counter() - started
    return index


def _build_terms(index: DirectoryIndex, territory: Territory) -> TermIndex:
    documents = (
        SearchDocument.objects.filter(territory=territory, kind=SEARCH_KIND, is_public=True)
        .order_by()
        .values_list("object_id", "search_text")
    )
    postings: dict[str, array] = {}
    lengths = np.zeros(index.size, dtype=np.int32)
    for chunk in _chunks(documents):  # streamed: the texts of 200,000 structures weigh tens of MB
        ids = np.fromiter((row[0] for row in chunk), dtype=np.int64, count=len(chunk))
        found = np.clip(np.searchsorted(index._sorted_pks, ids), 0, max(0, index.size - 1))
        present = index._sorted_pks[found] == ids if index.size else np.zeros(ids.size, dtype=bool)
        positions = np.where(present, index._order[found] if index.size else 0, -1)
        for position, (_, text) in zip(positions.tolist(), chunk, strict=True):
            if position < 0:
                continue  # a document of a structure that is not (or no longer) published
            terms = text.split()
            lengths[position] = len(terms)
            for term in terms:
                bucket = postings.get(term)
                if bucket is None:
                    postings[term] = bucket = array("i")
                bucket.append(position)
        time.sleep(0)  # in a rebuild thread, let the request threads of the process run
    return TermIndex(vocabulary=sorted(postings), postings=postings, lengths=lengths)


def _chunks(query: Any) -> Any:
    """The rows of a values_list() queryset as plain tuples, in chunks, without the ORM's per-row work (the
    SQL is the queryset's own; booleans come back as 0/1 on SQLite, which `bool()` reads)."""
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while chunk := cursor.fetchmany(FETCH_CHUNK):
            yield chunk
            time.sleep(0)  # in a rebuild thread, let the request threads of the process run in between


def _fetch(query: Any) -> list[tuple[Any, ...]]:
    rows: list[tuple[Any, ...]] = []
    for chunk in _chunks(query):
        rows += chunk
    return rows


_indexes: dict[int, DirectoryIndex] = {}
_lock = threading.Lock()
_rebuilding: dict[int, threading.Thread] = {}

# Up to this size a stale index is rebuilt before answering (≈ 0.1 s at 20,000 structures), so that a person
# sees their own change at once. A larger index keeps answering while one thread rebuilds it (≈ 4 s at
# 200,000): its searches are a write or two behind for those seconds.
SYNC_REBUILD_MAX = 20_000


def get(territory: Territory) -> DirectoryIndex:
    """The territory's index, rebuilt when a structure changed since it was built (per process)."""
    version = current_version(territory.pk)
    index = _indexes.get(territory.pk)
    if index is not None and index.version == version:
        return index
    if index is not None and index.size > SYNC_REBUILD_MAX:
        _rebuild_in_background(territory)
        return index
    with _lock:  # one rebuild per process at a time (gthread workers share the index)
        index = _indexes.get(territory.pk)
        if index is None or index.version != current_version(territory.pk):
            index = build(territory)
            _indexes[territory.pk] = index
    return index


def _rebuild_in_background(territory: Territory) -> threading.Thread:
    with _lock:
        running = _rebuilding.get(territory.pk)
        if running is not None and running.is_alive():
            return running
        thread = threading.Thread(
            target=_rebuild, args=(territory,), name=f"directory-index-{territory.pk}", daemon=True
        )
        _rebuilding[territory.pk] = thread
        thread.start()
        return thread


def _rebuild(territory: Territory) -> None:
    try:
        index = build(territory)
        with _lock:
            _indexes[territory.pk] = index
    except Exception:  # the old index keeps answering; the next search tries again
        logger.exception("Rebuilding the directory index of territory %s failed", territory.pk)
    finally:
        connection.close()  # this thread's own database connection


def wait_for_rebuilds(timeout: float = 60.0) -> None:
    """Wait until the background rebuilds of this process are over (tests, benchmarks)."""
    for thread in list(_rebuilding.values()):
        thread.join(timeout)


def forget() -> None:
    """Drop every index of this process (tests)."""
    _indexes.clear()
