"""Search conformance: the same corpus and the same expectations on SQLite and on PostgreSQL.

Run on both: `pytest tests/core/test_search.py` (SQLite) and
`DATABASE_URL=postgres://postgres@127.0.0.1:5432/maillage_test pytest tests/core/test_search.py`.
Typo tolerance exists on PostgreSQL only (pg_trgm): those cases are marked and skipped on SQLite.
"""

from __future__ import annotations

import pytest
from django.db import connection

from maillage.core.models import SearchDocument
from maillage.core.search import index_document, normalise, query_words, remove_document, search, stem
from tests.factories import TerritoryFactory

CORPUS = {
    1: (
        "La Ressourcerie du Pays de Grasse",
        "Réemploi d'objets, collecte et revente solidaire, ateliers de réparation.",
    ),
    2: (
        "Jardin de cocagne des Préalpes",
        "Chantier d'insertion en maraîchage biologique ; paniers de légumes.",
    ),
    3: (
        "Coopérative Vélo Solidaire",
        "SCIC : atelier vélo, mobilité douce, réparation de cycles et emplois.",
    ),
    4: (
        "Épicerie sociale et solidaire de Peymeinade",
        "Aide alimentaire, épiceries itinérantes, économie circulaire.",
    ),
    5: (
        "Association Les Petits Débrouillards",
        "Éducation populaire aux sciences, activités pour les jeunes.",
    ),
    6: (
        "ESAT Les Oliviers",
        "Établissement et service d'aide par le travail : conditionnement, espaces verts.",
    ),
}
PG_ONLY = pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="tolérance aux fautes : PostgreSQL seulement"
)

CASES = [
    # (query, expected object ids (any order), note)
    pytest.param("ressourcerie", {1}, id="exact"),
    pytest.param("RESSOURCERIE", {1}, id="case"),
    pytest.param("ressour", {1}, id="prefix"),
    pytest.param("ressourceries", {1}, id="plural"),
    pytest.param("economie", {4}, id="accents-removed"),
    pytest.param("économie circulaire", {4}, id="two-words"),
    pytest.param("epicerie", {4}, id="accent-and-plural-in-text"),
    pytest.param("velo", {3}, id="velo"),
    pytest.param("vélos", {3}, id="plural-accented"),
    pytest.param("solidaire", {1, 3, 4}, id="several"),
    pytest.param("solidaires", {1, 3, 4}, id="stem"),
    pytest.param("réparation", {1, 3}, id="body"),
    pytest.param("reparer", {1, 3}, id="verb-to-noun-stem"),
    pytest.param("emploi", {3}, id="singular-to-plural"),
    pytest.param("activite", {5}, id="activite"),
    pytest.param("jardins", {2}, id="jardins"),
    pytest.param("insertion maraichage", {2}, id="and"),
    pytest.param("insertion vélo", set(), id="and-no-hit"),
    pytest.param("de la et", set(), id="stop-words-only"),
    pytest.param("", set(), id="empty"),
    pytest.param("l'économie", {4}, id="elision"),
    pytest.param("ESAT", {6}, id="acronym"),
    pytest.param("aide", {4, 6}, id="aide"),
    pytest.param('"ressourcerie"* (-:^', {1}, id="engine-syntax-is-plain-text"),
    pytest.param("resourcerie", {1}, id="typo-missing-letter", marks=PG_ONLY),
    pytest.param("ressourcrie", {1}, id="typo-second", marks=PG_ONLY),
    pytest.param("cooperativ solidaire", {3}, id="prefix-and-word"),
    pytest.param("débrouilards", {5}, id="typo-debrouillards", marks=PG_ONLY),
]


@pytest.fixture
def corpus(territory, other_territory):
    for pk, (title, body) in CORPUS.items():
        index_document(
            territory=territory,
            kind="structure",
            object_id=pk,
            title=title,
            body=body,
            facets={"family": "cooperative" if "Coopérative" in title else "association"},
        )
    # Another territory has a ressourcerie too: never found from the first.
    index_document(
        territory=other_territory, kind="structure", object_id=99, title="Ressourcerie de la vallée"
    )
    return territory


@pytest.mark.parametrize(("query", "expected"), CASES)
def test_conformance(corpus, query, expected):
    results = search(corpus, query)
    assert {hit.object_id for hit in results} == expected, results.hits
    assert results.total == len(expected)


