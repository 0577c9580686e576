"""What the workspace keeps about a person: atelier memberships, messages (and their former versions),
mentions, reports (notifications and their preferences belong to maillage.notifications).

Erase: memberships, mentions and the person's reports are deleted; the
person's messages are kept for the discussion's sake but emptied (« message supprimé avec le compte »)
and their revisions deleted; threads they opened lose their author; meeting minutes they wrote are kept
without their author (history included).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings

from maillage.accounts.personal_data import needles_for, redact_rows
from maillage.core.registry import PersonalDataHook
from maillage.workspace.models import (
    AbuseReport,
    AtelierMeeting,
    AtelierMember,
    AtelierMemberTransition,
    Mention,
    Post,
    PostRevision,
    Thread,
)

ERASED = "*Message supprimé avec le compte de son autrice ou de son auteur.*"


def export_workspace(user: Any) -> dict[str, Any]:
    return {
        "ateliers": [
            {"atelier": m.atelier.name, "role": m.get_role_display(), "etat": m.get_status_display()}
            for m in AtelierMember.objects.filter(user=user).select_related("atelier")
        ],
        "messages": [
            {
                "discussion": p.thread.title,
                "date": p.created_at.isoformat(),
                "texte": p.body,
                "versions_precedentes": [r.body for r in p.revisions.all()],
            }
            for p in Post.objects.filter(author=user).select_related("thread")
        ],
        "signalements": [
            {"date": r.created_at.isoformat(), "motif": r.reason}
            for r in AbuseReport.objects.filter(reporter=user)
        ],
        "comptes_rendus_de_reunion": [
            {
                "reunion": m.event.title,
                "date": m.minutes_updated_at.isoformat() if m.minutes_updated_at else "",
                "texte": m.minutes,
            }
            for m in AtelierMeeting.objects.filter(minutes_author=user).select_related("event")
        ],
    }


def erase_workspace(user: Any, *, replacement: Any | None = None) -> None:
    PostRevision.objects.filter(post__author=user).delete()
    PostRevision.objects.filter(edited_by=user).update(edited_by=None)
    Post.objects.filter(author=user).update(
        body=ERASED, body_html=f"<p><em>{ERASED.strip('*')}</em></p>", author=None
    )
    Thread.objects.filter(author=user).update(author=None)
    Mention.objects.filter(user=user).delete()
    AbuseReport.objects.filter(reporter=user).delete()
    AtelierMember.objects.filter(user=user).delete()
    # Meeting minutes belong to the atelier: kept, without their author (history included).
    AtelierMeeting.objects.filter(minutes_author=user).update(minutes_author=None)
    AtelierMeeting.history.filter(minutes_author=user).update(minutes_author=None)
    AtelierMeeting.history.filter(history_user=user).update(history_user=None)
    # Decisions the person took on others' memberships: kept, without who (the label named them).
    AtelierMemberTransition.objects.filter(actor=user).update(actor=None, actor_label="")
    # The person's address, quoted in anyone's message: redacted.
    needles = needles_for(user)
    redact_rows(Post.objects.all(), ["body", "body_html"], needles)
    redact_rows(PostRevision.objects.all(), ["body"], needles)
    redact_rows(AtelierMeeting.objects.all(), ["minutes", "minutes_html"], needles)


# A report of abuse names who reported and why: once resolved, it is kept a year (to answer for the
# moderation's decision), then deleted. Setting: WORKSPACE_ABUSE_REPORT_RETENTION_DAYS.
DEFAULT_ABUSE_REPORT_RETENTION_DAYS = 365


def abuse_report_retention() -> dt.timedelta:
    return dt.timedelta(
        days=getattr(settings, "WORKSPACE_ABUSE_REPORT_RETENTION_DAYS", DEFAULT_ABUSE_REPORT_RETENTION_DAYS)
    )


def expire_abuse_reports(now: dt.datetime) -> int:
    return AbuseReport.objects.filter(resolved_at__lt=now - abuse_report_retention()).delete()[0]


HOOK = PersonalDataHook(
    key="workspace",
    retention=expire_abuse_reports,
    retention_text="le temps de l'atelier ; à l'effacement du compte, vos messages sont remplacés par "
    f"une mention ; un signalement traité est supprimé {abuse_report_retention().days} jours après",
    models=(
        "workspace.AtelierMember",
        "workspace.Thread",
        "workspace.Post",
        "workspace.PostRevision",
        "workspace.Mention",
        "workspace.AbuseReport",
        "workspace.AtelierMeeting",
    ),
    label="Ateliers et discussions",
    export=export_workspace,
    erase=erase_workspace,
    order=50,
)
