"""Keyboard use: the first Tab reaches the skip link, which moves focus to the main content; the « Plus » menu
of the main navigation closes when the focus leaves it."""

from __future__ import annotations

import pytest

from tests.browser.keyboard import tab_to

pytestmark = pytest.mark.browser


def test_skip_link_is_first_and_moves_focus_to_the_content(page, example_ctx):
    response = page.goto("/")
    assert response is not None and response.status == 200
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "() => ({tag: document.activeElement.tagName, href: document.activeElement.getAttribute('href'),"
        " text: document.activeElement.textContent.trim()})"
    )
    assert focused["tag"] == "A" and focused["href"] == "#contenu", focused
    assert page.locator("a[href='#contenu']").first.is_visible(), "the skip link must show when focused"
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "contenu"
    page.keyboard.press("Tab")
    inside = page.evaluate("() => document.getElementById('contenu').contains(document.activeElement)")
    outside_header = page.evaluate(
        "() => !document.querySelector('header')?.contains(document.activeElement)"
    )
    assert inside or outside_header, "after the skip link, Tab must go on from the content, not the header"


def test_the_more_menu_closes_when_the_focus_leaves_it(new_context, animator):
    """« Plus » opened with the keyboard, then left by Tab: it closes, so that the open list (drawn over the
    page at wide widths) never hides the element that now has the focus."""
    page = new_context(user=animator, viewport={"width": 1366, "height": 768}).new_page()
    page.goto("/")
    tab_to(page, "Plus")
    page.keyboard.press("Enter")
    more = page.locator("details[data-nav-more]")
    assert more.evaluate("d => d.open") is True
    links = more.locator("ul a").count()
    for _ in range(links):
        page.keyboard.press("Tab")
        assert more.evaluate("d => d.open") is True, "the menu must stay open while its links have the focus"
    page.keyboard.press("Tab")
    assert more.evaluate("d => d.open") is False, "the menu stays open after the focus left it"
    hidden = page.evaluate(
        "() => { const el = document.activeElement; const r = el.getBoundingClientRect();"
        " const top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);"
        " return !(top && (top === el || el.contains(top))); }"
    )
    assert not hidden, "the focused element is covered by something else"
