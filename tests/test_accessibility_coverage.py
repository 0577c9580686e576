"""The accessibility check reaches every HTML page: each URL of the URL conf (Maillage's, django-allauth's,
django-ninja's, the admin's) is walked by axe-core, or declared not to be an HTML page, or excluded with the
reason.

- walked: registered in the registry as kind "page" with a role that gets 200 (tests/browser/
  test_accessibility.py), or reached by a flow of tests/browser/test_accessibility_flows.py (pages that need
  a state: a login in progress, a key from a mail…);
- not HTML: registered as "api", "file" or "third_party_ui" (checked below: such an example URL must not
  answer a whole HTML document);
- excluded: `EXCLUDED` below, each with its reason (also stated in docs/accessibilite.md).
"""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from maillage.core.registry import MATRIX_ROLES, registry
from tests.browser.axe import axe_roles
from tests.browser.test_accessibility_flows import FLOWS
from tests.harness.matrix import client_for

# URL names (regular expressions, matched whole) left out of the axe walk, with the reason.
EXCLUDED: dict[str, str] = {
    r"admin:.*": "Django's administration site: staff only (the technical administrator), Django's own "
    "interface, outside the service offered to the public; named as an exemption in docs/accessibilite.md",
    r"api-1:(?!openapi-view).*": "the JSON API (django-ninja): no HTML; the matrix and schemathesis check it",
    r"api-1:openapi-view": "the Swagger UI explorer, registered as « api:docs » (third-party UI) with the "
    "accessible alternative « api_pages:reference »",
    r"": "a redirect (/api/docs → /api/), no page",
    r"notifications_legacy:": "old addresses of the notification pages, permanent redirects, no page",
    r"account_confirm_login_code": "login by code is disabled (only reauthentication by code is used): "
    "the view always redirects",
    r"mfa_download_recovery_codes": "a text file (the recovery codes to keep), not a page",
}


def url_names(resolver: URLResolver | None = None, namespace: str = "") -> list[tuple[str, str]]:
    """(URL name with its namespaces, pattern) of every view the URL conf serves."""
    found = []
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            inner = namespace + (f"{entry.namespace}:" if entry.namespace else "")
            found += [(name, str(entry.pattern) + pattern) for name, pattern in url_names(entry, inner)]
        elif isinstance(entry, URLPattern):
            found.append((namespace + (entry.name or ""), str(entry.pattern)))
    return found


def excluded_reason(name: str) -> str | None:
    return next((reason for rule, reason in EXCLUDED.items() if re.fullmatch(rule, name)), None)


def not_walked() -> list[str]:
    missing = []
    for name, pattern in url_names():
        spec = registry.pages.get(name)
        if spec is not None and (spec.kind != "page" or axe_roles(spec)):
            continue  # walked by test_accessibility.py, or declared not HTML (checked below)
        if name in FLOWS or excluded_reason(name) is not None:
            continue
        missing.append(f"{name or '(no name)'} ({pattern})")
    return missing


def test_every_html_page_is_walked_by_axe_or_excluded_with_a_reason():
    missing = not_walked()
    assert not missing, (
        "HTML pages that no accessibility check reaches: register them (registry.add_page, kind « page »), "
        "reach them with a flow in tests/browser/test_accessibility_flows.py, or add them to EXCLUDED with "
        "the reason: " + ", ".join(missing)
    )


def test_the_exclusions_and_flows_name_real_pages():
    names = {name for name, _ in url_names()}
    stale_flows = sorted(set(FLOWS) - names)
    stale_rules = [rule for rule in EXCLUDED if not any(re.fullmatch(rule, n) for n in names)]
    assert not stale_flows and not stale_rules, (stale_flows, stale_rules)
    walked_twice = sorted(set(FLOWS) & set(registry.pages))
    assert not walked_twice, f"registered pages need no flow: {walked_twice}"


def test_an_unwalked_page_is_caught(monkeypatch):
    # The check above must be able to fail: drop a registered page and it is reported.
    pages = dict(registry.pages)
    pages.pop("charter:home")
    monkeypatch.setattr(registry, "pages", pages)
    assert any(item.startswith("charter:home ") for item in not_walked())


NOT_HTML = sorted(name for name, spec in registry.pages.items() if spec.kind in ("api", "file"))


@pytest.mark.parametrize("page_name", NOT_HTML)
def test_a_page_declared_not_html_serves_no_html_document(page_name, example_ctx):
    """A page registered as "api" or "file" escapes axe: it must not answer a whole HTML document."""
    spec = registry.pages[page_name]
    role = next((r for r in MATRIX_ROLES if spec.expected.get(r) == 200), None)
    if role is None:
        return  # an action (POST only, 405 to a GET): nothing shown
    response = client_for(example_ctx.users[role]).get(spec.example_url(example_ctx))
    assert response.status_code == 200, (page_name, role, response.status_code)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    is_document = response["Content-Type"].startswith("text/html") and b"<html" in body[:2000].lower()
    assert not is_document, f"{page_name} answers an HTML page: register it as kind « page » for axe"
