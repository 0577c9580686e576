"""The contexts of the needs pages, built outside the views."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.urls import reverse

from maillage.core.machines import history
from maillage.core.models import Commune, Territory
from maillage.core.search import matching_ids
from maillage.needs.models import (
    CLOSED_STATUSES,
    MOVE_LABELS,
    NEED_MACHINE,
    Need,
    NeedCategory,
    NeedStatus,
    Support,
)
from maillage.needs.permissions import can_animate, can_qualify, can_take_part
from maillage.needs.services.common import SEARCH_KIND
from maillage.plan.querysets import links_to

PER_PAGE = 20
HOME = ("Besoins sociaux", "/besoins/")


def crumbs(*items: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [HOME, *items]


def categories(territory: Territory, *, active_only: bool = True) -> list[NeedCategory]:
    qs = NeedCategory.objects.filter(territory=territory)
    return list(qs.filter(is_active=True) if active_only else qs)


def filtered_needs(user: Any, territory: Territory, params: Mapping[str, str]) -> tuple[Any, dict[str, str]]:
    """The register's needs after the list's filters (category, status, commune, words)."""
    needs = Need.objects.for_user(user, territory).select_related("category")
    chosen = {key: (params.get(key) or "").strip()[:100] for key in ("categorie", "statut", "commune", "q")}
    if chosen["categorie"]:
        needs = needs.filter(category__slug=chosen["categorie"])
    if chosen["statut"] in NeedStatus.values:
        needs = needs.filter(status=chosen["statut"])
    elif chosen["statut"] == "ouverts":
        needs = needs.exclude(status__in=CLOSED_STATUSES)
    if chosen["commune"]:  # a subquery, not a join: no duplicate rows, no DISTINCT over the whole list
        through = Need.communes.through.objects.filter(commune__insee_code=chosen["commune"])
        needs = needs.filter(pk__in=through.values("need_id"))
    if chosen["q"]:
        matching = matching_ids(territory, chosen["q"], kind=SEARCH_KIND)
        if matching is not None:
            needs = needs.filter(pk__in=matching)
    return needs, chosen


def list_context(user: Any, territory: Territory, params: Mapping[str, str]) -> dict[str, Any]:
    needs, chosen = filtered_needs(user, territory, params)
    page = Paginator(needs.order_by("-created_at", "-pk"), PER_PAGE).get_page(params.get("page"))
    page.object_list = list(page.object_list)
    counts = dict(
        Support.objects.filter(need_id__in=[n.pk for n in page.object_list], confirmed=True)
        .values("need_id")
        .annotate(n=Count("pk"))
        .values_list("need_id", "n")
    )
    for need in page.object_list:
        need.support_count = counts.get(need.pk, 0)
    return {
        "page_obj": page,
        "needs": page.object_list,
        "total": page.paginator.count,
        "chosen": chosen,
        "categories": categories(territory, active_only=False),
        "statuses": [
            (value, label) for value, label in NeedStatus.choices if value != NeedStatus.UNCONFIRMED
        ],
        "communes": territory.communes.order_by("name"),
        "can_animate": can_animate(user, territory),
        "breadcrumbs": [("Besoins sociaux", None)],
    }


def commune_counts(territory: Territory) -> list[dict[str, Any]]:
    """For each commune of the territory with needs: open and total counts, and its centroid."""
    public = ~Q(needs__status=NeedStatus.UNCONFIRMED) & Q(needs__territory=territory)
    rows = (
        Commune.objects.filter(territories=territory)
        .annotate(
            total=Count("needs", filter=public, distinct=True),
            open=Count("needs", filter=public & ~Q(needs__status__in=CLOSED_STATUSES), distinct=True),
        )
        .filter(total__gt=0)
        .order_by("-total", "name")
    )
    return [
        {
            "name": c.name,
            "insee": c.insee_code,
            "total": c.total,
            "open": c.open,
            "lat": c.latitude,
            "lon": c.longitude,
            "url": reverse("needs:list") + f"?commune={c.insee_code}",
        }
        for c in rows
    ]


def map_context(user: Any, territory: Territory) -> dict[str, Any]:
    rows = commune_counts(territory)
    points = (
        Need.objects.for_user(user, territory).filter(latitude__isnull=False, communes__isnull=True).count()
    )
    return {
        "rows": rows,
        "points_only": points,
        "breadcrumbs": crumbs(("Carte par commune", None)),
    }


def need_context(user: Any, territory: Territory, need: Need) -> dict[str, Any]:
    animate = can_animate(user, territory)
    supports = Support.objects.filter(need=need, confirmed=True)
    user_support = supports.filter(user=user).first() if getattr(user, "is_authenticated", False) else None
    content_type = ContentType.objects.get_for_model(Need)
    return {
        "need": need,
        "history": [(line, NEED_MACHINE.label(line.to_state)) for line in history(need)],
        "support_count": supports.count(),
        "testimonies": supports.exclude(testimony="").order_by("created_at"),
        "user_support": user_support,
        "is_reporter": bool(
            user_support is None and getattr(user, "pk", None) and need.reporter_id == user.pk
        ),
        "can_support": need.status in (NeedStatus.REPORTED, NeedStatus.QUALIFIED, NeedStatus.ADDRESSING),
        "can_take_part": can_take_part(user, territory),
        "can_animate": animate,
        "can_qualify": not animate and need.status == NeedStatus.REPORTED and can_qualify(user, territory),
        "moves": [(s, MOVE_LABELS[s]) for s in sorted(NEED_MACHINE.allowed(need.status)) if s in MOVE_LABELS],
        "structures": need.structures.filter(status="published").order_by("name"),
        "plan_links": links_to(content_type, need.pk, territory),
        "absorbed": need.absorbed.all().order_by("pk"),
        "breadcrumbs": crumbs((need.title, None)),
    }


def manage_context(territory: Territory) -> dict[str, Any]:
    needs = Need.objects.of_territory(territory).public()
    counts = dict(needs.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    return {
        "counts": [
            (label, counts.get(value, 0)) for value, label in NeedStatus.choices if value != "unconfirmed"
        ],
        "to_qualify": needs.filter(status=NeedStatus.REPORTED)
        .select_related("category")
        .with_support_count()
        .order_by("created_at"),
        "in_progress": needs.filter(status__in=[NeedStatus.QUALIFIED, NeedStatus.ADDRESSING])
        .select_related("category")
        .with_support_count()
        .order_by("-updated_at"),
        "unconfirmed": Need.objects.of_territory(territory).filter(status=NeedStatus.UNCONFIRMED).count(),
        "breadcrumbs": crumbs(("Animation du registre", None)),
    }


def answered_by_structure(territory: Territory) -> Any:
    """Ids of the published structures linked to a confirmed need of the territory (the directory's badge)."""
    return (
        Need.objects.of_territory(territory)
        .public()
        .filter(structures__status="published")
        .values_list("structures__id", flat=True)
        .distinct()
    )


def needs_answered_by(structure: Any) -> list[Need]:
    """The needs a structure answers, as the public reads them (confirmed, not merged away), open first."""
    closed = list(CLOSED_STATUSES)
    return sorted(
        Need.objects.of_territory(structure.territory)
        .public()
        .exclude(status=NeedStatus.DUPLICATE)
        .filter(structures=structure)
        .select_related("category"),
        key=lambda n: (n.status in closed, n.title.lower()),
    )
