"""Collective writing: comments and amendments while a version is open, supports, the animator's decision,
the author's notification; the bad inputs of the issue."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from maillage.charter import services
from maillage.charter.models import Amendment, AmendmentSupport, Comment
from tests.charter.factories import adopted_version

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_version(territory, animator):
    adopted_version(territory, articles=(("Coopérer", "Nous coopérons."), ("Ancrage", "Nous agissons ici.")))
    version = services.create_version(actor=animator, territory=territory)
    services.transition_version(actor=animator, version=version, to_status="open")
    return version


def test_a_member_comments_and_proposes_an_amendment_others_support_it(open_version, member, manager_other):
    article = open_version.articles.first()
    comment = services.comment_article(actor=member, article=article, body="Très bien !")
    assert comment.author == member
    amendment = services.propose_amendment(
        actor=member,
        version=open_version,
        article_id=article.pk,
        text="Nous coopérons beaucoup.",
        rationale="Plus fort",
    )
    assert amendment.original_text == "Nous coopérons."
    services.support_amendment(actor=manager_other, amendment=amendment)
    with pytest.raises(ValidationError, match="soutenez déjà"):
        services.support_amendment(actor=manager_other, amendment=amendment)
    with pytest.raises(ValidationError, match="votre propre amendement"):
        services.support_amendment(actor=member, amendment=amendment)
    assert AmendmentSupport.objects.count() == 1


def test_accepting_puts_the_text_in_the_version_and_notifies_the_author(
    open_version, member, animator, mailoutbox, django_capture_on_commit_callbacks
):
    article = open_version.articles.first()
    amendment = services.propose_amendment(
        actor=member, version=open_version, article_id=article.pk, text="Nous coopérons beaucoup."
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.accept_amendment(actor=animator, amendment=amendment)
    article.refresh_from_db()
    assert article.body == "Nous coopérons beaucoup."
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["membre@example.org"]
    assert "accepté" in mailoutbox[0].subject
    assert f"https://ess.paysdegrasse.test/charte/amendements/{amendment.pk}/" in mailoutbox[0].body
    with pytest.raises(ValidationError, match="déjà été tranché"):
        services.reject_amendment(actor=animator, amendment=amendment, reason="non")


def test_rejecting_needs_a_reason_and_keeps_the_text(
    open_version, member, animator, mailoutbox, django_capture_on_commit_callbacks
):
    article = open_version.articles.first()
    amendment = services.propose_amendment(
        actor=member, version=open_version, article_id=article.pk, text="Autre."
    )
    with pytest.raises(ValidationError, match="raison du rejet"):
        services.reject_amendment(actor=animator, amendment=amendment, reason="")
    with django_capture_on_commit_callbacks(execute=True):
        services.reject_amendment(actor=animator, amendment=amendment, reason="Hors sujet.")
    article.refresh_from_db()
    assert article.body == "Nous coopérons."
    assert "rejeté" in mailoutbox[0].subject and "Hors sujet." in mailoutbox[0].body


def test_only_the_animation_decides(open_version, member, manager_other):
    amendment = services.propose_amendment(
        actor=member, version=open_version, article_id=open_version.articles.first().pk, text="Autre."
    )
    with pytest.raises(PermissionDenied):
        services.accept_amendment(actor=manager_other, amendment=amendment)
    amendment.refresh_from_db()
    assert amendment.status == "proposed"


# --- bad input ----------------------------------------------------------------------------------------


def test_commenting_on_a_closed_version_is_refused(territory, member):
    version = adopted_version(territory)
    with pytest.raises(ValidationError, match="n'est pas ouverte aux commentaires"):
        services.comment_article(actor=member, article=version.articles.first(), body="Trop tard ?")
    assert not Comment.objects.exists()


def test_an_amendment_on_a_missing_article_is_refused(open_version, member, territory):
    other = adopted_version(
        territory, number=7, status="superseded"
    )  # another version's article: refused too
    for article_id in (999_999, "abc", None, other.articles.first().pk):
        with pytest.raises(ValidationError) as error:
            services.propose_amendment(actor=member, version=open_version, article_id=article_id, text="X")
        assert error.value.message_dict["article"] == [
            "Cet article n'existe pas dans cette version de la charte."
        ]
    assert not Amendment.objects.exists()


def test_people_outside_the_territory_cannot_contribute(open_version, animator_other):
    with pytest.raises(PermissionDenied):
        services.comment_article(actor=animator_other, article=open_version.articles.first(), body="Bonjour")
    assert not Comment.objects.exists()


def test_the_article_page_shows_errors_and_changes_nothing(client, open_version, member):
    article = open_version.articles.first()
    client.force_login(member)
    url = f"/charte/v{open_version.number}/articles/{article.pk}/"
    response = client.post(url, {"form": "amendment", "amendment-text": "Nous coopérons."})
    assert "identique au texte actuel" in response.content.decode()
    response = client.post(url, {"form": "comment", "comment-body": ""})
    assert "Écrivez votre commentaire." in response.content.decode()
    assert not Comment.objects.exists() and not Amendment.objects.exists()
    response = client.post(url, {"form": "comment", "comment-body": "D'accord avec cet article."})
    assert response.status_code == 302
    assert Comment.objects.get().body == "D'accord avec cet article."


def test_the_amendment_page_lets_the_animator_decide(client, open_version, member, animator):
    article = open_version.articles.first()
    amendment = services.propose_amendment(
        actor=member, version=open_version, article_id=article.pk, text="Nous coopérons beaucoup."
    )
    client.force_login(animator)
    page = client.get(f"/charte/amendements/{amendment.pk}/").content.decode()
    assert 'Nous coopérons<ins><span class="visually-hidden">[ajouté : </span> beaucoup<' in page
    response = client.post(f"/charte/amendements/{amendment.pk}/", {"form": "decision", "decision": "reject"})
    assert "raison du rejet" in response.content.decode()
    amendment.refresh_from_db()
    assert amendment.status == "proposed"
    client.post(
        f"/charte/amendements/{amendment.pk}/", {"form": "decision", "decision": "accept", "reason": ""}
    )
    amendment.refresh_from_db()
    assert amendment.status == "accepted"


def test_comments_are_not_shown_to_anonymous_visitors(client, open_version, member):
    article = open_version.articles.first()
    services.comment_article(actor=member, article=article, body="Un avis")
    response = client.get(f"/charte/v{open_version.number}/articles/{article.pk}/")
    assert response.status_code == 302
    assert "Un avis" not in client.get(f"/charte/v{open_version.number}/").content.decode()
