"""Keyboard-only helpers for browser journeys: the person presses keys (`page.keyboard`), never clicks.

- `skip_to_content(page)`: the first Tab reaches the skip link, Enter moves the focus to the main content.
- `tab_to(page, name)`: Tab (or Shift+Tab) until the focused element's accessible name contains `name`;
  every element the focus stops on must show a visible focus indicator, and the focus may never fall
  back to the page's body (lost) nor go round the whole page without meeting the target.
- `type_in(page, label, text)`: tab to a field, then type with the keyboard.
- `choose(page, label, option)`: tab to a select, then arrow keys until `option` is selected.
- `press(page, key)`: press a key that submits or follows a link, and wait for the next page.
"""

from __future__ import annotations

import re
from typing import Any

# What the focused element is, how it is named, and whether its focus can be seen.
FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  const style = getComputedStyle(el);
  // A ring drawn around a card by :focus-within (one link per card) counts as the link's focus.
  let ring = 0;
  for (let up = el.parentElement, i = 0; up && i < 4; up = up.parentElement, i++) {
    const s = getComputedStyle(up);
    if (up.matches(':focus-within') && s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2) {
      ring = parseFloat(s.outlineWidth);
      break;
    }
  }
  let name = el.getAttribute('aria-label') || '';
  if (!name && el.labels && el.labels.length) name = el.labels[0].textContent;
  if (!name) name = el.textContent || el.value || '';
  const selected = el.selectedOptions ? Array.from(el.selectedOptions).map(o => o.textContent.trim()) : [];
  return {
    tag: el.tagName.toLowerCase(), type: el.getAttribute('type') || '', id: el.id,
    name: name.replace(/\\s+/g, ' ').trim(), href: el.getAttribute('href') || '',
    outline: style.outlineStyle !== 'none' ? parseFloat(style.outlineWidth) : ring,
    shadow: style.boxShadow, selected: selected, checked: !!el.checked,
    calendar_button: ['date', 'datetime-local', 'time'].includes(el.type) && !el.matches(':focus'),
  };
}"""


def focused(page: Any) -> dict[str, Any] | None:
    """The focused element (None when the focus is on the page itself, i.e. lost)."""
    return page.evaluate(FOCUSED)


def focus_is_visible(info: dict[str, Any]) -> bool:
    """A visible focus indicator: an outline of at least 2 px, or a box shadow.

    Exception: the calendar button inside a date field (Chromium's own, after day, month and year) cannot be
    styled by the page; the browser draws its thin ring (a known limit, docs/accessibilite.md)."""
    if info["calendar_button"]:
        return True
    return info["outline"] >= 2 or (info["shadow"] not in ("", "none"))


def _describe(info: dict[str, Any] | None) -> str:
    if info is None:
        return "(page)"
    return f"<{info['tag']}{' #' + info['id'] if info['id'] else ''}> « {info['name'][:60]} »"


def tab_to(page: Any, name: str, *, backwards: bool = False, max_presses: int = 120) -> dict[str, Any]:
    """Press Tab (Shift+Tab when `backwards`) until the focused element's name contains `name`.

    Fails when the focus is not visible on an element it stops on, when it falls back to the page (lost),
    or when `name` is never reached."""
    key = "Shift+Tab" if backwards else "Tab"
    seen: list[str] = []
    for _ in range(max_presses):
        page.keyboard.press(key)
        info = focused(page)
        seen.append(_describe(info))
        assert info is not None, f"the focus fell back to the page while looking for « {name} »: {seen}"
        assert focus_is_visible(info), f"no visible focus on {_describe(info)} (after {seen[:-1][-5:]})"
        if name in info["name"]:
            return info
    raise AssertionError(f"« {name} » never got the focus by {key}; the focus went through: {seen}")


def type_in(page: Any, label: str, text: str) -> None:
    """Tab to the field named `label` and type `text` as a person does."""
    info = tab_to(page, label)
    assert info["tag"] in {"input", "textarea"}, f"« {label} » is not a text field: {info}"
    page.keyboard.type(text)


def choose(page: Any, label: str, option: str, *, max_presses: int = 60) -> None:
    """Tab to the select named `label`, then press the down arrow until `option` is selected."""
    info = tab_to(page, label)
    assert info["tag"] == "select", f"« {label} » is not a list of choices: {info}"
    page.keyboard.press("Home")
    for _ in range(max_presses):
        current = focused(page)
        if current is not None and option in current["selected"]:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"« {option} » could not be chosen in « {label} » with the arrow keys")


def press(page: Any, key: str = "Enter") -> None:
    """Press a key that follows a link or submits a form, and wait for the page it leads to."""
    with page.expect_navigation():
        page.keyboard.press(key)
    page.wait_for_load_state()


def skip_to_content(page: Any) -> None:
    """The first Tab of a fresh page reaches the visible skip link; Enter moves the focus to <main>.

    A page reached by a form sent from « …#contenu » opens there (the browser keeps the fragment across the
    redirect), its <main> already focused: nothing to skip then."""
    if page.evaluate("() => document.activeElement.id") == "contenu":
        return
    page.keyboard.press("Tab")
    info = focused(page)
    assert info is not None and info["href"] == "#contenu", f"the first Tab reached {_describe(info)}"
    assert page.locator("a.skip-link").is_visible(), "the skip link must show when it has the focus"
    assert focus_is_visible(info), "the skip link's focus must be visible"
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "contenu", "the skip link must focus <main>"


def main_text(page: Any) -> str:
    return re.sub(r"\s+", " ", page.locator("main").inner_text())
