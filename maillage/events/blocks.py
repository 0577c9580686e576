"""The « prochains rendez-vous » content block (home page, lettre d'information), through the registry."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.template.loader import render_to_string

from maillage.core.models import Territory
from maillage.core.registry import ContentBlock
from maillage.events import services
from maillage.events.models import Event, Status


def upcoming_block(
    *, territory: Territory, since: dt.datetime, options: dict[str, Any] | None = None
) -> ContentBlock | None:
    limit = int((options or {}).get("limit", 3))
    events = list(
        Event.objects.public_agenda(territory)
        .filter(status=Status.PUBLISHED, start__gte=since)
        .select_related("commune", "territory")
        .order_by("start")[:limit]
    )
    if not events:
        return None
    items = [(e, services.when_label(e), e.territory.absolute_url(f"/agenda/{e.slug}/")) for e in events]
    html = render_to_string("events/block_upcoming.html", {"items": items})  # autoescaped
    text = "\n".join(f"- {e.title} : {when} ({url})" for e, when, url in items)
    return ContentBlock(title="Prochains rendez-vous", html=html, text=text)
