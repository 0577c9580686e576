"""What the self-assessment offers the rest of the house through the registry: metrics for the plan's
indicators and the dashboard (participation, the territory's medians — published groups only), link
targets (a campaign, a grid version), the lettre's block, « Mon espace », the block on a structure's
public profile (when it chose to share), and the personal-data hook."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import escape

from maillage.actors.models import Membership, Structure
from maillage.actors.taxonomy import PRACTICE_THEMES
from maillage.assessment import radar
from maillage.assessment.aggregates import release
from maillage.assessment.models import AnswerSheet, Campaign, Grid
from maillage.assessment.selectors import shared_results
from maillage.core.models import Territory
from maillage.core.registry import ContentBlock, MySpaceItem, MySpaceSection

# --- metrics ------------------------------------------------------------------------------------------


def count_participants(territory: Territory, start: dt.date, end: dt.date) -> int:
    """Structures that submitted their answers to a campaign of a year within [start, end]."""
    return (
        AnswerSheet.objects.of_territory(territory)
        .submitted()
        .filter(campaign__year__gte=start.year, campaign__year__lte=end.year)
        .values("structure_id")
        .distinct()
        .count()
    )


def count_shared(territory: Territory, start: dt.date, end: dt.date) -> int:
    return (
        AnswerSheet.objects.shared(territory)
        .filter(campaign__year__gte=start.year, campaign__year__lte=end.year)
        .values("structure_id")
        .distinct()
        .count()
    )


def _territory_group(territory: Territory, start: dt.date, end: dt.date) -> Any:
    campaign = (
        Campaign.objects.filter(
            territory=territory, status="closed", year__gte=start.year, year__lte=end.year
        )
        .order_by("-year")
        .first()
    )
    rel = release(campaign) if campaign else None
    return rel.published(("", "")) if rel else None


def median_overall(territory: Territory, start: dt.date, end: dt.date) -> float:
    group = _territory_group(territory, start, end)
    return group.overall if group and group.overall is not None else 0


def median_of(theme: str) -> Callable[[Territory, dt.date, dt.date], float]:
    def compute(territory: Territory, start: dt.date, end: dt.date) -> float:
        group = _territory_group(territory, start, end)
        return group.medians.get(theme, 0) if group else 0

    compute.__name__ = f"median_{theme}"
    return compute


THEME_METRICS = [(key, label, median_of(key)) for key, label in PRACTICE_THEMES.items()]

# --- link targets -------------------------------------------------------------------------------------


def campaign_choices(territory: Territory) -> list[tuple[int, str]]:
    return [(c.pk, f"Auto-évaluation — campagne {c.year}") for c in Campaign.objects.of_territory(territory)]


def campaign_url(campaign: Campaign) -> str:
    return reverse("assessment:territory") + f"?annee={campaign.year}"


def grid_choices(territory: Territory) -> list[tuple[int, str]]:
    return [
        (g.pk, f"Grille d'auto-évaluation — version {g.version}")
        for g in Grid.objects.of_territory(territory).exclude(status="draft")
    ]


def grid_url(grid: Grid) -> str:
    return reverse("assessment:grid")


# --- the lettre's block --------------------------------------------------------------------------------


def territory_results_block(
    *, territory: Territory, since: dt.date, options: Any = None, **_: Any
) -> ContentBlock | None:
    """The territory's medians per theme of the last campaign closed since `since`."""
    campaign = (
        Campaign.objects.filter(territory=territory, status="closed", updated_at__date__gte=since)
        .order_by("-year")
        .first()
    )
    rel = release(campaign) if campaign else None
    group = rel.published(("", "")) if rel else None
    if campaign is None or group is None:
        return None
    url = territory.absolute_url(campaign_url(campaign))
    lines = [(PRACTICE_THEMES.get(k, k), v) for k, v in group.medians.items()]
    title = f"Utilité sociale : les résultats {campaign.year} du territoire"
    intro = (
        f"{group.count} structures ont rempli la grille d'auto-évaluation. Score médian par thème (sur 100) :"
    )
    html = (
        f"<p>{escape(intro)}</p><ul>"
        + "".join(f"<li>{escape(label)} : {value:g}</li>" for label, value in lines)
        + f'</ul><p><a href="{escape(url)}">Tous les résultats du territoire</a></p>'
    )
    text = intro + "\n" + "\n".join(f"- {label} : {value:g}" for label, value in lines) + f"\n{url}"
    return ContentBlock(title=title, html=html, text=text)


# --- « Mon espace » ------------------------------------------------------------------------------------


def my_space_section(user: Any, territory: Territory) -> MySpaceSection | None:
    memberships = list(
        Membership.objects.filter(user=user, structure__territory=territory).select_related("structure")
    )
    if not memberships:
        return None
    open_campaign = Campaign.objects.of_territory(territory).open().first()
    items = []
    for m in memberships:
        sheet = (
            AnswerSheet.objects.filter(structure=m.structure)
            .select_related("campaign")
            .order_by("-campaign__year")
            .first()
        )
        if sheet is None:
            continue
        name = "assessment:results" if sheet.is_submitted else "assessment:sheet"
        items.append(
            MySpaceItem(
                label=f"{m.structure.name} — {sheet.campaign.year}",
                url=reverse(name, kwargs={"year": sheet.campaign.year, "slug": m.structure.slug}),
                detail=sheet.get_status_display(),
            )
        )
    return MySpaceSection(
        title="Auto-évaluation de l'utilité sociale",
        items=items,
        empty=f"La campagne {open_campaign.year} est ouverte : remplissez la grille pour votre structure."
        if open_campaign
        else "Vos structures n'ont pas encore rempli la grille.",
        link_url=reverse("assessment:home"),
        link_label="Remplir ou relire la grille",
    )


# --- the structure's public profile --------------------------------------------------------------------


def profile_block(structure: Structure) -> ContentBlock | None:
    sheet = shared_results(structure)
    if sheet is None:
        return None
    themes = [(t.key, t.label) for t in sheet.campaign.grid.themes.all()]
    rows = [(label, (sheet.scores or {}).get(key)) for key, label in themes]
    series = radar.series("structure", structure.name, themes, sheet.scores or {})
    html = render_to_string(
        "assessment/_profile_block.html",
        {
            "sheet": sheet,
            "rows": rows,
            "axes": [{"axis": a, "short": radar.short_label(a.label)} for a in radar.axes(themes)],
            "rings": radar.rings(themes),
            "series": [series] if series else [],
            "radar_size": radar.SIZE,
            "center": radar.CENTER,
            "chart_id": f"radar-profil-{structure.pk}",
        },
    )
    title = f"Auto-évaluation de l'utilité sociale ({sheet.campaign.year})"
    text = "\n".join(f"- {label} : {score:g}/100" for label, score in rows if score is not None)
    return ContentBlock(title=title, html=html, text=text)
