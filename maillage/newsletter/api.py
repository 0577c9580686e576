"""API of the lettre: the published issues of the territory (never drafts, never subscribers)."""

from __future__ import annotations

import datetime as dt

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Router, Schema

from maillage.newsletter import querysets

router = Router(tags=["lettre d'information"])


class BlockOut(Schema):
    title: str
    text: str


class IssueSummaryOut(Schema):
    number: int
    title: str
    sent_at: dt.datetime | None
    url: str


class IssueOut(IssueSummaryOut):
    blocks: list[BlockOut]


def _territory(request):
    territory = getattr(request, "territory", None)
    if territory is None:
        raise Http404("Aucun territoire n'est servi à cette adresse.")
    return territory


def _summary(issue) -> dict:
    return {
        "number": issue.number,
        "title": issue.title,
        "sent_at": issue.sent_at,
        "url": issue.territory.absolute_url(reverse("newsletter:issue", kwargs={"number": issue.number})),
    }


@router.get("/lettre/numeros", response=list[IssueSummaryOut], summary="Les numéros parus de la lettre")
def list_issues(request):
    return [_summary(i) for i in querysets.published_issues(_territory(request)).select_related("territory")]


@router.get("/lettre/numeros/{number}", response=IssueOut, summary="Un numéro paru, en texte")
def get_issue(request, number: int):
    issue = get_object_or_404(
        querysets.published_issues(_territory(request)).select_related("territory"), number=number
    )
    return {
        **_summary(issue),
        "blocks": [{"title": b.get("title", ""), "text": b.get("text", "")} for b in issue.blocks or []],
    }
