"""API of the workspace: the news watch (public). Ateliers' discussions and documents are not exposed."""

from __future__ import annotations

import datetime as dt

from ninja import Router, Schema

from maillage.workspace.models import NewsItem

router = Router(tags=["veille"])


class NewsItemOut(Schema):
    title: str
    url: str
    summary: str
    tags: list[str]
    source: str
    published_at: dt.datetime


@router.get("/veille", response=list[NewsItemOut], summary="Les derniers articles de la veille (100 au plus)")
def list_news(request, tag: str = ""):
    qs = NewsItem.objects.filter(territory=request.territory)
    if tag:
        qs = qs.filter(tags_text__contains=f",{tag.strip().lower()[:50]},")
    return list(qs[:100])
