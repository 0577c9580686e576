"""Keyboard use of the pages that update in place (htmx): the focus stays where the person is.

The directory's filters send the search on each change and swap the results and the facets: a facet ticked
with the space bar must keep the focus (the checkbox is replaced by the new one of the same id), else a
keyboard or screen-reader user is thrown back to the top of the page."""

from __future__ import annotations

import pytest

from tests.browser.keyboard import focused, skip_to_content, tab_to
from tests.factories import StructureFactory

pytestmark = pytest.mark.browser


def test_ticking_a_directory_facet_keeps_the_focus_on_it(new_context, territory):
    StructureFactory(territory=territory, name="Ressourcerie des collines", family="association")
    StructureFactory(territory=territory, name="Coopérative maraîchère", family="cooperative")
    page = new_context().new_page()
    page.goto("/structures/")
    skip_to_content(page)
    box = tab_to(page, "association (")
    assert box["type"] == "checkbox", box
    with page.expect_response(lambda r: "/structures/" in r.url and r.request.headers.get("hx-request")):
        page.keyboard.press("Space")
    page.wait_for_function("() => !document.querySelector('.htmx-request')")
    page.wait_for_timeout(200)  # htmx settles the swap
    after = focused(page)
    assert after is not None and after["id"] == box["id"] and after["checked"], after
    assert "Coopérative maraîchère" not in page.locator("#annuaire-resultats").inner_text()
