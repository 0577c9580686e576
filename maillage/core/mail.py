"""Outgoing mail: rendered in the request, sent by the worker, only once the transaction commits.

`send_mail_on_commit(...)` renders `mail/<template>_subject.txt`, `mail/<template>.txt` and
`mail/<template>.html` (both bodies extend `mail/base.txt` / `mail/base.html`: the territory's name, a footer,
links built from `territory.absolute_url()`, never from the request) and queues `send_mail_task` on the
« mail » queue inside the surrounding transaction (`enqueue_with_transaction`): the task row commits with the
data, so a process killed right after the COMMIT loses no mail, and a rollback sends nothing. The task retries
with backoff and is idempotent (a fixed Message-ID lets a re-run after a killed worker be recognised as the
same message).

Personal data in the queue: the task's arguments hold exactly the recipients' addresses and the rendered
message — what SMTP needs, nothing more (no user id, no template context). They stay in the queue table until
the daily prune of finished task results (30 days) or the person's erasure (`erase_queued_mail`, registered
as a personal-data hook by core).

`send_prepared_message_on_commit(message)` queues an already-built `EmailMessage` (allauth's mails,
through the accounts adapter's `send_mail`).
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Mapping, Sequence
from email.utils import formataddr, make_msgid, parseaddr
from typing import TYPE_CHECKING, Any, cast

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.template import Context
from django.template.backends.django import Template as DjangoTemplate
from django.template.loader import get_template, render_to_string
from django.urls import reverse
from django.utils import translation
from django_tasks_db.models import DBTaskResult

from maillage.core.tasks import enqueue_with_transaction, maillage_task

if TYPE_CHECKING:
    from maillage.core.models import Territory

logger = logging.getLogger("maillage.mail")

SEND_MAIL_TASK_PATH = "maillage.core.mail.send_mail_task"
MESSAGE_FORMAT_VERSION = 1


def territory_url(territory: Territory, viewname: str, *args: Any, **kwargs: Any) -> str:
    """An absolute URL to a named view on the territory's canonical address (for links in mails)."""
    return territory.absolute_url(reverse(viewname, args=args or None, kwargs=kwargs or None))


def layout_context(territory: Territory) -> dict[str, Any]:
    """What `mail/base.*` needs: the territory and its links, all absolute on its canonical address."""
    return {
        "territory": territory,
        "home_url": territory.absolute_url("/"),
        "privacy_url": territory_url(territory, "core:privacy"),
        "legal_notice_url": territory_url(territory, "core:legal_notice"),
    }


def _from_address(territory: Territory | None) -> str:
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return formataddr((territory.name if territory is not None else name, address))


def _domain_of(address: str) -> str | None:
    _name, addr = parseaddr(address)
    return addr.rpartition("@")[2] or None


def _render_plain(template_name: str, context: Mapping[str, Any]) -> str:
    """Render a plain-text template without HTML escaping (subjects and text parts)."""
    template = cast(DjangoTemplate, get_template(template_name))
    return template.template.render(Context(dict(context), autoescape=False))


def render_mail(
    *,
    territory: Territory,
    to: str | Sequence[str],
    template: str,
    context: Mapping[str, Any],
    reply_to: str | Sequence[str] | None = None,
    headers: Mapping[str, str] | None = None,
) -> EmailMultiAlternatives:
    """Build the message (French, text + HTML, with a Message-ID) without sending it."""
    recipients = [to] if isinstance(to, str) else list(to)
    if not recipients:
        raise ValueError("a mail needs at least one recipient")
    if reply_to is None:
        replies = [territory.contact_email] if territory.contact_email else []
    else:
        replies = [reply_to] if isinstance(reply_to, str) else list(reply_to)
    full_context = {**layout_context(territory), **context}
    with translation.override(settings.LANGUAGE_CODE):
        subject = " ".join(_render_plain(f"mail/{template}_subject.txt", full_context).split())
        full_context["subject"] = subject
        text = _render_plain(f"mail/{template}.txt", full_context)
        html = render_to_string(f"mail/{template}.html", full_context)
    all_headers = {"Message-ID": make_msgid(domain=territory.canonical_host or None), **(headers or {})}
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=_from_address(territory),
        to=recipients,
        reply_to=replies,
        headers=all_headers,
    )
    message.attach_alternative(html, "text/html")
    return message


