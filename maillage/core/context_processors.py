from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from maillage.core.registry import registry

# The main menu shows this many entries on one row (at 1,366 px, animators included); the others — the
# animators' management pages among them — go under « Plus », a disclosure menu (<details>).
MENU_ROW_SIZE = 7


def maillage(request: HttpRequest) -> dict:
    territory = getattr(request, "territory", None)
    accent = territory.accent_color if territory else settings.MAILLAGE_ACCENT_COLOR
    entries = registry.menu_for(request)
    row = [e for e in entries if e.audience != "animator"][:MENU_ROW_SIZE]
    return {
        "territory": territory,
        "menu_entries": entries,
        "menu_row": row,
        "menu_more": [e for e in entries if e not in row],
        "is_demo": bool(territory and (territory.settings or {}).get("demo")),
        "accent_color": accent,
        # Busts browsers' cache of /theme.css when the accent colour changes (the view also sends an ETag).
        "theme_version": accent.lstrip("#").lower(),
        "map_tiles_url": settings.MAILLAGE_MAP_TILES_URL,
        "map_tiles_attribution": settings.MAILLAGE_MAP_TILES_ATTRIBUTION,
    }
