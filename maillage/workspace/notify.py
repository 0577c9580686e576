"""What the workspace tells whom (called by the services, inside their transaction; mails go on commit)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from maillage.accounts.models import User
from maillage.workspace.models import AbuseReport, AtelierMember, Post
from maillage.workspace.notifications import notify_users

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
    notify_users(
        territory=atelier.territory,
        users=recipients,
        kind=KIND_MEMBERSHIP,
        title=f"{member.user.display_name} demande à rejoindre l'atelier « {atelier.name} »",
        url=reverse("workspace:members", kwargs={"slug": atelier.slug}),
    )


def membership_decided(member: AtelierMember, *, accepted: bool) -> None:
    atelier = member.atelier
    verdict = "acceptée" if accepted else "refusée"
    notify_users(
        territory=atelier.territory,
        users=[member.user],
        kind=KIND_MEMBERSHIP,
        title=f"Votre demande pour l'atelier « {atelier.name} » a été {verdict}",
        url=reverse("workspace:atelier", kwargs={"slug": atelier.slug}),
    )


def new_post(post: Post, *, mentioned: list[Any], is_new_thread: bool) -> None:
    thread = post.thread
    author = post.author
    mentioned_ids = {u.pk for u in mentioned}
    notify_users(
        territory=thread.territory,
        users=mentioned,
        kind=KIND_MENTION,
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
    notify_users(
        territory=thread.territory,
        users=others,
        kind=KIND_REPLY,
        title=title,
        url=_thread_url(post),
        exclude=author,
    )


def mentioned_only(post: Post, *, mentioned: list[Any]) -> None:
    notify_users(
        territory=post.thread.territory,
        users=mentioned,
        kind=KIND_MENTION,
        title=f"{post.author.display_name} vous a mentionné dans « {post.thread.title} »",
        url=_thread_url(post),
        exclude=post.author,
    )


def post_reported(report: AbuseReport) -> None:
    thread = report.post.thread
    recipients = _staff(thread.territory) + (_coordinators(thread.atelier) if thread.atelier_id else [])
    notify_users(
        territory=thread.territory,
        users=recipients,
        kind=KIND_REPORT,
        title=f"Un message a été signalé dans « {thread.title} »",
        url=_thread_url(report.post),
        exclude=report.reporter,
    )
