"""The lettre's machines (issue, subscriber, delivery) on core's one machine, and the sending engine that
commits per chunk: no transaction around the SMTP server, a failure keeps the chunks already sent, a retry
never sends twice."""

from __future__ import annotations

import smtplib

import pytest
from django.contrib.admin.sites import site
from django.core import mail
from django.db import connection as db_connection
from django.test import RequestFactory

from maillage.core.machines import TransitionError, history, machine_for, transition
from maillage.newsletter import services
from maillage.newsletter.models import (
    Delivery,
    DeliveryTransition,
    Issue,
    IssueTransition,
    Subscriber,
    SubscriberTransition,
)
from maillage.newsletter.services import sending
from tests.factories import UserFactory
from tests.newsletter.factories import SubscriberFactory


def test_every_state_field_has_a_machine_with_a_transition_log():
    assert machine_for(Issue).log_class() is IssueTransition
    assert machine_for(Subscriber).log_class() is SubscriberTransition
    assert machine_for(Delivery, "state").log_class() is DeliveryTransition


@pytest.mark.django_db
def test_a_sent_issue_cannot_go_back_and_says_so(territory, animator):
    issue = services.record_issue(
        actor=animator, territory=territory, number=7, title="Ancien", blocks=[], sent_at=None
    )
    transition(issue, Issue.Status.SENDING, actor=animator)
    with pytest.raises(TransitionError) as error:
        transition(issue, Issue.Status.DRAFT, actor=animator)
    assert error.value.messages == ["Impossible de passer de « envoi en cours » à « brouillon »."]
    lines = [(t.from_state, t.to_state, t.actor, t.actor_label) for t in history(issue)]
    assert lines == [
        ("", "draft", animator, animator.display_name),
        ("draft", "sending", animator, animator.display_name),
    ]


@pytest.mark.django_db
def test_only_the_animator_writes_issues(territory, member):
    with pytest.raises(Exception) as error:
        services.create_issue(actor=member, territory=territory, title="x")
    assert "équipe d'animation" in str(error.value)
    with pytest.raises(TypeError):
        services.create_issue(actor=None, territory=territory, title="x")


@pytest.mark.django_db
def test_unsubscribing_and_coming_back_are_logged_as_a_visitor(territory):
    subscriber = SubscriberFactory(territory=territory)
    services.unsubscribe(territory=territory, payload={"t": territory.pk, "s": subscriber.pk})
    services.unsubscribe(territory=territory, payload={"t": territory.pk, "s": subscriber.pk})  # idempotent
    pending = services.record_pending_subscription(
        actor=services.sending.SENDER, territory=territory, email=subscriber.email
    )
    services.confirm_subscription(territory=territory, payload={"t": territory.pk, "r": pending.pk})
    subscriber.refresh_from_db()
    assert subscriber.status == "confirmed" and subscriber.unsubscribed_at is None
    lines = [(t.from_state, t.to_state, t.actor_id, t.actor_label) for t in history(subscriber)]
    assert lines == [
        ("confirmed", "unsubscribed", None, "Visiteur (lien du courriel)"),
        ("unsubscribed", "confirmed", None, "Visiteur (lien du courriel)"),
    ]


@pytest.mark.django_db
def test_each_delivery_logs_its_moves_by_the_engine(territory, animator, django_capture_on_commit_callbacks):
    SubscriberFactory(territory=territory)
    issue = services.create_issue(actor=animator, territory=territory, title="N° 1", providers=[])
    with django_capture_on_commit_callbacks(execute=True):
        services.start_sending(actor=animator, issue=issue)
    delivery = Delivery.objects.get()
    assert [(t.from_state, t.to_state, t.actor_label) for t in history(delivery)] == [
        ("pending", "sending", "Système (envoi de la lettre)"),
        ("sending", "sent", "Système (envoi de la lettre)"),
    ]
    assert [(t.from_state, t.to_state) for t in issue.transitions.all()][-1] == ("sending", "sent")
    assert issue.transitions.all()[0].note == "1 destinataire(s)"


@pytest.mark.django_db
def test_the_admin_is_read_only(territory):
    request = RequestFactory().get("/admin/")
    request.user = UserFactory(is_superuser=True, is_staff=True)
    for model in (Subscriber, Issue, Delivery):
        model_admin = site._registry[model]
        assert not model_admin.has_add_permission(request)
        assert not model_admin.has_change_permission(request)
        assert not model_admin.has_delete_permission(request)


class FlakyConnection:
    """An SMTP connection that takes `accept` messages, then loses the server; it records whether a
    database transaction was open while it was called."""

    def __init__(self, accept: int | None = None) -> None:
        self.accept = accept
        self.sent: list[str] = []
        self.in_transaction: list[bool] = []

    def open(self) -> None:
        pass

    def close(self) -> None:
        pass

    def send_messages(self, messages) -> int:
        self.in_transaction.append(db_connection.in_atomic_block)
        if self.accept is not None and len(self.sent) >= self.accept:
            raise smtplib.SMTPServerDisconnected("connexion perdue")
        self.sent += [m.to[0] for m in messages]
        return len(messages)


@pytest.mark.django_db(transaction=True)
def test_sending_commits_per_chunk_and_a_retry_never_sends_twice(territory, animator, monkeypatch):
    monkeypatch.setattr(sending, "CHUNK_SIZE", 2)
    emails = sorted(SubscriberFactory(territory=territory).email for _ in range(5))
    issue = services.create_issue(actor=animator, territory=territory, title="Par paquets", providers=[])
    # As `start_sending` leaves it, without its on-commit task (which the test backend would run at once).
    Issue.objects.filter(pk=issue.pk).update(status="sending")
    for subscriber in Subscriber.objects.all():
        Delivery.objects.create(issue=issue, subscriber=subscriber)
    mail.outbox.clear()

    flaky = FlakyConnection(accept=3)  # chunk 1 (2 messages) goes, chunk 2 breaks on its 2nd message
    with pytest.raises(sending.SendingError):
        sending.deliver_batch(issue_id=issue.pk, batch_size=10, connection=flaky)
    assert flaky.in_transaction and not any(flaky.in_transaction)  # no transaction around the server
    states = dict(Delivery.objects.values_list("subscriber__email", "state"))
    assert sorted(states.values()) == ["pending", "pending", "sent", "sent", "sent"]  # committed chunks
    assert sorted(e for e, s in states.items() if s == "sent") == sorted(flaky.sent)
    broken = Delivery.objects.exclude(error="").get()
    assert broken.state == "pending" and "SMTPServerDisconnected" in broken.error

    retry = FlakyConnection()
    result = sending.deliver_batch(issue_id=issue.pk, batch_size=10, connection=retry)
    assert result == {"sent": 2, "failed": 0, "more": False}
    assert sorted(flaky.sent + retry.sent) == emails  # everyone once, nobody twice
    issue.refresh_from_db()
    assert issue.status == "sent"
