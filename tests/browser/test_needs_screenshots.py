"""The guide's screenshot of a structure's profile with the needs it answers, from the needs demo (its loader
run on the test territory, whose published structures the demo links to the needs being answered). Written to
docs/guide/images/ only when MAILLAGE_SCREENSHOTS=1; otherwise the test still checks the section is drawn."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.utils import timezone

from maillage.needs import demo
from tests.factories import StructureFactory

pytestmark = pytest.mark.browser
IMAGES = Path(__file__).resolve().parents[2] / "docs" / "guide" / "images"


def test_screenshot_of_a_profile_with_its_needs(new_context, territory, structure):
    for name in ("Habitat et Humanisme Grasse", "Les Jardins du Loup"):  # the demo links two per need
        StructureFactory(territory=territory, name=name)
    demo.load(territory=territory, today=timezone.localdate(), context={})
    page = new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(f"/structures/{structure.slug}/")
    section = page.get_by_role("region", name="Besoins sociaux auxquels la structure répond")
    section.scroll_into_view_if_needed()
    assert section.get_by_role("link").count() >= 2
    if os.environ.get("MAILLAGE_SCREENSHOTS") == "1":
        section.screenshot(path=str(IMAGES / "besoins-fiche-structure.png"))
