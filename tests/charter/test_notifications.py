"""The charter's two notification kinds go through the notification centre: each person's choice holds
(« jamais »: no mail, the in-app notification only; « immédiatement »: the mail at once, with its
one-click unsubscribe)."""

from __future__ import annotations

import pytest

from maillage.charter import services
from maillage.notifications.models import Notification
from maillage.notifications.services import set_preferences
from tests.charter.factories import adopted_version

pytestmark = pytest.mark.django_db


def adopt_v2(territory, structure, manager, animator, capture):
    v1 = adopted_version(territory)
    services.sign_charter(
        actor=manager,
        version=v1,
        structure=structure,
        signer_name="Camille Martin",
        signer_role="présidente",
        commitment=True,
    )
    v2 = services.create_version(actor=animator, territory=territory)
    services.transition_version(actor=animator, version=v2, to_status="open")
    with capture(execute=True):
        services.transition_version(actor=animator, version=v2, to_status="adopted")


def decide(territory, member, animator, capture):
    version = adopted_version(territory, status="open")
    amendment = services.propose_amendment(
        actor=member, version=version, article_id=version.articles.get().pk, text="Nous coopérons ici."
    )
    with capture(execute=True):
        services.reject_amendment(actor=animator, amendment=amendment, reason="Hors sujet.")


@pytest.mark.parametrize(("delivery", "mails"), [("never", 0), ("immediate", 1)])
def test_the_resigning_invitation_follows_the_manager_choice(
    delivery, mails, territory, structure, manager, animator, mailoutbox, django_capture_on_commit_callbacks
):
    set_preferences(actor=manager, choices={"charter_resign": delivery})
    adopt_v2(territory, structure, manager, animator, django_capture_on_commit_callbacks)
    assert len(mailoutbox) == mails
    notification = Notification.objects.get(user=manager, kind="charter_resign")
    assert notification.url == f"/charte/v2/signer/?structure={structure.slug}"
    assert notification.actor == animator
    if mails:
        assert mailoutbox[0].extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert "Ne plus recevoir ces messages" in mailoutbox[0].body


@pytest.mark.parametrize(("delivery", "mails"), [("never", 0), ("immediate", 1)])
def test_the_amendment_decision_follows_the_author_choice(
    delivery, mails, territory, member, animator, mailoutbox, django_capture_on_commit_callbacks
):
    set_preferences(actor=member, choices={"charter_amendment_decided": delivery})
    decide(territory, member, animator, django_capture_on_commit_callbacks)
    assert len(mailoutbox) == mails
    notification = Notification.objects.get(user=member, kind="charter_amendment_decided")
    assert "rejeté" in notification.title and notification.body == "Hors sujet."
    if mails:
        assert mailoutbox[0].to == ["membre@example.org"]
        assert mailoutbox[0].extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
