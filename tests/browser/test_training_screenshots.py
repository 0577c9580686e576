"""Screenshots of the training pages for people to look at (var/screenshots/formations-*.png), at 1280 and
360 px; the guide's images (docs/guide/img/) were copied from them. Nothing is asserted beyond the page
answering."""

from __future__ import annotations

from pathlib import Path

import pytest

from maillage.training.examples import example_training

pytestmark = pytest.mark.browser

IMAGES = Path(__file__).resolve().parents[2] / "var" / "screenshots"


@pytest.mark.parametrize("width", [1280, 360])
def test_training_screenshots(new_context, example_ctx, width):
    IMAGES.mkdir(parents=True, exist_ok=True)
    objects = example_training(example_ctx)
    pages = {
        "manager_other": [("recensement", f"/formations/recensements/{objects['census'].pk}/repondre/")],
        "member": [("permanence", f"/formations/permanences/{objects['office_hours'].pk}/")],
        "animator": [("resultats", f"/formations/gestion/recensements/{objects['census'].pk}/resultats/")],
    }
    for role, items in pages.items():
        page = new_context(user=example_ctx.users[role], viewport={"width": width, "height": 900}).new_page()
        for name, url in items:
            response = page.goto(url)
            assert response is not None and response.status == 200, url
            page.screenshot(path=str(IMAGES / f"formations-{name}-{width}.png"), full_page=True)
