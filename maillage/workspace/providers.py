"""Content providers and link targets the workspace offers to the rest of the house (through the registry)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.html import format_html, format_html_join

from maillage.core.registry import ContentBlock, ContentProvider, GroupMembership, LinkTarget
from maillage.workspace.models import Atelier, AtelierMember, NewsItem

MAX_NEWS = 8


def build_selected_news(
    *, territory: Any, since: dt.datetime, options: dict[str, Any]
) -> ContentBlock | None:
    """The news items the animator picked for the lettre since `since` (none: no block). Option `until`
    (an aware datetime) bounds the picks from above."""
    picked = NewsItem.objects.filter(territory=territory, picked_at__isnull=False, picked_at__gte=since)
    until = (options or {}).get("until")  # an archive composed after the fact (the demo's past issues)
    if until:
        picked = picked.filter(picked_at__lt=until)
    items = list(picked.order_by("-published_at")[:MAX_NEWS])
    if not items:
        return None
    html = format_html(
        "<ul>{}</ul>",
        format_html_join(
            "",
            '<li><a href="{}">{}</a>{}{}</li>',
            (
                (
                    item.url,
                    item.title,
                    format_html(" <small>({})</small>", item.source) if item.source else "",
                    format_html("<br>{}", item.summary) if item.summary else "",
                )
                for item in items
            ),
        ),
    )
    text = "\n".join(
        f"- {item.title}{f' ({item.source})' if item.source else ''} : {item.url}" for item in items
    )
    return ContentBlock(title="À lire dans la veille", html=str(html), text=text)


SELECTED_NEWS = ContentProvider(
    key="workspace.news", label="Veille : articles retenus", build=build_selected_news
)


def _atelier_choices(territory: Any) -> list[tuple[int, str]]:
    return list(Atelier.objects.filter(territory=territory, is_archived=False).values_list("pk", "name"))


def _atelier_url(atelier: Atelier) -> str:
    return reverse("workspace:atelier", kwargs={"slug": atelier.slug})


ATELIER_TARGET = LinkTarget(
    key="workspace.atelier",
    label="Atelier",
    model="workspace.Atelier",
    choices=_atelier_choices,
    url=_atelier_url,
)


def _atelier_slugs(territory: Any) -> list[tuple[str, str]]:
    return list(
        Atelier.objects.filter(territory=territory, is_archived=False)
        .order_by("name")
        .values_list("slug", "name")
    )


def _is_atelier_member(user: Any, territory: Any, slug: str) -> bool:
    """An active member (or coordinator) of the territory's current atelier `slug`."""
    return AtelierMember.objects.filter(
        atelier__territory=territory,
        atelier__slug=slug,
        atelier__is_archived=False,
        user=user,
        status=AtelierMember.Status.ACTIVE,
    ).exists()


# Lets another module give a right to the members of an atelier without importing the workspace.
ATELIER_MEMBERSHIP = GroupMembership(
    key="atelier", label="Membres d'un atelier", groups=_atelier_slugs, is_member=_is_atelier_member
)
