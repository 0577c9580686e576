"""API of the Trophée: the public editions (never one in preparation) with their categories, and the
winners of an edition once its palmarès is published (before, the winners are the jury's secret).

Structures only: never who proposed a nomination, a juror, a score or a voter."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from ninja import Query, Router, Schema
from ninja.errors import HttpError

from maillage.awards.models import Edition, EditionStatus, Nomination
from maillage.core.api_lists import PageParams, keyset, page_of

router = Router(tags=["trophée"])


class CategoryOut(Schema):
    name: str
    description: str


class EditionOut(Schema):
    year: int
    title: str
    summary: str
    status: str
    published_at: dt.datetime | None = None
    categories: list[CategoryOut]
    url: str


class WinnerOut(Schema):
    category: str
    structure: str
    structure_slug: str
    initiative: str
    prize: str


def _edition(edition: Edition) -> dict:
    return {
        "year": edition.year,
        "title": edition.title,
        "summary": edition.summary,
        "status": edition.status,
        "published_at": edition.published_at,
        "categories": [{"name": c.name, "description": c.description} for c in edition.categories.all()],
        "url": edition.territory.absolute_url(reverse("awards:edition", kwargs={"year": edition.year})),
    }


def _winner(nomination: Nomination) -> dict:
    return {
        "category": nomination.category.name,
        "structure": nomination.structure.name,
        "structure_slug": nomination.structure.slug,
        "initiative": nomination.initiative,
        "prize": nomination.prize,
    }


def _editions(request):
    return (
        Edition.objects.of_territory(request.territory)
        .public()
        .select_related("territory")
        .prefetch_related("categories")
    )


@router.get(
    "/trophees",
    response=page_of(EditionOut),
    summary="Les éditions du Trophée",
    description="De la plus récente à la plus ancienne, avec leurs catégories.",
)
def list_editions(request, params: Query[PageParams]):
    return keyset(_editions(request), order=("-year", "-pk"), params=params, salt="awards", shape=_edition)


@router.get("/trophees/{year}", response={200: EditionOut, 404: None}, summary="Une édition du Trophée")
def get_edition(request, year: int):
    edition = _editions(request).filter(year=year).first()
    if edition is None:
        raise HttpError(404, f"Aucune édition publique du Trophée en {year}.")
    return _edition(edition)


@router.get(
    "/trophees/{year}/laureats",
    response={200: page_of(WinnerOut), 404: None},
    summary="Le palmarès d'une édition",
    description="Les structures primées (prix du jury, du public, ou les deux), par catégorie, une fois le "
    "palmarès publié : avant, 404.",
)
def list_winners(request, year: int, params: Query[PageParams]):
    edition = _editions(request).filter(year=year).first()
    if edition is None or edition.status != EditionStatus.PUBLISHED:
        raise HttpError(404, f"Le palmarès du Trophée {year} n'est pas publié.")
    winners = (
        Nomination.objects.public(request.territory)
        .laureates()
        .filter(category__edition=edition, structure__status="published")
        .select_related("category", "structure")
    )
    order = ("category__position", "category_id", "structure__name", "pk")
    return keyset(winners, order=order, params=params, salt=f"awards.winners.{year}", shape=_winner)
