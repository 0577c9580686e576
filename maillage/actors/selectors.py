"""Reads of actors for the pages: each function builds one page's context (the views only route, check and
render). Nothing here writes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpRequest, QueryDict
from django.urls import reverse
from django.utils.html import json_script
from django.utils.safestring import mark_safe

from maillage.accounts.models import User
from maillage.actors import directory, exports, permissions, services, taxonomy
from maillage.actors.forms import ContactForm, RefuseForm
from maillage.actors.models import (
    STRUCTURE_MACHINE,
    Decision,
    EditProposal,
    ErrorReport,
    ManagementRequest,
    Membership,
    MergeProposal,
    Practice,
    Structure,
)
from maillage.core.models import Territory
from maillage.core.registry import registry

# The labels of a structure's fields, for the moderation's « before / after » of a proposed edit.
FIELD_LABELS = {
    f.name: str(f.verbose_name) for f in Structure._meta.get_fields() if hasattr(f, "verbose_name")
}
FIELD_LABELS.update({"sectors": "Secteurs", "logo": "Logo"})


def _map_tiles() -> dict[str, str]:
    return {
        "tiles_url": settings.MAILLAGE_MAP_TILES_URL,
        "tiles_attribution": settings.MAILLAGE_MAP_TILES_ATTRIBUTION,
    }


def published_count(territory: Territory, start: dt.date, end: dt.date) -> int:
    """The metric « structures recensées »: what the directory lists (published records), as of `end`.
    Pending, refused and archived records are not counted: the figure and the list always agree."""
    return Structure.objects.published(territory).filter(created_at__date__lte=end).count()


def search_page(territory: Territory, params: QueryDict, *, client_key: str) -> dict[str, Any]:
    """The directory: search, facets, results and the map."""
    filters = directory.parse_filters(params, territory, client_key=client_key)
    try:
        page_number = int(params.get("page", 1))
    except ValueError:
        page_number = 1
    result = directory.run(filters, territory, page=page_number)
    query = params.copy()
    query.pop("page", None)
    return {
        "filters": filters,
        "result": result,
        "sorts": directory.SORTS,
        "radii": directory.RADII,
        "query_string": query.urlencode(),
        "markers_url": reverse("actors:markers"),
        **_map_tiles(),
    }


def structure_page(request: HttpRequest, structure: Structure, **extra: Any) -> dict[str, Any]:
    """A structure's profile."""
    user = request.user
    can_edit = user.is_authenticated and user.has_perm("actors.change_structure", structure)
    # json_script escapes <, > and & inside the JSON; only the script type changes (a data block).
    json_ld = mark_safe(  # noqa: S308
        json_script(exports.json_ld(structure, request)).replace(
            'type="application/json"', 'type="application/ld+json"', 1
        )
    )
    return {
        "structure": structure,
        "badges": directory.badges_of(structure),
        "practices": structure.practices.filter(is_published=True),
        "can_edit": can_edit,
        "pending_claims": ManagementRequest.objects.filter(
            structure=structure, status=Decision.PENDING
        ).count()
        if user.is_authenticated and user.has_perm("actors.decide_management_request", structure)
        else 0,
        # The moderation acts from the profile too: archive a published structure (closed, merged elsewhere),
        # or publish an archived one again.
        "moderation_moves": sorted(
            STRUCTURE_MACHINE.allowed(structure.status)
            & {Structure.Status.ARCHIVED, Structure.Status.PUBLISHED}
        )
        if structure.status in (Structure.Status.PUBLISHED, Structure.Status.ARCHIVED)
        and user.is_authenticated
        and permissions.can_moderate(user, structure.territory)
        else [],
        "is_manager": user.is_authenticated
        and Membership.objects.filter(user=user, structure=structure, role=Membership.Role.MANAGER).exists(),
        "json_ld": json_ld,
        "contact_form": extra.pop("contact_form", None) or ContactForm(),
        "can_contact": bool(services.contact_recipients(structure)) and structure.is_published,
        "provenance": exports.provenance_lines(structure),
        # Blocks other apps add through the registry (e.g. shared self-assessment results).
        "profile_blocks": registry.profile_blocks(structure) if structure.is_published else [],
        **_map_tiles(),
        "breadcrumbs": [("Annuaire des acteurs", reverse("actors:list")), (structure.name, None)],
        **extra,
    }


def diff_rows(proposal: EditProposal) -> list[tuple[str, Any, Any]]:
    return [(FIELD_LABELS.get(field, field), pair[0], pair[1]) for field, pair in proposal.changes.items()]


def moderation_page(user: User, territory: Territory) -> dict[str, Any]:
    """The directory's moderation queue: pending records, proposed edits, claims, reports, merges."""
    proposals = list(
        EditProposal.objects.for_user(user, territory).pending().select_related("structure", "author")
    )
    for proposal in proposals:
        proposal.diff = diff_rows(proposal)  # type: ignore[attr-defined]
    return {
        "pending": Structure.objects.for_user(user, territory)
        .filter(status=Structure.Status.PENDING)
        .select_related("commune")
        .order_by("created_at"),
        "proposals": proposals,
        "requests": ManagementRequest.objects.for_user(user, territory)
        .pending()
        .select_related("structure", "user"),
        "reports": ErrorReport.objects.for_user(user, territory)
        .filter(resolved=False)
        .select_related("structure"),
        "merges": MergeProposal.objects.filter(territory=territory, status=Decision.PENDING).select_related(
            "structure"
        ),
        "refuse_form": RefuseForm(),
        # Imports and the merges they propose stay with the animation.
        "is_animator": user.is_animator_of(territory),
        "breadcrumbs": [("Annuaire des acteurs", reverse("actors:list")), ("Modération", None)],
    }


def claims_page(structure: Structure) -> dict[str, Any]:
    """The pending « demandes de gestion » of one structure, for its managers (and the moderation)."""
    return {
        "structure": structure,
        "requests": ManagementRequest.objects.filter(structure=structure)
        .pending()
        .select_related("user")
        .order_by("created_at", "pk"),
        "breadcrumbs": [
            ("Annuaire des acteurs", reverse("actors:list")),
            (structure.name, reverse("actors:detail", args=[structure.slug])),
            ("Demandes de gestion", None),
        ],
    }


def practice_list_page(territory: Territory, params: QueryDict) -> dict[str, Any]:
    """The guide of practices: a theme, a search, pages of 20."""
    theme = params.get("theme", "")
    practices = Practice.objects.public(territory)
    q = params.get("q", "").strip()[:200]
    if theme in taxonomy.PRACTICE_THEMES:
        practices = [p for p in practices if theme in p.themes]
    else:
        theme = ""
    if q:
        from_search = directory.practice_ids(territory, q)
        practices = [p for p in practices if p.pk in from_search]
    return {
        "page_obj": Paginator(list(practices), 20).get_page(params.get("page")),
        "themes": taxonomy.PRACTICE_THEMES,
        "theme": theme,
        "q": q,
        "breadcrumbs": [("Guide des pratiques", None)],
    }
