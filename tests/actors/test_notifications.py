"""Decisions on records reach the people with an account through the notification centre: an in-app
notification each, and the mail per their choice for the kind (registered in actors/module.py)."""

from __future__ import annotations

import pytest
from django.core import mail

from maillage.actors import services
from maillage.actors.services import notices
from maillage.core.registry import registry
from maillage.notifications import services as notifications
from maillage.notifications.models import Notification
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_kinds_are_registered():
    assert set(notices.KINDS) <= set(registry.notification_kinds)


def test_a_refusal_notifies_the_manager(territory, animator, django_capture_on_commit_callbacks):
    person = UserFactory(email="porteuse@example.org")
    structure = services.create_structure(actor=person, territory=territory, data={"name": "Projet"})
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.transition_structure(
            actor=animator, structure=structure, to_status="refused", reason="Hors territoire"
        )
    [note] = Notification.objects.filter(user=person, kind=notices.KIND_STRUCTURE_DECISION)
    assert note.title == "La fiche « Projet » est refusée" and note.actor == animator
    assert note.url == f"/structures/{structure.slug}/"
    [sent] = mail.outbox
    assert sent.to == ["porteuse@example.org"] and "Hors territoire" in sent.body
    assert "List-Unsubscribe" in sent.extra_headers


def test_a_person_who_chose_never_gets_no_mail_for_a_claim_decision(
    territory, manager, structure, django_capture_on_commit_callbacks
):
    person = UserFactory(email="tresoriere@example.org")
    notifications.set_preferences(actor=person, choices={notices.KIND_CLAIM_DECISION: "never"})
    request = services.request_management(actor=person, structure=structure)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.decide_management_request(actor=manager, request=request, accept=True)
    assert not mail.outbox
    [note] = Notification.objects.filter(user=person, kind=notices.KIND_CLAIM_DECISION)
    assert "acceptée" in note.title


def test_an_edit_decision_notifies_its_author(
    territory, manager, animator, structure, django_capture_on_commit_callbacks
):
    territory.settings = {"moderate_manager_edits": True}
    territory.save()
    proposal = services.update_structure(actor=manager, structure=structure, data={"name": "Nouveau"})
    with django_capture_on_commit_callbacks(execute=True):
        services.decide_edit_proposal(actor=animator, proposal=proposal, accept=False)
    [note] = Notification.objects.filter(user=manager, kind=notices.KIND_EDIT_DECISION)
    assert "refusées" in note.title
