"""API of the social-utility self-assessment: the published aggregates only — the closed campaigns and, for
each, the medians per theme of the groups `disclosure.publishable()` lets through (at least 5 structures,
no subtraction isolating fewer), as the territory's results page shows them. Never a structure's sheet,
score or answer: a group that is not published gives neither its medians nor its count."""

from __future__ import annotations

from ninja import Query, Router, Schema
from ninja.errors import HttpError

from maillage.assessment.aggregates import FAMILIES, SIZE_CLASSES, GroupResult, release
from maillage.assessment.models import Campaign
from maillage.core.api_lists import PageParams, keyset, page_of

router = Router(tags=["utilité sociale"])


class ThemeOut(Schema):
    key: str
    label: str


class GroupOut(Schema):
    family: str  # "" : toutes les familles
    size: str  # "" : toutes les tailles ; sans, petite, grande
    label: str
    published: bool
    structures: int | None = None
    medians: dict[str, float] = {}
    overall: float | None = None


class CampaignOut(Schema):
    year: int
    grid: str
    themes: list[ThemeOut]
    submitted: int | None = None


class CampaignResultsOut(CampaignOut):
    groups: list[GroupOut]


def _closed(request):
    return (
        Campaign.objects.filter(territory=request.territory, status="closed")
        .select_related("grid")
        .prefetch_related("grid__themes")
    )


FAMILY_ORDER = ["", *FAMILIES]
SIZE_ORDER = ["", *SIZE_CLASSES]


def _group_order(group: GroupResult) -> tuple[int, int]:
    family, size = group.key
    return (
        FAMILY_ORDER.index(family) if family in FAMILY_ORDER else 99,
        SIZE_ORDER.index(size) if size in SIZE_ORDER else 99,
    )


def _campaign(campaign: Campaign, *, groups: bool = False) -> dict:
    rel = release(campaign)
    whole = rel.groups.get(("", "")) if rel else None
    out: dict = {
        "year": campaign.year,
        "grid": campaign.grid.title,
        "themes": [{"key": t.key, "label": t.label} for t in campaign.grid.themes.all()],
        "submitted": whole.count if whole and whole.published else None,
    }
    if groups:
        found = sorted(rel.groups.values(), key=_group_order) if rel else []
        out["groups"] = [
            {
                "family": g.key[0],
                "size": g.key[1],
                "label": g.label,
                "published": g.published,
                "structures": g.count if g.published else None,
                "medians": g.medians if g.published else {},
                "overall": g.overall if g.published else None,
            }
            for g in found
        ]
    return out


@router.get(
    "/utilite-sociale",
    response=page_of(CampaignOut),
    summary="Les campagnes d'auto-évaluation closes",
    description="De la plus récente à la plus ancienne : les thèmes de la grille et le nombre de structures "
    "qui ont répondu (quand le résultat du territoire est publié).",
)
def list_campaigns(request, params: Query[PageParams]):
    return keyset(_closed(request), order=("-year", "-pk"), params=params, salt="assessment", shape=_campaign)


@router.get(
    "/utilite-sociale/{year}",
    response={200: CampaignResultsOut, 404: None},
    summary="Les résultats agrégés d'une campagne close",
    description="Les médianes par thème du territoire, de chaque famille, de chaque classe de taille et de "
    "leurs croisements ; un groupe non publié (moins de 5 structures, ou qui permettrait d'en isoler moins "
    "de 5 par soustraction) ne donne ni médianes ni effectif.",
)
def get_campaign(request, year: int):
    campaign = _closed(request).filter(year=year).first()
    if campaign is None:
        raise HttpError(404, f"Aucune campagne d'auto-évaluation close en {year}.")
    return _campaign(campaign, groups=True)
