"""Discussions of the ateliers and the « échanges » area: threads, posts, mentions, moderation."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from maillage.core.actors import Actor, is_system, require_actor
from maillage.core.models import Territory
from maillage.workspace import notify, permissions
from maillage.workspace.mentions import render_body
from maillage.workspace.models import AbuseReport, Atelier, Mention, Post, PostRevision, Thread
from maillage.workspace.services._people import person_of

MAX_BODY = 20_000


def _clean_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": "Écrivez votre message."})
    if len(body) > MAX_BODY:
        raise ValidationError({"body": f"Le message dépasse {MAX_BODY} caractères : raccourcissez-le."})
    return body


def _store_mentions(post: Post) -> list[Any]:
    """Render the post (its derived HTML and mentions, refreshed here only); the newly mentioned people."""
    rendered = render_body(post.thread.territory, post.body)
    post.body_html = rendered.html
    post.save(update_fields=["body_html"])
    already = set(post.mentions.values_list("user_id", flat=True))
    post.mentions.all().delete()
    Mention.objects.bulk_create(
        [Mention(post=post, user=u) for u in rendered.users]
        + [Mention(post=post, structure=s) for s in rendered.structures]
    )
    return [u for u in rendered.users if u.pk not in already]


@transaction.atomic
def create_thread(
    *,
    actor: Actor,
    territory: Territory,
    atelier: Atelier | None,
    title: str,
    body: str,
    kind: str = "discussion",
) -> Thread:
    require_actor(actor)
    if atelier is not None:
        if atelier.territory_id != territory.pk or not permissions.can_read_atelier(actor, atelier):
            raise PermissionDenied("Seuls les membres de l'atelier y ouvrent des discussions.")
        kind = Thread.Kind.DISCUSSION
    else:
        if not permissions.is_territory_member(actor, territory):
            raise PermissionDenied("Les échanges sont réservés aux membres des structures du territoire.")
        if kind not in (Thread.Kind.SEEK, Thread.Kind.OFFER):
            raise ValidationError({"kind": "Indiquez si vous cherchez ou si vous proposez."})
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": "Donnez un titre à la discussion."})
    body = _clean_body(body)
    thread = Thread.objects.create(
        territory=territory, atelier=atelier, kind=kind, title=title[:200], author=person_of(actor)
    )
    post = Post.objects.create(thread=thread, author=person_of(actor), body=body)
    mentioned = _store_mentions(post)
    notify.new_post(post, mentioned=mentioned, is_new_thread=True)
    return thread


@transaction.atomic
def reply_to_thread(*, actor: Actor, thread: Thread, body: str) -> Post:
    require_actor(actor)
    if not permissions.can_read_thread(actor, thread):
        raise PermissionDenied("Vous ne participez pas à cette discussion.")
    if thread.is_locked:
        raise ValidationError("Cette discussion est fermée aux réponses.")
    post = Post.objects.create(thread=thread, author=person_of(actor), body=_clean_body(body))
    Thread.objects.filter(pk=thread.pk).update(last_activity_at=timezone.now())
    mentioned = _store_mentions(post)
    notify.new_post(post, mentioned=mentioned, is_new_thread=False)
    return post


@transaction.atomic
def record_thread(
    *, actor: Actor, territory: Territory, atelier: Atelier | None, title: str, author: Any, kind: str = ""
) -> Thread:
    """The demo loader's threads (the system only): found by title, else created empty, no notification."""
    if not is_system(require_actor(actor)):
        raise PermissionDenied("Réservé au chargement des données de démonstration.")
    thread, _ = Thread.objects.get_or_create(
        territory=territory,
        atelier=atelier,
        title=title[:200],
        defaults={"author": author, "kind": kind or Thread.Kind.DISCUSSION},
    )
    return thread


@transaction.atomic
def record_post(*, actor: Actor, thread: Thread, author: Any, body: str, at: dt.datetime) -> Post | None:
    """A dated message of the demo loader (the system only), rendered like any other, no notification.
    Idempotent: a thread already holding this text is left as it is."""
    if not is_system(require_actor(actor)):
        raise PermissionDenied("Réservé au chargement des données de démonstration.")
    if thread.posts.filter(body=body).exists():
        return None
    post = Post.objects.create(thread=thread, author=author, body=_clean_body(body))
    _store_mentions(post)
    Post.objects.filter(pk=post.pk).update(created_at=at)
    return post


@transaction.atomic
def edit_post(*, actor: Actor, post: Post, body: str) -> Post:
    require_actor(actor)
    if not permissions.can_edit_post(actor, post):
        raise PermissionDenied("Seule la personne qui a écrit ce message peut le modifier.")
    if post.is_hidden:
        raise ValidationError("Ce message a été masqué par la modération : il ne peut plus être modifié.")
    body = _clean_body(body)
    if body == post.body:
        return post
    PostRevision.objects.create(post=post, body=post.body, edited_by=person_of(actor))
    post.body = body
    post.edited_at = timezone.now()
    post.save(update_fields=["body", "edited_at"])
    mentioned = _store_mentions(post)
    notify.mentioned_only(post, mentioned=mentioned)
    return post


@transaction.atomic
def report_post(*, actor: Actor, post: Post, reason: str) -> AbuseReport:
    require_actor(actor)
    if not permissions.can_read_thread(actor, post.thread):
        raise PermissionDenied("Vous ne participez pas à cette discussion.")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Dites en quelques mots ce qui pose problème."})
    try:
        with transaction.atomic():
            report = AbuseReport.objects.create(post=post, reporter=person_of(actor), reason=reason[:2000])
    except IntegrityError:
        raise ValidationError("Vous avez déjà signalé ce message ; la modération va l'examiner.") from None
    notify.post_reported(report)
    return report


@transaction.atomic
def moderate_post(*, actor: Actor, post: Post, hide: bool, reason: str = "") -> Post:
    require_actor(actor)
    if not permissions.can_moderate_thread(actor, post.thread):
        raise PermissionDenied("Seuls les coordinateurs de l'atelier et l'équipe d'animation modèrent.")
    if hide and not (reason or "").strip():
        raise ValidationError({"reason": "Indiquez le motif : il sera affiché à la place du message."})
    post.is_hidden = hide
    post.hidden_reason = (reason or "").strip()[:300] if hide else ""
    post.hidden_by = person_of(actor) if hide else None
    post.save(update_fields=["is_hidden", "hidden_reason", "hidden_by"])
    AbuseReport.objects.filter(post=post, outcome=AbuseReport.Outcome.OPEN).update(
        outcome=AbuseReport.Outcome.HIDDEN if hide else AbuseReport.Outcome.DISMISSED,
        resolved_at=timezone.now(),
        resolved_by=person_of(actor),
    )
    return post


@transaction.atomic
def dismiss_report(*, actor: Actor, report: AbuseReport) -> AbuseReport:
    require_actor(actor)
    if not permissions.can_moderate_thread(actor, report.post.thread):
        raise PermissionDenied("Seuls les coordinateurs de l'atelier et l'équipe d'animation modèrent.")
    report.outcome = AbuseReport.Outcome.DISMISSED
    report.resolved_at = timezone.now()
    report.resolved_by = person_of(actor)
    report.save(update_fields=["outcome", "resolved_at", "resolved_by"])
    return report
