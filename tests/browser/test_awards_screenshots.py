"""Screenshots of the Trophée for the guide (docs/guide/img/trophees-*.png), at 1280 and 360 px, taken from
the real demo (the foundation's loaders — territories, accounts, structures — then the Trophée's): last
year's published edition, with its jury's marks, and this year's open for nominations. The results page must
show the jury's figures (the demo's jurors are the demo accounts: without them the jury was empty)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from maillage.awards.models import Score
from maillage.core.demo import demo_today
from maillage.core.registry import registry

pytestmark = pytest.mark.browser

IMAGES = Path(__file__).resolve().parents[2] / "docs" / "guide" / "img"


def test_awards_screenshots(new_context, db):
    today = demo_today()
    context: dict = {"today": today, "logins": []}
    for loader in registry.ordered_demo_loaders():
        if loader.order <= 25 or loader.key == "awards_demo":
            loader.load(today=today, context=context)
    assert Score.objects.exists()
    animator = context["demo_accounts"]["animator"]
    year = today.year
    IMAGES.mkdir(parents=True, exist_ok=True)
    shots = [
        (None, f"/trophees/{year}/", "edition", "candidatures"),
        (None, f"/trophees/{year - 1}/palmares/", "palmares", "prix du jury"),
        (animator, f"/trophees/gestion/{year - 1}/resultats/", "resultats", "prix du jury"),
    ]
    for width, height in ((1280, 800), (360, 740)):
        for user, url, name, words in shots:
            page = new_context(user=user, viewport={"width": width, "height": height}).new_page()
            response = page.goto(url)
            assert response is not None and response.status == 200, url
            assert words in re.sub(r"\s+", " ", page.locator("main").inner_text()).lower(), url
            page.screenshot(path=str(IMAGES / f"trophees-{name}-{width}.png"), full_page=True)