@pytest.mark.parametrize(("query", "expected"), CASES)
def test_matches_as_subquery_and_scores_agree_with_search(corpus, query, expected):
    """The two entry points for callers that filter and sort themselves find what `search()` finds."""
    from maillage.core.models import Territory
    from maillage.core.search import matching_ids, scored_matches
    from maillage.core.search_models import SearchDocument

    kind_ids = {hit.object_id for hit in search(corpus, query, kinds=["structure"], limit=200)}
    subquery = matching_ids(corpus, query, kind="structure")
    if subquery is None:
        assert not kind_ids
        return
    found = set(
        SearchDocument.objects.filter(territory=corpus, kind="structure", object_id__in=subquery).values_list(
            "object_id", flat=True
        )
    )
    assert found == kind_ids
    scored = scored_matches(corpus, query, kind="structure")
    assert {object_id for object_id, _ in scored} == kind_ids
    assert {score for _, score in scored_matches(corpus, query, kind="structure", ranked=False)} <= {0.0}
    assert Territory.objects.exclude(pk=corpus.pk).exists()  # the other territory's documents stay out


def test_title_matches_rank_first(corpus):
    index_document(
        territory=corpus,
        kind="event",
        object_id=7,
        title="Portes ouvertes",
        body="Visite de la ressourcerie et de son atelier.",
    )
    results = search(corpus, "ressourcerie")
    assert [(h.kind, h.object_id) for h in results] == [("structure", 1), ("event", 7)]
    assert results.hits[0].rank > results.hits[1].rank


def test_filters(corpus):
    index_document(territory=corpus, kind="event", object_id=7, title="Atelier vélo", body="Réparation")
    assert {h.kind for h in search(corpus, "velo")} == {"structure", "event"}
    assert [h.kind for h in search(corpus, "velo", kinds=["event"])] == ["event"]
    assert [h.object_id for h in search(corpus, "solidaire", facets={"family": "cooperative"})] == [3]
    with pytest.raises(ValueError):
        search(corpus, "velo", facets={"x') or 1=1 --": "y"})


def test_pagination(corpus):
    first = search(corpus, "solidaire", limit=2)
    second = search(corpus, "solidaire", limit=2, offset=2)
    assert first.total == second.total == 3
    assert len(first) == 2 and len(second) == 1
    assert {h.object_id for h in [*first, *second]} == {1, 3, 4}


def test_reindex_replaces_and_remove_deletes(corpus):
    index_document(territory=corpus, kind="structure", object_id=1, title="La Recyclerie du Pays de Grasse")
    assert SearchDocument.objects.filter(kind="structure", object_id=1).count() == 1
    assert not search(corpus, "ressourcerie").hits
    assert [h.title for h in search(corpus, "recyclerie")] == ["La Recyclerie du Pays de Grasse"]
    assert remove_document(kind="structure", object_id=1) == 1
    assert not search(corpus, "recyclerie").hits


def test_private_documents_are_hidden_by_default(corpus):
    index_document(
        territory=corpus, kind="structure", object_id=8, title="Recyclerie en attente", is_public=False
    )
    assert not search(corpus, "recyclerie").hits
    assert [h.object_id for h in search(corpus, "recyclerie", public_only=False)] == [8]


def test_deleting_a_territory_empties_its_index(corpus, other_territory):
    other_territory.delete()
    assert not SearchDocument.objects.filter(object_id=99).exists()
    assert search(corpus, "ressourcerie").total == 1


def test_territories_are_isolated(corpus, other_territory):
    assert [h.object_id for h in search(other_territory, "ressourcerie")] == [99]
    lonely = TerritoryFactory(name="Territoire vide")
    assert not search(lonely, "ressourcerie").hits


def test_normalisation():
    assert query_words("L'Économie SOCIALE et solidaire !") == ["economie", "sociale", "solidaire"]
    assert stem("activites") == stem("activite") == stem("activité".replace("é", "e"))
    assert normalise("Vélos") == "velos velo"


@pytest.mark.skipif("connection.vendor != 'sqlite'")
def test_sqlite_uses_fts5(corpus):
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM core_search_fts WHERE core_search_fts MATCH 'ressourcer*'")
        assert cursor.fetchone()[0] == 2


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_postgresql_indexes_exist(corpus):
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'core_searchdocument'")
        names = {row[0] for row in cursor.fetchall()}
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        assert cursor.fetchone()
    assert {"core_searchdoc_vector", "core_searchdoc_trgm"} <= names
    with connection.cursor() as cursor:  # the stored tsvector follows the text (a generated column)
        cursor.execute(
            "SELECT search_vector = to_tsvector('simple'::regconfig, search_text) FROM core_searchdocument"
        )
        assert {row[0] for row in cursor.fetchall()} == {True}
