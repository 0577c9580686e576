"""The call's specification co-written in a real browser: the animator writes two articles and opens the
draft for comments; a member finds it from the calls' page and comments one article; the animator sees the
comment and adopts the version. Ends on the words everyone reads."""

from __future__ import annotations

import re

import pytest

from maillage.calls import services
from maillage.calls.models import SpecComment
from tests.calls.factories import SYS

pytestmark = pytest.mark.browser
EDIT = "/appels-a-projets/gestion/2026/cahier-des-charges/"


def main_text(page) -> str:
    return re.sub(r"\s+", " ", page.locator("main").inner_text())


def test_the_specification_is_written_commented_and_adopted(new_context, territory, animator, member):
    services.create_call(actor=SYS, territory=territory, year=2026, title="Entreprendre autrement 2026")

    admin = new_context(user=animator).new_page()
    admin.set_default_timeout(60_000)  # the pages are slow on a loaded machine, not wrong
    admin.goto(EDIT)
    admin.get_by_role("button", name="Commencer une nouvelle version").click()
    admin.wait_for_load_state()
    assert "Version 1 du cahier des charges en cours de rédaction." in main_text(admin)
    for title, body in (
        ("Projets attendus", "Des activités nouvelles qui répondent à un besoin social non couvert."),
        ("Calendrier", "Dépôt des candidatures en ligne jusqu'au 30 juin."),
    ):
        add = admin.locator("main form:has(input[name=action][value=add])")
        add.get_by_label("Titre de l'article").fill(title)
        add.get_by_label("Texte de l'article (Markdown)").fill(body)
        add.get_by_role("button", name="Ajouter l'article").click()
        admin.wait_for_load_state()
        assert f"L'article « {title} » est ajouté." in main_text(admin)
    admin.get_by_role("button", name="Ouvrir aux commentaires").click()
    admin.wait_for_load_state()
    assert "Version 1 : « ouverte aux commentaires »." in main_text(admin)

    page = new_context(user=member).new_page()
    page.set_default_timeout(60_000)
    page.goto("/appels-a-projets/")
    page.get_by_role("link", name="Cahier des charges de l'appel 2026").click()
    page.wait_for_load_state()
    calendar = page.locator("main section", has=page.get_by_role("heading", name="Article 2 — Calendrier"))
    calendar.get_by_label("Votre commentaire").fill(
        "Le 30 juin tombe pendant les congés : pourquoi pas le 15 ?"
    )
    calendar.get_by_role("button", name="Commenter l'article 2").click()
    page.wait_for_load_state()
    assert "Merci : votre commentaire est publié." in main_text(page)
    assert SpecComment.objects.get().article.title == "Calendrier"

    admin.reload()
    assert "Article 2 — Calendrier 1 commentaire" in main_text(admin)
    admin.get_by_role("button", name="Adopter cette version").click()
    admin.wait_for_load_state()
    assert "Version 1 : « adoptée »." in main_text(admin)
    assert "Aucune version n'est en cours de rédaction." in main_text(admin)

    page.reload()
    words = main_text(page)
    assert "Version 1 — adoptée" in words
    assert "Article 1 — Projets attendus" in words and "Article 2 — Calendrier" in words
    assert "Le 30 juin tombe pendant les congés : pourquoi pas le 15 ?" in words
    assert "Commenter l'article" not in words  # adopted: no more comments
