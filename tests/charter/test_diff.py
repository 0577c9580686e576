"""The readable diff between two versions: article by article, words added and removed."""

from __future__ import annotations

import pytest

from maillage.charter import services
from maillage.charter.diff import word_diff
from tests.charter.factories import adopted_version

pytestmark = pytest.mark.django_db


def test_word_diff_counts_words_added_and_removed():
    segments, added, removed = word_diff(
        "Nous coopérons entre acteurs.", "Nous coopérons avec tous les acteurs."
    )
    assert (added, removed) == (3, 1)
    assert [s.kind for s in segments if s.kind != "same"] == ["removed", "added"]
    assert "".join(s.text for s in segments if s.kind != "removed") == "Nous coopérons avec tous les acteurs."


def test_punctuation_is_its_own_token_and_apostrophes_stay_inside_words():
    segments, added, removed = word_diff("nos locaux et l'ESS", "nos locaux, nos outils et l'ESS")
    assert (added, removed) == (2, 0)
    assert [(s.kind, s.text) for s in segments] == [
        ("same", "nos locaux"),
        ("added", ", nos outils"),
        ("same", " et l'ESS"),
    ]


def test_identical_texts_have_no_change():
    segments, added, removed = word_diff("Un texte.", "Un texte.")
    assert (added, removed) == (0, 0) and [s.kind for s in segments] == ["same"]


def test_the_diff_page_pairs_articles_and_marks_changes_without_colour_only(client, territory, animator):
    adopted_version(
        territory, articles=(("Coopérer", "Nous coopérons entre acteurs."), ("Retiré", "Texte ancien."))
    )
    v2 = services.create_version(actor=animator, territory=territory)
    first, second = v2.articles.all()
    services.save_article(
        actor=animator,
        version=v2,
        article=first,
        title="Coopérer",
        body="Nous coopérons avec tous les acteurs.",
    )
    services.delete_article(actor=animator, article=second)
    services.save_article(actor=animator, version=v2, title="Nouveau", body="Un principe neuf.")
    services.transition_version(actor=animator, version=v2, to_status="open")
    page = client.get("/charte/comparer/?de=1&a=2").content.decode()
    assert '<ins><span class="visually-hidden">[ajouté : </span>avec tous les' in page
    assert '<del><span class="visually-hidden">[supprimé : </span>entre' in page
    assert "nouvel article" in page and "article supprimé" in page
    assert "6 mots ajoutés" in page  # 3 in article 1, 3 in the new article


@pytest.mark.parametrize("query", ["?de=1&a=9", "?de=abc&a=1", "?de=1&a=1"])
def test_the_diff_page_explains_a_bad_choice(client, territory, query):
    adopted_version(territory)
    adopted_version(territory, number=2, status="open")
    response = client.get(f"/charte/comparer/{query}")
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
