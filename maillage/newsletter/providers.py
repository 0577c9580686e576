"""The lettre's own content provider: the editorial text the animator writes for an issue."""

from __future__ import annotations

import datetime as dt
from typing import Any

from maillage.core.registry import ContentBlock, ContentProvider
from maillage.core.text import french_typography, render_markdown
from maillage.newsletter.rendering import EDITORIAL_PROVIDER


def build_editorial(*, territory: Any, since: dt.datetime, options: dict[str, Any]) -> ContentBlock | None:
    text = (options or {}).get("text", "").strip()
    if not text:
        return None  # nothing written (the home page asks with no options: no block)
    html = french_typography(str(render_markdown(text)))
    return ContentBlock(title=str(options.get("title") or "Éditorial"), html=html, text=text)


EDITORIAL = ContentProvider(key=EDITORIAL_PROVIDER, label="Éditorial (votre texte)", build=build_editorial)
