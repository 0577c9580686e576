"""Screenshots of the calls for the guide (docs/guide/images/appels-*.png), at 1280 and 360 px, taken from
the real demo (the foundation's loaders, then the calls'): the jury with its declared conflict, the
ranking and the decided deliberation with their figures, the criteria page. The pages must show figures."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from maillage.core.demo import demo_today
from maillage.core.registry import registry

pytestmark = pytest.mark.browser

IMAGES = Path(__file__).resolve().parents[2] / "docs" / "guide" / "images"


def test_calls_screenshots(new_context, db):
    today = demo_today()
    context: dict = {"today": today, "logins": []}
    for loader in registry.ordered_demo_loaders():
        if loader.order <= 25 or loader.key == "calls_demo":
            loader.load(today=today, context=context)
    animator = context["demo_accounts"]["animator"]
    base = f"/appels-a-projets/gestion/{today.year}"
    shots = [
        (f"{base}/jury/", "jury-gestion", "(ancienne salariée de la structure)"),
        (f"{base}/classement/", "classement", "pondération 1"),
        (f"{base}/deliberation/", "deliberation", "attribués sur une enveloppe"),
        (f"{base}/criteres/", "criteres", "Le jury a commencé à noter"),
    ]
    IMAGES.mkdir(parents=True, exist_ok=True)
    for width, height in ((1280, 800), (360, 740)):
        browser = new_context(user=animator, viewport={"width": width, "height": height})
        page = browser.new_page()
        for url, name, words in shots:
            response = page.goto(url)
            assert response is not None and response.status == 200, url
            assert words in re.sub(r"\s+", " ", page.locator("main").inner_text()), url
            page.screenshot(path=str(IMAGES / f"appels-{name}-{width}.png"), full_page=True)
        # The public pages as a visitor sees them: the call, and its specification article by article.
        visitor = new_context(viewport={"width": width, "height": height}).new_page()
        for url, name, words in (
            (f"/appels-a-projets/{today.year}/", "appel", "Pourquoi cet appel"),
            (f"/appels-a-projets/{today.year}/cahier-des-charges/", "cahier", "Pourquoi cet appel"),
        ):
            response = visitor.goto(url)
            assert response is not None and response.status == 200, url
            assert words in re.sub(r"\s+", " ", visitor.locator("main").inner_text()), url
            visitor.screenshot(path=str(IMAGES / f"appels-{name}-{width}.png"), full_page=True)
