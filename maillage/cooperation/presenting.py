"""How a shared item is shown (pages) and published (API): one flat description for a practice or an
event, whichever territory or installation it comes from."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse

from maillage.cooperation.models import ImportedItem, Share


@dataclass(frozen=True)
class SharedView:
    id: str
    kind: str
    kind_label: str
    title: str
    summary: str
    body: str
    url: str  # the page at the origin (absolute)
    territory: str
    structure: str = ""
    themes: list[str] = field(default_factory=list)
    start: Any = None
    end: Any = None
    place: str = ""
    local_url: str = ""  # the read-only page here


def _place(event: Any) -> str:
    parts = [getattr(event, "venue", ""), getattr(getattr(event, "commune", None), "name", "")]
    return ", ".join(p for p in parts if p)


def of_share(share: Share) -> SharedView:
    territory = share.territory
    if share.practice is not None:
        practice = share.practice
        path = reverse("actors:practice_detail", args=[practice.structure.slug, practice.slug])
        return SharedView(
            id=f"practice-{practice.pk}",
            kind="practice",
            kind_label="Fiche pratique",
            title=practice.title,
            summary=practice.summary,
            body=practice.body,
            url=territory.absolute_url(path),
            territory=territory.name,
            structure=practice.structure.name,
            themes=practice.theme_labels,
            local_url=reverse("cooperation:shared", args=[share.pk]),
        )
    event = share.event
    assert event is not None
    return SharedView(
        id=f"event-{event.pk}",
        kind="event",
        kind_label="Rendez-vous",
        title=event.title,
        summary="",
        body=event.description,
        url=territory.absolute_url(reverse("events:detail", args=[event.slug])),
        territory=territory.name,
        start=event.start,
        end=event.end,
        place=_place(event),
        local_url=reverse("cooperation:shared", args=[share.pk]),
    )


def of_imported(item: ImportedItem) -> SharedView:
    return SharedView(
        id=item.remote_id,
        kind=item.kind,
        kind_label=item.get_kind_display().capitalize(),
        title=item.title,
        summary=item.summary,
        body=item.body,
        url=item.source_url,
        territory=item.origin_territory,
        structure=item.origin_structure,
        themes=list(item.themes),
        start=item.start,
        end=item.end,
        place=item.place,
        local_url=reverse("cooperation:imported", args=[item.pk]),
    )
