"""The call's specification written like the charter, through its pages: the animation starts a version,
writes articles (add, change, move, remove), opens it; a member comments one article; the animation adopts;
the next version starts from the same articles and, once adopted, supersedes the first."""

from __future__ import annotations

import re
from html import unescape

import pytest

from maillage.calls import services
from maillage.calls.models import SpecComment, Specification
from tests.calls.factories import SYS

pytestmark = pytest.mark.django_db
EDIT = "/appels-a-projets/gestion/2027/cahier-des-charges/"
PUBLIC = "/appels-a-projets/2027/cahier-des-charges/"


def text(page) -> str:
    """The page's words, without its tags."""
    return re.sub(r"<[^>]+>", "", unescape(page.content.decode()))


def titles(spec: Specification) -> list[str]:
    return list(spec.articles.values_list("title", flat=True))


@pytest.fixture
def call(territory):
    return services.create_call(actor=SYS, territory=territory, year=2027, title="Appel 2027")


def test_the_specification_is_co_written_article_by_article(call, animator, member, client):
    client.force_login(animator)
    assert "Commencer une nouvelle version" in text(client.get(EDIT))
    assert client.post(EDIT, {"action": "start"}).status_code == 302
    spec = call.specifications.get()
    for title, body in (
        ("Objet", "Le fonds soutient l'ESS."),
        ("Calendrier", "Dépôt avant juin."),
        ("Brouillon", "x"),
    ):
        assert client.post(EDIT, {"action": "add", "new-title": title, "new-body": body}).status_code == 302
    objet, calendrier, brouillon = spec.articles.all()

    page = client.post(
        EDIT, {"action": "save", "article": objet.pk, f"a{objet.pk}-title": "Objet", f"a{objet.pk}-body": ""}
    )
    assert "Écrivez le texte de l'article." in text(page)
    assert spec.articles.get(pk=objet.pk).body == "Le fonds soutient l'ESS."  # nothing changed

    data = {
        "action": "save",
        "article": objet.pk,
        f"a{objet.pk}-title": "Objet de l'appel",
        f"a{objet.pk}-body": "Soutenir.",
    }
    assert client.post(EDIT, data).status_code == 302
    assert client.post(EDIT, {"action": "down", "article": objet.pk}).status_code == 302
    assert client.post(EDIT, {"action": "delete", "article": brouillon.pk}).status_code == 302
    assert titles(spec) == ["Calendrier", "Objet de l'appel"]
    assert list(spec.articles.values_list("position", flat=True)) == [1, 2]

    assert client.post(EDIT, {"action": "transition", "to": "open"}).status_code == 302
    client.force_login(member)
    page = client.post(PUBLIC, {"article": calendrier.pk, f"article-{calendrier.pk}-body": ""})
    assert "Écrivez votre commentaire." in text(page) and not SpecComment.objects.exists()
    page = client.post(
        PUBLIC, {"article": calendrier.pk, f"article-{calendrier.pk}-body": "Juin, c'est tôt."}
    )
    assert page.status_code == 302
    assert SpecComment.objects.get().article == calendrier

    client.force_login(animator)
    assert client.post(EDIT, {"action": "transition", "to": "adopted"}).status_code == 302
    client.logout()
    page = text(client.get(PUBLIC))
    assert "Version 1 — adoptée" in page
    assert (
        page.index("Article 1 — Calendrier")
        < page.index("Juin, c'est tôt.")
        < page.index("Article 2 — Objet")
    )
    assert "Commenter l'article" not in page

    client.force_login(animator)
    page = client.post(
        EDIT, {"action": "save", "article": objet.pk, f"a{objet.pk}-title": "Tard", f"a{objet.pk}-body": "x"}
    )
    assert "Aucune version n'est en cours de rédaction" in text(page)
    assert client.post(EDIT, {"action": "start"}).status_code == 302
    v2 = call.specifications.get(number=2)
    assert titles(v2) == ["Calendrier", "Objet de l'appel"] and not SpecComment.objects.filter(
        article__version=v2
    )
    client.post(EDIT, {"action": "transition", "to": "open"})
    client.post(EDIT, {"action": "transition", "to": "adopted"})
    assert list(call.specifications.values_list("number", "status")) == [(1, "superseded"), (2, "adopted")]


def test_only_the_animation_writes_the_specification(call, member, client):
    services.start_specification(actor=SYS, call=call)
    client.force_login(member)
    assert client.post(EDIT, {"action": "add", "new-title": "Objet", "new-body": "Texte"}).status_code == 403
    assert not call.specifications.get().articles.exists()


def test_a_draft_is_not_commented_and_not_shown_to_members(call, member, client):
    spec = services.start_specification(actor=SYS, call=call)
    article = services.save_spec_article(actor=SYS, specification=spec, title="Objet", body="Texte")
    client.force_login(member)
    assert client.get(PUBLIC).status_code == 404  # a draft only, seen by the animation alone
    with pytest.raises(Exception, match="n'est pas ouverte aux commentaires"):
        services.comment_spec_article(actor=member, article=article, body="Trop tôt")
