"""The migrations that turn each specification's Markdown body into articles (calls 0002–0004): the cut at
the `#`/`##` headings, the comments moved to the article they quote (else the first), and the way back."""

from __future__ import annotations

import importlib

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.factories import TerritoryFactory, UserFactory

split = importlib.import_module("maillage.calls.migrations.0003_split_specifications_into_articles")

BEFORE = [("calls", "0001_initial")]
AFTER = [("calls", "0004_specification_articles_only")]

BODY = """# Cahier des charges de l'appel à projets 2026

## Pourquoi cet appel

Le contrat a prévu un appel annuel.

### Un détail

Il reste dans l'article.

## Calendrier

```
## pas un titre : du code
```
Dépôt en ligne.
"""


def test_a_body_is_cut_at_its_headings_and_a_title_without_text_makes_no_article():
    assert split.split_markdown(BODY) == [
        (
            "Pourquoi cet appel",
            "Le contrat a prévu un appel annuel.\n\n### Un détail\n\nIl reste dans l'article.",
        ),
        ("Calendrier", "```\n## pas un titre : du code\n```\nDépôt en ligne."),
    ]


def test_a_body_without_headings_becomes_one_article_and_comes_back_as_it_was():
    assert split.split_markdown("Un texte sans titre.\n\nDeux paragraphes.") == [
        ("Cahier des charges", "Un texte sans titre.\n\nDeux paragraphes.")
    ]
    assert split.join_articles([("Cahier des charges", "Un texte.")]) == "Un texte."
    # Text before the first heading is kept, under the default title.
    assert split.split_markdown("Intro.\n# Objet\nLe fonds.") == [
        ("Cahier des charges", "Intro."),
        ("Objet", "Le fonds."),
    ]
    # Only headings: nothing is lost, the whole body is one article.
    assert split.split_markdown("# Cahier des charges") == [("Cahier des charges", "# Cahier des charges")]


def test_a_comment_goes_to_the_article_it_quotes():
    titles = ["Pourquoi cet appel", "Calendrier", "Jury", "Âge"]
    assert split.pick_article("Sur le calendrier : deux semaines de plus ?", titles) == 1
    assert split.pick_article("Le jury devrait compter un élu.", titles) == 2
    assert split.pick_article("Quel âge minimum ?", titles) == 0  # « Âge » is too short to be sure
    assert split.pick_article("Bravo pour ce texte.", titles) == 0


@pytest.mark.django_db(transaction=True)
def test_the_migration_moves_bodies_and_comments_and_goes_back():
    territory = TerritoryFactory()
    author = UserFactory()
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    try:
        old = executor.loader.project_state(BEFORE).apps
        call = old.get_model("calls", "Call").objects.create(
            territory_id=territory.pk, year=2026, title="Appel"
        )
        specs = old.get_model("calls", "Specification").objects
        v1 = specs.create(call=call, number=1, status="adopted", body=BODY)
        v2 = specs.create(call=call, number=2, status="open", body="Un texte sans titre.")
        comments = old.get_model("calls", "SpecComment").objects
        on_calendar = comments.create(specification=v1, author_id=author.pk, body="Le calendrier est serré.")
        general = comments.create(specification=v1, author_id=author.pk, body="Bravo.")
        on_v2 = comments.create(specification=v2, body="D'accord.")

        executor = MigrationExecutor(connection)
        executor.migrate(AFTER)
        new = executor.loader.project_state(AFTER).apps
        articles = new.get_model("calls", "SpecArticle").objects
        assert list(articles.filter(version_id=v1.pk).values_list("position", "title")) == [
            (1, "Pourquoi cet appel"),
            (2, "Calendrier"),
        ]
        assert list(articles.filter(version_id=v2.pk).values_list("title", "body")) == [
            ("Cahier des charges", "Un texte sans titre.")
        ]
        moved = {
            c.pk: (c.article.version_id, c.article.title)
            for c in new.get_model("calls", "SpecComment").objects.all()
        }
        assert moved == {
            on_calendar.pk: (v1.pk, "Calendrier"),
            general.pk: (v1.pk, "Pourquoi cet appel"),
            on_v2.pk: (v2.pk, "Cahier des charges"),
        }

        executor = MigrationExecutor(connection)
        executor.migrate(BEFORE)  # back: bodies written again from the articles, comments on their version
        back = executor.loader.project_state(BEFORE).apps
        bodies = dict(back.get_model("calls", "Specification").objects.values_list("number", "body"))
        assert bodies[2] == "Un texte sans titre."
        assert bodies[1].startswith("## Pourquoi cet appel\n\nLe contrat a prévu")
        assert "## Calendrier\n\n```\n## pas un titre" in bodies[1]
        back_comments = back.get_model("calls", "SpecComment").objects
        assert dict(back_comments.values_list("pk", "specification_id")) == {
            on_calendar.pk: v1.pk,
            general.pk: v1.pk,
            on_v2.pk: v2.pk,
        }
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
