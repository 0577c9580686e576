"""Page contexts of the self-assessment (views stay thin): the home page, a structure's results (scores,
radar, comparisons, suggestions), the territory's view, the animation's pages."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from maillage.actors.models import Membership, Practice, Structure
from maillage.assessment import radar
from maillage.assessment.aggregates import FAMILIES, SIZE_CLASSES, SUPPRESSED, Release, release
from maillage.assessment.models import AnswerSheet, Campaign, Grid, Question, SheetStatus
from maillage.assessment.scoring import display_value, range_text
from maillage.core.machines import history, machine_for
from maillage.core.models import Territory

WEAK_THRESHOLD = 60.0
STRONG_THRESHOLD = 70.0


def crumbs(*extra: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [("Utilité sociale", reverse("assessment:home")), *extra]


def sheet_url(sheet: AnswerSheet, name: str = "assessment:sheet") -> str:
    return reverse(name, kwargs={"year": sheet.campaign.year, "slug": sheet.structure.slug})


def my_structures(user: Any, territory: Territory) -> list[tuple[Structure, str]]:
    """(structure, role) for each structure of the territory the person belongs to."""
    if not getattr(user, "is_authenticated", False):
        return []
    return [
        (m.structure, m.role)
        for m in Membership.objects.filter(user=user, structure__territory=territory)
        .select_related("structure")
        .order_by("structure__name")
    ]


def grid_themes(grid: Grid) -> list[dict[str, Any]]:
    return [
        {
            "theme": theme,
            "questions": [
                {"question": q, "range": range_text(q) if q.kind == "number" else ""}
                for q in theme.questions.all()
            ],
        }
        for theme in grid.themes.prefetch_related("questions")
    ]


def latest_closed(territory: Territory, *, until_year: int | None = None) -> Campaign | None:
    qs = Campaign.objects.filter(territory=territory, status="closed")
    if until_year is not None:
        qs = qs.filter(year__lte=until_year)
    return qs.order_by("-year").first()


def home_context(user: Any, territory: Territory) -> dict[str, Any]:
    campaigns = list(Campaign.objects.for_user(user, territory).select_related("grid"))
    open_campaign = next((c for c in campaigns if c.is_open), None)
    rows = []
    for structure, role in my_structures(user, territory):
        sheets = {
            s.campaign_id: s
            for s in AnswerSheet.objects.filter(structure=structure).select_related("campaign")
        }
        rows.append(
            {
                "structure": structure,
                "is_manager": role == Membership.Role.MANAGER,
                "current": sheets.get(open_campaign.pk) if open_campaign else None,
                "past": sorted(
                    (
                        s
                        for s in sheets.values()
                        if s.is_submitted and (not open_campaign or s.campaign_id != open_campaign.pk)
                    ),
                    key=lambda s: -s.campaign.year,
                ),
            }
        )
    return {
        "grid": Grid.objects.published(territory),
        "campaigns": campaigns,
        "open_campaign": open_campaign,
        "rows": rows,
        "closed": latest_closed(territory),
    }


def answers_of(sheet: AnswerSheet) -> dict[int, Any]:
    return {a.question_id: a.value for a in sheet.answers.all()}


def _theme_pairs(sheet: AnswerSheet) -> list[tuple[str, str]]:
    return [(t.key, t.label) for t in sheet.campaign.grid.themes.all()]


def comparison_release(sheet: AnswerSheet) -> tuple[Campaign | None, Release | None]:
    campaign = latest_closed(sheet.campaign.territory, until_year=sheet.campaign.year)
    return campaign, (release(campaign) if campaign else None)


def suggestions(sheet: AnswerSheet, weak: list[tuple[str, str]]) -> list[dict[str, Any]]:
    """For each weak theme, practice sheets of structures strong on it. Only structures that chose to show
    their results publicly count as « strong » (a private score is never used to point at a structure);
    failing those, other practice sheets of the territory on the theme."""
    territory = sheet.campaign.territory
    shared = (
        AnswerSheet.objects.shared(territory).exclude(structure=sheet.structure).order_by("-campaign__year")
    )
    found = []
    for key, label in weak:
        strong_ids = [s.structure_id for s in shared if (s.scores or {}).get(key, 0) >= STRONG_THRESHOLD]
        public = Practice.objects.public(territory).exclude(structure=sheet.structure)
        practices = [p for p in public.filter(structure_id__in=strong_ids) if key in p.themes][:3]
        others = [] if practices else [p for p in public if key in p.themes][:3]
        found.append({"key": key, "label": label, "practices": practices, "others": others})
    return found


def results_context(sheet: AnswerSheet, *, with_suggestions: bool = True) -> dict[str, Any]:
    """The results page's context; the PDF, which prints no suggestion, skips them (`with_suggestions`:
    they read every shared sheet and public practice sheet of the territory)."""
    themes = _theme_pairs(sheet)
    scores = sheet.scores or {}
    previous = (
        AnswerSheet.objects.filter(
            structure=sheet.structure, status=SheetStatus.SUBMITTED, campaign__year__lt=sheet.campaign.year
        )
        .select_related("campaign")
        .order_by("-campaign__year")
        .first()
    )
    previous_scores = previous.scores if previous else {}
    ref_campaign, ref = comparison_release(sheet)
    family = sheet.family or sheet.structure.family
    family_group = ref.published((family, "")) if ref else None
    territory_group = ref.published(("", "")) if ref else None
    family_medians = family_group.medians if family_group else {}
    rows = [
        {
            "key": key,
            "label": label,
            "score": scores.get(key),
            "previous": previous_scores.get(key),
            "delta": round(scores[key] - previous_scores[key], 1)
            if key in scores and key in previous_scores
            else None,
            "family": family_medians.get(key),
            "territory": territory_group.medians.get(key) if territory_group else None,
        }
        for key, label in themes
    ]
    weak = sorted(
        (
            r
            for r in rows
            if r["score"] is not None
            and (r["score"] < WEAK_THRESHOLD or (r["family"] is not None and r["score"] < r["family"]))
        ),
        key=lambda r: r["score"],
    )[:3]
    series = [
        radar.series("structure", f"{sheet.structure.name} ({sheet.campaign.year})", themes, scores),
        radar.series(
            "previous", f"Année {previous.campaign.year}" if previous else "", themes, previous_scores
        ),
        radar.series("family", "Médiane de la famille", themes, family_medians),
    ]
    return {
        "sheet": sheet,
        "rows": rows,
        "previous": previous,
        "ref_campaign": ref_campaign,
        "family_label": FAMILIES.get(family, family),
        "family_group": family_group,
        "family_count": ref.get((family, "")).count if ref and ref.get((family, "")) else 0,
        "suppressed_text": SUPPRESSED,
        "axes": [{"axis": a, "short": radar.short_label(a.label)} for a in radar.axes(themes)],
        "rings": radar.rings(themes),
        "series": [s for s in series if s is not None],
        "radar_size": radar.SIZE,
        "center": radar.CENTER,
        "suggestions": suggestions(sheet, [(r["key"], r["label"]) for r in weak]) if with_suggestions else [],
    }


def answer_lines(sheet: AnswerSheet) -> list[dict[str, Any]]:
    """Each theme's questions with the structure's answer in words (results page, PDF)."""
    values = answers_of(sheet)
    by_theme: dict[int, dict[str, Any]] = {}
    for q in Question.objects.filter(theme__grid_id=sheet.campaign.grid_id).select_related("theme"):
        block = by_theme.setdefault(q.theme_id, {"theme": q.theme, "lines": []})
        block["lines"].append({"question": q, "answer": display_value(q, values.get(q.pk))})
    return list(by_theme.values())


def territory_context(territory: Territory, params: Any) -> dict[str, Any]:
    closed = list(
        Campaign.objects.filter(territory=territory, status="closed").select_related("grid").order_by("-year")
    )
    year = params.get("annee")
    campaign = next((c for c in closed if str(c.year) == year), closed[0] if closed else None)
    family = params.get("famille") if params.get("famille") in FAMILIES else ""
    size = params.get("taille") if params.get("taille") in SIZE_CLASSES else ""
    ctx: dict[str, Any] = {
        "campaigns": closed,
        "campaign": campaign,
        "families": FAMILIES,
        "sizes": SIZE_CLASSES,
        "family": family,
        "size": size,
        "suppressed_text": SUPPRESSED,
        "open_campaign": Campaign.objects.filter(territory=territory, status="open").first(),
    }
    if campaign is None:
        return ctx
    rel = release(campaign)
    assert rel is not None  # a closed campaign always has its release
    themes = [(t.key, t.label) for t in campaign.grid.themes.all()]
    selected = rel.get((family, size))
    columns = [rel.groups[("", size)]] + [rel.groups[(f, size)] for f in FAMILIES if (f, size) in rel.groups]
    if family:
        columns = [rel.groups[(family, "")]] + [rel.groups[(family, s)] for s in SIZE_CLASSES]
    ctx.update(
        {
            "themes": themes,
            "selected": selected,
            "columns": columns,
            "table": [
                {"label": label, "cells": [c.medians.get(key) if c.published else None for c in columns]}
                for key, label in themes
            ],
            "overall_cells": [c.overall if c.published else None for c in columns],
            "submitted": rel.groups[("", "")].count,
        }
    )
    return ctx


def shared_results(structure: Structure) -> AnswerSheet | None:
    """The latest submitted sheet the structure chose to show on its profile."""
    return (
        AnswerSheet.objects.filter(structure=structure, status=SheetStatus.SUBMITTED, shared=True)
        .select_related("campaign__grid")
        .order_by("-campaign__year")
        .first()
    )


def log_lines(obj: Any) -> list[dict[str, Any]]:
    """An object's state log in words (« brouillon → publiée »), oldest first."""
    machine = machine_for(obj)
    return [
        {
            "at": line.at,
            "text": f"{machine.label(line.from_state) if line.from_state else 'création'} → "
            f"{machine.label(line.to_state)}",
            "who": line.actor_label or (str(line.actor) if line.actor_id else ""),
            "note": line.note,
        }
        for line in history(obj)
    ]
