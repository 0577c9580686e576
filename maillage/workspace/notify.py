"""What the workspace tells whom, through the notification centre (called by the services, inside their
transaction; mails go on commit). The kinds are registered in module.py."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from maillage.accounts.models import User
from maillage.core.actors import SYSTEM, Actor
from maillage.notifications.services import notify
from maillage.workspace.models import AbuseReport, AtelierMember, Post

KIND_MENTION = "workspace.mention"
KIND_REPLY = "workspace.reply"
KIND_MEMBERSHIP = "workspace.membership"
KIND_REPORT = "workspace.report"


def _thread_url(post: Post) -> str:
    return reverse("workspace:thread", kwargs={"pk": post.thread_id}) + f"#message-{post.pk}"


def _coordinators(atelier: Any) -> list[Any]:
    return [
        m.user
        for m in atelier.members.filter(
            role=AtelierMember.Role.COORDINATOR, status=AtelierMember.Status.ACTIVE
        ).select_related("user")
    ]


def _staff(territory: Any) -> list[Any]:
    return list(User.objects.filter(territory_roles__territory=territory).distinct())


def membership_requested(member: AtelierMember) -> None:
    atelier = member.atelier
    recipients = _coordinators(atelier) or _staff(atelier.territory)
    notify(
        territory=atelier.territory,
        recipients=recipients,
        kind=KIND_MEMBERSHIP,
        actor=member.user,
        title=f"{member.user.display_name} demande à rejoindre l'atelier « {atelier.name} »",
        url=reverse("workspace:members", kwargs={"slug": atelier.slug}),
    )


def membership_decided(member: AtelierMember, *, accepted: bool, actor: Actor) -> None:
    atelier = member.atelier
    verdict = "acceptée" if accepted else "refusée"
    notify(
        territory=atelier.territory,
        recipients=[member.user],
        kind=KIND_MEMBERSHIP,
        actor=actor,
        title=f"Votre demande pour l'atelier « {atelier.name} » a été {verdict}",
        url=reverse("workspace:atelier", kwargs={"slug": atelier.slug}),
    )


def new_post(post: Post, *, mentioned: list[Any], is_new_thread: bool) -> None:
    thread = post.thread
    author = post.author
    mentioned_ids = {u.pk for u in mentioned}
    notify(
        territory=thread.territory,
        recipients=mentioned,
        kind=KIND_MENTION,
        actor=author or SYSTEM,
        title=f"{author.display_name} vous a mentionné dans « {thread.title} »",
        url=_thread_url(post),
        exclude=author,
    )
    if is_new_thread and thread.atelier_id:
        others = [
            m.user
            for m in thread.atelier.members.filter(status=AtelierMember.Status.ACTIVE).select_related("user")
            if m.user_id not in mentioned_ids
        ]
        title = f"Nouvelle discussion dans l'atelier « {thread.atelier.name} » : {thread.title}"
    else:
        participant_ids = set(thread.posts.exclude(author=None).values_list("author_id", flat=True))
        others = list(User.objects.filter(pk__in=participant_ids - mentioned_ids))
        title = f"{author.display_name} a répondu dans « {thread.title} »"
    notify(
        territory=thread.territory,
        recipients=others,
        kind=KIND_REPLY,
        actor=author or SYSTEM,
        title=title,
        url=_thread_url(post),
        exclude=author,
    )


def mentioned_only(post: Post, *, mentioned: list[Any]) -> None:
    notify(
        territory=post.thread.territory,
        recipients=mentioned,
        kind=KIND_MENTION,
        actor=post.author or SYSTEM,
        title=f"{post.author.display_name} vous a mentionné dans « {post.thread.title} »",
        url=_thread_url(post),
        exclude=post.author,
    )


def post_reported(report: AbuseReport) -> None:
    thread = report.post.thread
    recipients = _staff(thread.territory) + (_coordinators(thread.atelier) if thread.atelier_id else [])
    notify(
        territory=thread.territory,
        recipients=recipients,
        kind=KIND_REPORT,
        actor=report.reporter or SYSTEM,
        title=f"Un message a été signalé dans « {thread.title} »",
        url=_thread_url(report.post),
        exclude=report.reporter,
    )
