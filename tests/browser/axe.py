"""The accessibility check: axe-core (bundled by axe-playwright-python) with the WCAG 2.1 A and AA rules."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from maillage.core.registry import MATRIX_ROLES, ExampleContext, PageSpec

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """Run axe-core on the page as it is; return its WCAG 2.1 A/AA violations (id, impact, help, targets)."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(
        page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    )
    return [
        {
            "id": violation["id"],
            "impact": violation.get("impact"),
            "help": violation.get("help", ""),
            "targets": [" ".join(map(str, node.get("target", []))) for node in violation.get("nodes", [])],
        }
        for violation in results.response["violations"]
    ]


def format_violations(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        lines.append(f"  - {v['id']} ({v['impact']}): {v['help']}")
        lines.extend(f"      at {target}" for target in v["targets"][:10])
    return "\n".join(lines)


def axe_roles(spec: PageSpec) -> list[str]:
    """The roles a page is checked as: anonymous when it gets 200, and one signed-in role that gets 200
    (the page's `axe_as`, else the first of the matrix's signed-in roles that gets 200)."""
    roles = []
    if spec.expected.get("anonymous") == 200:
        roles.append("anonymous")
    signed_in = spec.axe_as
    if signed_in is None or spec.expected.get(signed_in) != 200:
        signed_in = next((r for r in MATRIX_ROLES if r != "anonymous" and spec.expected.get(r) == 200), None)
    if signed_in is not None:
        roles.append(signed_in)
    return roles


def check_page_accessibility(
    spec: PageSpec, ctx: ExampleContext, *, new_context: Callable[..., Any]
) -> list[str]:
    """Open the page's example URL as each role of `axe_roles` and return the problems found (empty: fine)."""
    url = spec.example_url(ctx)
    problems = []
    roles = axe_roles(spec)
    if not roles:
        return [f"{spec.name}: no role gets 200, nothing to check (declare a role that may see it)"]
    for role in roles:
        page = new_context(user=ctx.users[role]).new_page()
        response = page.goto(url)
        status = response.status if response is not None else None
        if status != 200:
            problems.append(f"{spec.name} as {role}: GET {url} gave {status} in the browser, expected 200")
            continue
        violations = axe_violations(page)
        if violations:
            problems.append(
                f"{spec.name} as {role}: {len(violations)} WCAG 2.1 A/AA violation(s) at {url}\n"
                + format_violations(violations)
            )
    return problems
