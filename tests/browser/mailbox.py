"""A real SMTP server on loopback for browser journeys: the live server mails it, the test reads the mail
and follows its links in Chromium as the person would.

Use the `smtp_inbox` fixture (registered through tests/browser/fixtures.py):

    message = smtp_inbox.wait_for(to="camille@example.org", subject="Confirmez")
    page.goto(smtp_inbox.link_path(message, r"/agenda/.*/confirmer/"))

Links in mails are absolute, built from the territory's canonical URL (never the request's Host): the
journey keeps their path and query and opens them on the live server.
"""

from __future__ import annotations

import email
import email.policy
import re
import socket
import threading
import time
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any
from urllib.parse import urlsplit

import pytest

URL = re.compile(r"https?://[^\s<>\"')\]]+")


@dataclass
class Mail:
    recipients: list[str]
    message: EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"] or "")

    @property
    def text(self) -> str:
        part = self.message.get_body(preferencelist=("plain",))
        return part.get_content() if part is not None else ""

    @property
    def html(self) -> str:
        part = self.message.get_body(preferencelist=("html",))
        return part.get_content() if part is not None else ""

    def header(self, name: str) -> str:
        return str(self.message.get(name) or "")

    def links(self) -> list[str]:
        return URL.findall(self.text)


class SMTPInbox:
    """An aiosmtpd handler keeping every message, with helpers to wait for one and follow its links."""

    def __init__(self) -> None:
        self.mails: list[Mail] = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 (aiosmtpd)
        parsed = email.message_from_bytes(
            envelope.original_content or envelope.content, policy=email.policy.default
        )
        with self._lock:
            self.mails.append(Mail(list(envelope.rcpt_tos), parsed))  # type: ignore[arg-type]
        return "250 Message accepted for delivery"

    def matching(self, *, to: str | None = None, subject: str | None = None) -> list[Mail]:
        with self._lock:
            mails = list(self.mails)
        return [
            m
            for m in mails
            if (to is None or to in m.recipients)
            and (subject is None or subject.lower() in m.subject.lower())
        ]

    def wait_for(
        self, *, to: str | None = None, subject: str | None = None, count: int = 1, seconds: float = 15.0
    ) -> Mail:
        """The `count`-th mail matching `to` and `subject`, waiting (bounded) for the live server."""
        deadline = time.monotonic() + seconds
        while True:
            found = self.matching(to=to, subject=subject)
            if len(found) >= count:
                return found[count - 1]
            if time.monotonic() > deadline:
                seen = [(m.recipients, m.subject) for m in self.mails]
                raise AssertionError(f"aucun courriel pour to={to!r} subject={subject!r} ; reçus : {seen}")
            time.sleep(0.05)

    @staticmethod
    def link_path(mail: Mail, pattern: str) -> str:
        """The path (and query) of the first link in the mail's text whose path matches `pattern`."""
        for url in mail.links():
            parts = urlsplit(url)
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            if re.search(pattern, path):
                return path
        raise AssertionError(f"aucun lien correspondant à {pattern!r} dans :\n{mail.text}")

    def clear(self) -> None:
        with self._lock:
            self.mails.clear()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_inbox(settings) -> Any:
    """A real SMTP server on loopback; Django's SMTP backend (used by the live server too) pointed at it."""
    from aiosmtpd.controller import Controller

    inbox = SMTPInbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 10
    settings.DEFAULT_FROM_EMAIL = "Maillage <ne-pas-repondre@maillage.test>"
    try:
        yield inbox
    finally:
        controller.stop()
