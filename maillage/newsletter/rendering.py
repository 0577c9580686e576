"""How an issue of the lettre looks in a mailbox and on the web.

`prepare(issue)` renders the issue once (subject, text and HTML through `mail/lettre_issue.*`, with a
placeholder for the personal unsubscribe link); `Prepared.message_for(...)` then builds each recipient's
message cheaply, with the RFC 8058 headers `List-Unsubscribe` and `List-Unsubscribe-Post` and a
deterministic Message-ID per delivery row (so a duplicate would be visible).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.mail import EmailMultiAlternatives
from django.utils.safestring import mark_safe

from maillage.core.mail import render_mail, territory_url
from maillage.core.tokens import make_token
from maillage.newsletter.models import LETTRE_TAGLINE, LETTRE_TITLE, Issue, Subscriber

EDITORIAL_PROVIDER = "newsletter.editorial"
UNSUBSCRIBE_PURPOSE = "newsletter-unsubscribe"
UNSUBSCRIBE_MAX_AGE = dt.timedelta(days=800)
_PLACEHOLDER = "https://desabonnement.invalid/lien-personnel"


def lettre_title() -> str:
    return LETTRE_TITLE


def unsubscribe_token(subscriber: Subscriber) -> str:
    """A long-lived (not single-use) token: every issue's link must keep working."""
    return make_token(UNSUBSCRIBE_PURPOSE, {"s": subscriber.pk, "t": subscriber.territory_id})


def message_id(issue: Issue, delivery_pk: int) -> str:
    host = issue.territory.canonical_host or "maillage"
    return f"<lettre.{issue.territory_id}.{issue.pk}.{delivery_pk}@{host}>"


def web_blocks(issue: Issue) -> list[dict[str, str]]:
    """The stored blocks with their HTML marked safe (sanitised by nh3 when composed)."""
    return [
        {"title": b.get("title", ""), "html": mark_safe(b.get("html", "")), "text": b.get("text", "")}  # noqa: S308
        for b in issue.blocks or []
    ]


_PLACEHOLDER_TO = "destinataire.lettre@exemple.invalid"
_PLACEHOLDER_ID = "<identifiant.lettre@exemple.invalid>"


class _RawMessage:
    """What Django's SMTP backend asks of `message()`: the bytes to send."""

    def __init__(self, raw: bytes) -> None:
        self._raw = raw

    def as_bytes(self, linesep: str = "\n") -> bytes:
        return self._raw if linesep == "\r\n" else self._raw.replace(b"\r\n", linesep.encode())

    def as_string(self, linesep: str = "\n") -> str:
        return self.as_bytes(linesep).decode("utf-8", errors="replace")


class _PersonalisedMessage(EmailMultiAlternatives):
    """A recipient's message whose MIME form is the issue's pre-built bytes with three substitutions
    (address, Message-ID, unsubscribe link): building MIME once per issue instead of once per recipient.
    Its attributes (body, alternatives, headers) are the real ones."""

    raw: bytes = b""

    def message(self, **kwargs):  # type: ignore[override]
        return _RawMessage(self.raw)


@dataclass
class Prepared:
    subject: str
    text: str
    html: str
    from_email: str
    reply_to: list[str]
    list_id: str
    _template: bytes | None = field(default=None, repr=False)

    def _build(self, *, to: str, unsubscribe_url: str, message_id: str | None) -> EmailMultiAlternatives:
        headers = {
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "List-Id": self.list_id,
            "Precedence": "bulk",
            "Auto-Submitted": "auto-generated",
        }
        if message_id:
            headers["Message-ID"] = message_id
        message = EmailMultiAlternatives(
            subject=self.subject,
            body=self.text.replace(_PLACEHOLDER, unsubscribe_url),
            from_email=self.from_email,
            to=[to],
            reply_to=self.reply_to,
            headers=headers,
        )
        message.attach_alternative(self.html.replace(_PLACEHOLDER, unsubscribe_url), "text/html")
        return message

    def _template_bytes(self) -> bytes:
        if self._template is None:
            template = self._build(
                to=_PLACEHOLDER_TO, unsubscribe_url=_PLACEHOLDER, message_id=_PLACEHOLDER_ID
            )
            raw = template.message().as_bytes(linesep="\r\n")
            # Usable only if every placeholder came through verbatim (8-bit bodies, unfolded headers).
            ok = (
                raw.count(_PLACEHOLDER_TO.encode()) == 1
                and raw.count(_PLACEHOLDER_ID.encode()) == 1
                and raw.count(_PLACEHOLDER.encode())
                == 1 + self.text.count(_PLACEHOLDER) + self.html.count(_PLACEHOLDER)
            )
            self._template = raw if ok else b""
        return self._template

    def message_for(self, *, to: str, unsubscribe_url: str, message_id: str | None) -> EmailMultiAlternatives:
        message = self._build(to=to, unsubscribe_url=unsubscribe_url, message_id=message_id)
        template = self._template_bytes()
        if not template or not message_id or not (to + unsubscribe_url + message_id).isascii() or "\n" in to:
            return message
        fast = _PersonalisedMessage()
        fast.__dict__.update(message.__dict__)
        fast.raw = (
            template.replace(_PLACEHOLDER_TO.encode(), to.encode())
            .replace(_PLACEHOLDER_ID.encode(), message_id.encode())
            .replace(_PLACEHOLDER.encode(), unsubscribe_url.encode())
        )
        return fast


def prepare(issue: Issue, *, test: bool = False) -> Prepared:
    territory = issue.territory
    rendered = render_mail(
        territory=territory,
        to="destinataire@exemple.invalid",
        template="lettre_issue",
        context={
            "issue": issue,
            "lettre_title": LETTRE_TITLE,
            "lettre_tagline": LETTRE_TAGLINE,
            "blocks": web_blocks(issue),
            "is_test": test,
            "web_url": territory_url(territory, "newsletter:issue", number=issue.number),
            "archive_url": territory_url(territory, "newsletter:archive"),
            "unsubscribe_url": _PLACEHOLDER,
        },
    )
    html = next((content for content, mimetype in rendered.alternatives if mimetype == "text/html"), "")
    host = territory.canonical_host or "maillage"
    return Prepared(
        subject=rendered.subject,
        text=rendered.body,
        html=html,
        from_email=rendered.from_email,
        reply_to=list(rendered.reply_to),
        list_id=f"{LETTRE_TITLE} <lettre.{territory.slug}.{host}>",
    )