def send_mail_on_commit(
    *,
    territory: Territory,
    to: str | Sequence[str],
    template: str,
    context: Mapping[str, Any],
    reply_to: str | Sequence[str] | None = None,
    headers: Mapping[str, str] | None = None,
) -> str:
    """Render `mail/<template>.*` and send it through the « mail » queue once the transaction commits.

    Returns the Message-ID. Links in `context` must be absolute on the territory (`territory_url`).
    """
    message = render_mail(
        territory=territory, to=to, template=template, context=context, reply_to=reply_to, headers=headers
    )
    return send_prepared_message_on_commit(message)


# --- serialisation (what the task's arguments hold) ---------------------------------------------------


def serialize_message(message: EmailMessage) -> dict[str, Any]:
    """A JSON-able copy of `message` (adds a Message-ID if it has none, so every retry sends the same one)."""
    headers = dict(message.extra_headers)
    if not any(key.lower() == "message-id" for key in headers):
        headers["Message-ID"] = make_msgid(
            domain=_domain_of(message.from_email or settings.DEFAULT_FROM_EMAIL)
        )
    attachments = []
    for attachment in message.attachments:
        if not isinstance(attachment, tuple):
            raise TypeError("MIME attachments cannot be queued: attach (filename, content, mimetype)")
        filename, content, mimetype = attachment
        raw = content.encode() if isinstance(content, str) else bytes(content)
        attachments.append([filename, base64.b64encode(raw).decode("ascii"), mimetype])
    return {
        "v": MESSAGE_FORMAT_VERSION,
        "subject": str(message.subject),
        "body": str(message.body),
        "content_subtype": message.content_subtype,
        "from_email": message.from_email or settings.DEFAULT_FROM_EMAIL,
        "to": list(message.to),
        "cc": list(message.cc),
        "bcc": list(message.bcc),
        "reply_to": list(message.reply_to),
        "headers": {str(k): str(v) for k, v in headers.items()},
        "alternatives": [
            [str(content), mimetype] for content, mimetype in getattr(message, "alternatives", [])
        ],
        "attachments": attachments,
    }


def deserialize_message(data: Mapping[str, Any]) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=data["subject"],
        body=data["body"],
        from_email=data["from_email"],
        to=data["to"],
        cc=data.get("cc") or None,
        bcc=data.get("bcc") or None,
        reply_to=data.get("reply_to") or None,
        headers=dict(data.get("headers") or {}),
    )
    message.content_subtype = data.get("content_subtype", "plain")
    for content, mimetype in data.get("alternatives") or []:
        message.attach_alternative(content, mimetype)
    for filename, encoded, mimetype in data.get("attachments") or []:
        message.attach(filename, base64.b64decode(encoded), mimetype)
    return message


def send_prepared_message_on_commit(message: EmailMessage) -> str:
    """Queue an already-built message (allauth's) on the « mail » queue, with the transaction (sent once it
    commits, never on rollback). Returns its Message-ID."""
    data = serialize_message(message)
    enqueue_with_transaction(send_mail_task, data)
    return data["headers"]["Message-ID"]


@maillage_task(queue_name="mail", max_attempts=6, idempotent=True)
def send_mail_task(message: dict[str, Any]) -> str:
    """Send one serialised message over the configured e-mail backend; returns its Message-ID (no address)."""
    email = deserialize_message(message)
    email.connection = get_connection()
    email.send(fail_silently=False)
    return str(message["headers"].get("Message-ID", ""))


# --- personal data in the queue -------------------------------------------------------------------------


def queued_mail_for(address: str):
    """Mail task runs (any status) addressed to `address`."""
    return DBTaskResult.objects.filter(task_path=SEND_MAIL_TASK_PATH, args_kwargs__icontains=address)


def export_queued_mail(user: Any) -> dict[str, Any]:
    """Personal-data export: the mails to this person still in the queue table (subject, status, dates)."""
    rows = queued_mail_for(user.email).order_by("enqueued_at") if user.email else DBTaskResult.objects.none()
    return {
        "courriels": [
            {
                "objet": (row.args_kwargs.get("args") or [{}])[0].get("subject", ""),
                "statut": row.status,
                "mis_en_file": row.enqueued_at.isoformat() if row.enqueued_at else None,
                "envoye": row.finished_at.isoformat() if row.finished_at else None,
            }
            for row in rows
        ]
    }


def erase_queued_mail(user: Any, *, replacement: Any | None = None) -> None:
    """Personal-data erasure: delete every queued or sent mail to this person that is not being sent."""
    if user.email:
        queued_mail_for(user.email).exclude(status="RUNNING").delete()
