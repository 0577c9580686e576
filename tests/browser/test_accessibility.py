"""axe-core (WCAG 2.1 A/AA) on every registered HTML page, as anonymous and as one signed-in role."""

from __future__ import annotations

import pytest

from maillage.core.registry import registry
from tests.browser.axe import check_page_accessibility

pytestmark = pytest.mark.browser

HTML_PAGES = sorted(name for name, spec in registry.pages.items() if spec.kind == "page")


def test_some_pages_are_checked():
    assert HTML_PAGES, "no HTML page is registered"


@pytest.mark.parametrize("page_name", HTML_PAGES)
def test_page_has_no_wcag_violation(page_name, example_ctx, new_context):
    problems = check_page_accessibility(registry.pages[page_name], example_ctx, new_context=new_context)
    assert not problems, "\n".join(problems)
