"""API of cooperation: the practices and events this territory shares, for the installations that subscribe
to it (`remote.read_installation` reads exactly this). Cursor pagination, newest share last."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from maillage.cooperation import presenting
from maillage.cooperation.models import Share
from maillage.core import cursor

router = Router(tags=["coopération"])
CURSOR_ORDER = ("pk",)
CURSOR_SALT = "api.cooperation"


class SharedItemOut(Schema):
    id: str = Field(description="identifiant stable à la source (« practice-12 », « event-7 »)")
    kind: str = Field(description="practice (fiche pratique) ou event (rendez-vous)")
    title: str
    summary: str = ""
    body: str = Field("", description="Markdown")
    url: str = Field(description="la page de l'élément sur son territoire")
    territory: str
    structure: str = ""
    themes: list[str] = []
    start: dt.datetime | None = None
    end: dt.datetime | None = None
    place: str = ""


class SharedPageOut(Schema):
    installation: str
    items: list[SharedItemOut]
    next_cursor: str | None = None


class SharedFilters(Schema):
    taille: int = Field(50, ge=1, le=200, description="éléments par page (200 au plus)")
    curseur: str = Field("", max_length=500, description="la valeur `next_cursor` de la page précédente")


@router.get(
    "/cooperation/partages",
    summary="Pratiques et rendez-vous partagés par le territoire",
    description="Ce que l'animation du territoire partage avec les autres territoires et les installations "
    "abonnées : fiches pratiques publiées et rendez-vous publics. Pagination par curseur : `next_cursor` se "
    "passe en `curseur` pour la page suivante ; un curseur altéré répond 400.",
    response={200: SharedPageOut, 400: None},
)
def list_shared(request, filters: Query[SharedFilters]):
    territory = request.territory
    try:
        found = cursor.page(
            Share.objects.published_by(territory).select_related("event__commune"),
            order=CURSOR_ORDER,
            cursor=filters.curseur,
            size=filters.taille,
            salt=CURSOR_SALT,
        )
    except cursor.InvalidCursor as exc:
        raise HttpError(400, str(exc)) from None
    return {
        "installation": territory.name,
        "items": [presenting.of_share(share) for share in found.items],
        "next_cursor": found.next_cursor,
    }
