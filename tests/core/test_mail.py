"""Mail goes out through the « mail » queue, on commit, to a real SMTP server on loopback (aiosmtpd)."""

from __future__ import annotations

import email
import email.policy
import socket
import threading
from email.message import EmailMessage as StdEmailMessage

import pytest
from aiosmtpd.controller import Controller
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django_tasks import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from maillage.core.mail import (
    deserialize_message,
    erase_queued_mail,
    export_queued_mail,
    send_mail_on_commit,
    send_prepared_message_on_commit,
    serialize_message,
)
from tests.factories import DomainFactory, TerritoryFactory

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "mail"]}}


class Inbox:
    """An aiosmtpd handler keeping every message it receives."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], StdEmailMessage]] = []
        self.received = threading.Event()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        parsed = email.message_from_bytes(
            envelope.original_content or envelope.content, policy=email.policy.default
        )
        self.messages.append((list(envelope.rcpt_tos), parsed))
        self.received.set()
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp(settings):
    """A real SMTP server on loopback; Django's SMTP backend pointed at it."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 10
    settings.DEFAULT_FROM_EMAIL = "Maillage <ne-pas-repondre@maillage.test>"
    yield inbox
    controller.stop()


@pytest.fixture
def grasse(transactional_db):
    t = TerritoryFactory(
        name="Pays de Grasse",
        slug="pays-de-grasse",
        canonical_url="https://ess.paysdegrasse.test",
        contract_name="Contrat local de développement de l'ESS du Pays de Grasse",
        contact_email="animation@paysdegrasse.test",
    )
    DomainFactory(territory=t, name="testserver")
    return t


def send_confirmation(territory, to="camille@exemple.test"):
    return send_mail_on_commit(
        territory=territory,
        to=to,
        template="notification",
        context={
            "title": "Confirmez votre inscription à la réunion d'atelier",
            "body": "Vous avez demandé à participer à la réunion « Circuits courts » du 7 juin.\n"
            "Confirmez votre venue en suivant le lien ci-dessous.",
            "action_url": territory.absolute_url("/agenda/confirmer/jeton-signe/"),
            "action_label": "Confirmer ma venue",
        },
    )


def parts(message: StdEmailMessage) -> dict[str, str]:
    return {part.get_content_type(): part.get_content() for part in message.walk() if not part.is_multipart()}


def test_mail_arrives_with_both_parts_french_subject_and_territory_links(smtp, grasse):
    with transaction.atomic():
        message_id = send_confirmation(grasse)
        assert smtp.messages == []  # nothing before the commit

    assert smtp.received.wait(10)
    [(recipients, message)] = smtp.messages
    assert recipients == ["camille@exemple.test"]
    # Django folds the encoded header (« Subject:\n =?utf-8?q?…?= »); readers unfold it.
    assert message["Subject"].strip() == "Confirmez votre inscription à la réunion d'atelier"
    assert message["Message-ID"] == message_id
    assert message_id.endswith("@ess.paysdegrasse.test>")
    assert message["From"] == "Pays de Grasse <ne-pas-repondre@maillage.test>"
    assert message["Reply-To"] == "animation@paysdegrasse.test"
    body = parts(message)
    assert set(body) == {"text/plain", "text/html"}
    text, html = body["text/plain"], body["text/html"]
    for content in (text, html):
        assert "Pays de Grasse" in content
        assert "https://ess.paysdegrasse.test/agenda/confirmer/jeton-signe/" in content
        assert "https://ess.paysdegrasse.test/donnees-personnelles/" in content
        assert "https://ess.paysdegrasse.test/mentions-legales/" in content
        assert "testserver" not in content
    assert "réunion « Circuits courts »" in text  # the text part is not HTML-escaped
    assert "&lt;" not in text and "&#x27;" not in text
    assert '<a href="https://ess.paysdegrasse.test/agenda/confirmer/jeton-signe/"' in html
    assert "<h1" in html and "Confirmez votre inscription à la réunion d&#x27;atelier" in html


def test_rollback_sends_nothing(smtp, grasse):
    with pytest.raises(RuntimeError), transaction.atomic():
        send_confirmation(grasse)
        raise RuntimeError("annulé")
    assert not smtp.received.wait(0.5)
    assert smtp.messages == []


