from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from maillage.core.registry import registry


def maillage(request: HttpRequest) -> dict:
    territory = getattr(request, "territory", None)
    accent = territory.accent_color if territory else settings.MAILLAGE_ACCENT_COLOR
    return {
        "territory": territory,
        "menu_entries": registry.menu_for(request),
        "accent_color": accent,
        # Busts browsers' cache of /theme.css when the accent colour changes (the view also sends an ETag).
        "theme_version": accent.lstrip("#").lower(),
        "map_tiles_url": settings.MAILLAGE_MAP_TILES_URL,
        "map_tiles_attribution": settings.MAILLAGE_MAP_TILES_ATTRIBUTION,
    }
