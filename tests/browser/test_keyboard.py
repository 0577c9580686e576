"""Keyboard use: the first Tab reaches the skip link, which moves focus to the main content."""

from __future__ import annotations

import pytest

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
