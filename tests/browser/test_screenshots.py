"""Screenshots of the home page for people to look at (var/screenshots/); nothing is asserted on them."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


@pytest.mark.parametrize("width", [360, 1280])
def test_home_page_screenshot(new_context, example_ctx, width):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page = new_context(viewport={"width": width, "height": 800}).new_page()
    response = page.goto("/")
    assert response is not None and response.status == 200
    page.screenshot(path=str(SCREENSHOTS / f"accueil-{width}.png"), full_page=True)
