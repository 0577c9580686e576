"""The main menu fits on one row at 1,366 px (a common laptop width), for anonymous visitors and animators;
the other entries are under « Plus », a disclosure menu that works with the keyboard."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

WIDTH, HEIGHT = 1366, 768


def top_level_rows(page) -> set[int]:
    """The distinct vertical positions of the main navigation's top-level items."""
    return set(
        page.eval_on_selector_all(
            "#navigation-principale > ul > li",
            "items => items.map(li => Math.round(li.getBoundingClientRect().top))",
        )
    )


@pytest.mark.parametrize("who", ["anonymous", "animator"])
def test_the_main_menu_is_one_row_at_1366_px(new_context, request, who):
    user = request.getfixturevalue("animator") if who == "animator" else None
    page = new_context(user=user, viewport={"width": WIDTH, "height": HEIGHT}).new_page()
    page.set_default_timeout(60_000)  # a loaded machine; nothing here measures time
    page.goto("/", timeout=120_000)
    nav = page.locator("#navigation-principale")
    assert nav.is_visible()
    assert len(top_level_rows(page)) == 1, nav.inner_text()

    more = nav.locator("details[data-nav-more]")
    summary = more.locator("summary")
    assert summary.inner_text().strip() == "Plus"
    if who == "animator":
        assert more.locator("a", has_text="Gérer la lettre").count() == 1  # closed: not in the a11y tree

    # Keyboard: Enter opens the disclosure, its links can be reached, Escape closes it and keeps the focus.
    summary.focus()
    page.keyboard.press("Enter")
    assert more.evaluate("d => d.open") is True
    first_link = more.locator("ul a").first
    assert first_link.is_visible()
    page.keyboard.press("Tab")
    assert first_link.evaluate("a => a === document.activeElement") is True
    page.keyboard.press("Escape")
    assert more.evaluate("d => d.open") is False
    assert summary.evaluate("s => s === document.activeElement") is True
    assert len(top_level_rows(page)) == 1
