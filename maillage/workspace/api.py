"""API of the workspace: the news watch (public). Ateliers' discussions and documents are not exposed."""

from __future__ import annotations

import datetime as dt

from django.http import HttpResponse
from ninja import Field, Query, Router, Schema

from maillage.core.api_lists import ArrayPageParams, arrayed, keyset
from maillage.workspace.models import NewsItem

router = Router(tags=["veille"])


class NewsItemOut(Schema):
    title: str
    url: str
    summary: str
    tags: list[str]
    source: str
    published_at: dt.datetime


class NewsFilters(ArrayPageParams):
    taille: int = Field(100, ge=1, le=200, description="articles par page (100 par défaut, 200 au plus)")
    tag: str = Field("", max_length=50, description="un mot-clé de la veille")


@router.get(
    "/veille",
    response=list[NewsItemOut],
    summary="Les articles de la veille, du plus récent au plus ancien",
    description='La page suivante : en-têtes `Link` (rel="next") et `X-Next-Cursor` (à passer en `curseur`).',
)
def list_news(request, response: HttpResponse, filters: Query[NewsFilters]):
    qs = NewsItem.objects.filter(territory=request.territory)
    if filters.tag:
        qs = qs.filter(tags_text__contains=f",{filters.tag.strip().lower()},")
    page = keyset(qs, order=("-published_at", "-pk"), params=filters, salt="workspace.news")
    return arrayed(request, response, page)
