"""API of the lettre: the published issues of the territory (never drafts, never subscribers)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpResponse
from django.urls import reverse
from ninja import Query, Router, Schema
from ninja.errors import HttpError

from maillage.core.api_lists import ArrayPageParams, arrayed, keyset
from maillage.newsletter.models import Issue

router = Router(tags=["lettre d'information"])


class IssueBlockOut(Schema):
    title: str
    text: str


class IssueSummaryOut(Schema):
    number: int
    title: str
    sent_at: dt.datetime | None
    url: str


class IssueOut(IssueSummaryOut):
    blocks: list[IssueBlockOut]


def _summary(issue) -> dict:
    return {
        "number": issue.number,
        "title": issue.title,
        "sent_at": issue.sent_at,
        "url": issue.territory.absolute_url(reverse("newsletter:issue", kwargs={"number": issue.number})),
    }


@router.get(
    "/lettre/numeros",
    response=list[IssueSummaryOut],
    summary="Les numéros parus de la lettre",
    description='Du plus récent au plus ancien. La page suivante : en-têtes `Link` (rel="next") et '
    "`X-Next-Cursor` (à passer en `curseur`).",
)
def list_issues(request, response: HttpResponse, params: Query[ArrayPageParams]):
    issues = Issue.objects.published(request.territory).select_related("territory")
    page = keyset(issues, order=("-number", "-pk"), params=params, salt="newsletter.issues", shape=_summary)
    return arrayed(request, response, page)


@router.get(
    "/lettre/numeros/{number}", response={200: IssueOut, 404: None}, summary="Un numéro paru, en texte"
)
def get_issue(request, number: int):
    issue = (
        Issue.objects.published(request.territory).select_related("territory").filter(number=number).first()
    )
    if issue is None:
        raise HttpError(404, f"La lettre n'a pas de numéro paru {number}.")
    return {
        **_summary(issue),
        "blocks": [{"title": b.get("title", ""), "text": b.get("text", "")} for b in issue.blocks or []],
    }