def test_through_the_database_queue_and_the_worker(smtp, grasse, settings):
    settings.TASKS = DB_TASKS
    with transaction.atomic():
        send_confirmation(grasse)
    row = DBTaskResult.objects.get()
    assert (row.queue_name, row.task_path) == ("mail", "maillage.core.mail.send_mail_task")
    # The task holds the address and the rendered message, nothing else about the person.
    [payload] = row.args_kwargs["args"]
    assert payload["to"] == ["camille@exemple.test"]
    assert set(payload) == {
        "v",
        "subject",
        "body",
        "content_subtype",
        "from_email",
        "to",
        "cc",
        "bcc",
        "reply_to",
        "headers",
        "alternatives",
        "attachments",
    }

    Worker(
        queue_names=["mail"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-mail",
        excluded_queue_names=[],
    ).run()
    row.refresh_from_db()
    assert row.status == TaskResultStatus.SUCCESSFUL
    assert "@" not in str(row.return_value).split("@")[0]  # the return value is the Message-ID only
    assert len(smtp.messages) == 1


def test_smtp_down_is_retried_later(grasse, settings):
    settings.TASKS = DB_TASKS
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2
    with transaction.atomic():
        send_confirmation(grasse)
    Worker(
        queue_names=["mail"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-mail",
        excluded_queue_names=[],
    ).run()
    failed = DBTaskResult.objects.get(status=TaskResultStatus.FAILED)
    assert failed.exception_class_path == "maillage.core.tasks.RetryScheduled"
    retry = DBTaskResult.objects.get(status=TaskResultStatus.READY)
    assert retry.queue_name == "mail"
    assert retry.args_kwargs["args"] == failed.args_kwargs["args"]  # same message, same Message-ID


def test_prepared_messages_go_through_the_queue(smtp, grasse):
    """What the accounts adapter does with allauth's mails."""
    prepared = EmailMultiAlternatives(
        subject="[Maillage] Confirmez votre adresse électronique",
        body="Bonjour,\nconfirmez votre adresse : https://ess.paysdegrasse.test/c/",
        from_email="ne-pas-repondre@maillage.test",
        to=["dominique@exemple.test"],
        headers={"X-Maillage": "compte"},
    )
    prepared.attach_alternative("<p>Bonjour,</p>", "text/html")
    with transaction.atomic():
        message_id = send_prepared_message_on_commit(prepared)
    assert smtp.received.wait(10)
    [(recipients, message)] = smtp.messages
    assert recipients == ["dominique@exemple.test"]
    assert message["Subject"].strip() == "[Maillage] Confirmez votre adresse électronique"
    assert message["Message-ID"] == message_id
    assert message["X-Maillage"] == "compte"
    assert set(parts(message)) == {"text/plain", "text/html"}


def test_serialisation_round_trip_keeps_attachments():
    original = EmailMultiAlternatives(
        subject="Programme",
        body="Ci-joint.",
        from_email="a@maillage.test",
        to=["b@exemple.test"],
        cc=["c@exemple.test"],
        reply_to=["d@exemple.test"],
    )
    original.attach("programme.txt", "Ordre du jour", "text/plain")
    original.attach("logo.bin", b"\x00\x01\xff", "application/octet-stream")
    data = serialize_message(original)
    copy = deserialize_message(data)
    assert (copy.subject, copy.body, copy.to, copy.cc, copy.reply_to) == (
        "Programme",
        "Ci-joint.",
        ["b@exemple.test"],
        ["c@exemple.test"],
        ["d@exemple.test"],
    )
    assert [a[0] for a in copy.attachments] == ["programme.txt", "logo.bin"]
    assert copy.attachments[1][1] == b"\x00\x01\xff"
    assert data["headers"]["Message-ID"].endswith("@maillage.test>")


def test_queued_mail_is_exported_and_erased_with_the_person(grasse, settings):
    settings.TASKS = DB_TASKS
    with transaction.atomic():
        send_confirmation(grasse, to="camille@exemple.test")
        send_confirmation(grasse, to="autre@exemple.test")

    class Person:
        email = "camille@exemple.test"

    exported = export_queued_mail(Person())
    assert [m["objet"] for m in exported["courriels"]] == [
        "Confirmez votre inscription à la réunion d'atelier"
    ]
    erase_queued_mail(Person())
    remaining = [row.args_kwargs["args"][0]["to"] for row in DBTaskResult.objects.all()]
    assert remaining == [["autre@exemple.test"]]
