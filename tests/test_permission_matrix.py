"""Every registered page and API endpoint answers each role of the matrix with the status it declares.

The roles: anonymous, member (of a structure of the territory), manager_other (manager of another structure),
animator_other (animator of the other territory), animator (with TOTP). A 302 must lead to the login page
(anonymous) or to the login, re-authentication or MFA page (signed in).
"""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from maillage.core.registry import registry
from tests.harness.matrix import check_page_permissions

PAGE_NAMES = sorted(registry.pages)

# URL names of Maillage views that are not pages to request with GET (POST-only actions…), with the reason.
# Everything else that Maillage serves must be registered, so the matrix and the axe check reach it.
NOT_PAGES: dict[str, str] = {
    # Django's admin view, only wrapped so the form saves through a service; the admin site's own login
    # (staff) and the superuser check of the service guard it (tests/accounts/test_admin.py).
    "admin:auth_user_password_change": "Django admin page (staff only), not a page of the site",
}


def _module_of(view) -> str:
    return getattr(getattr(view, "view_class", view), "__module__", "") or ""


def maillage_url_names(resolver: URLResolver | None = None, namespace: str = "") -> list[tuple[str, str]]:
    """(URL name, pattern) of every view defined in the `maillage` package (allauth's and ninja's excluded:
    the pages of theirs that we show are registered by the apps that use them)."""
    found = []
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            found += maillage_url_names(entry, namespace + (f"{entry.namespace}:" if entry.namespace else ""))
        elif isinstance(entry, URLPattern) and _module_of(entry.callback).startswith("maillage."):
            found.append((namespace + (entry.name or ""), str(entry.pattern)))
    return found


def unregistered_views() -> list[str]:
    return [
        f"{name or '(no name)'} ({pattern})"
        for name, pattern in maillage_url_names()
        if name not in registry.pages and name not in NOT_PAGES
    ]


def test_every_maillage_view_is_registered():
    unregistered = unregistered_views()
    assert not unregistered, (
        "Views not in the registry escape the permission matrix and the axe check: register them in the "
        "app's module.py (registry.add_page(PageSpec(...))) or list them in NOT_PAGES with the reason: "
        + ", ".join(unregistered)
    )


def test_the_registry_has_pages():
    # A registry emptied by mistake would make the matrix pass vacuously.
    assert PAGE_NAMES, "no page is registered"


@pytest.mark.parametrize("page_name", PAGE_NAMES)
def test_page_answers_each_role_as_declared(page_name, example_ctx):
    failures = check_page_permissions(registry.pages[page_name], example_ctx)
    assert not failures, "\n".join(failures)
