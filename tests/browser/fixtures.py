"""Browser fixtures and the `browser` marker's rule (registered from tests/conftest.py via `pytest_plugins`).

- Chromium is Debian's, at /usr/bin/chromium: never a downloaded browser.
- When it is missing, tests marked `browser` are skipped with the reason, and the run says so at the end;
  under `CI=true` a missing Chromium, or any skipped browser test, fails the run instead.
- The live server is pytest-django's (`live_server`, transactional database); its hosts « localhost » and
  « 127.0.0.1 » are made domains of the test territory.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

# The sync Playwright API runs an event loop in the test thread; Django's ORM refuses to run there
# unless told.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
LIVE_HOSTS = ("localhost", "127.0.0.1")


def running_in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def chromium_missing_reason() -> str | None:
    if not CHROMIUM.exists():
        return f"Chromium est absent ({CHROMIUM}) : installez-le avec « apt-get install chromium »"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright n'est pas installé (pip install -e '.[dev]')"
    return None


# --- the `browser` marker's rule ------------------------------------------------------------------------
_skipped_browser_tests: list[str] = []


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("browser") is None:
        return
    reason = chromium_missing_reason()
    if reason is None:
        return
    if running_in_ci():
        pytest.fail(f"CI=true : les tests navigateur ne peuvent pas être ignorés. {reason}.", pytrace=False)
    pytest.skip(f"test navigateur ignoré : {reason}")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    if item.get_closest_marker("browser") is None or not report.skipped:
        return
    if running_in_ci():
        # Under CI a browser test must run: a skip of any kind fails it.
        report.outcome = "failed"
        report.longrepr = f"CI=true : test navigateur ignoré, ce qui est interdit en CI ({report.longrepr})"


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    # Runs where the results are gathered (the xdist controller too), unlike pytest_runtest_makereport.
    if report.skipped and "browser" in report.keywords:
        _skipped_browser_tests.append(report.nodeid)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if _skipped_browser_tests:
        reason = chromium_missing_reason() or "voir les raisons ci-dessus"
        terminalreporter.write_sep(
            "!", f"{len(_skipped_browser_tests)} tests navigateur ignorés", yellow=True
        )
        terminalreporter.write_line(f"Raison : {reason}.")
        terminalreporter.write_line("Sous CI=true, ces tests feraient échouer la suite.")


# --- Chromium -------------------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """One headless Debian Chromium per test process (per xdist worker)."""
    from playwright.sync_api import sync_playwright

    manager = sync_playwright().start()
    browser = manager.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
    try:
        yield browser
    finally:
        browser.close()
        manager.stop()


@pytest.fixture
def live_url(live_server, territory) -> str:
    """The live server's base URL, its hosts made domains of the test territory."""
    from maillage.core.hosts import invalidate_allowed_hosts
    from tests.factories import DomainFactory

    for host in LIVE_HOSTS:
        DomainFactory(territory=territory, name=host)
    invalidate_allowed_hosts()
    return live_server.url


@pytest.fixture
def new_context(chromium, live_url) -> Iterator[Callable[..., Any]]:
    """Make browser contexts (closed after the test): `new_context(user=None, **playwright_options)`."""
    contexts = []

    def make(user: Any = None, **options: Any) -> Any:
        options.setdefault("locale", "fr-FR")
        options.setdefault("base_url", live_url)
        context = chromium.new_context(**options)
        context.set_default_timeout(15_000)
        if user is not None:
            sign_in(context, user, live_url)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context) -> Any:
    """A page of an anonymous browser context on the live server."""
    return new_context().new_page()


def sign_in(context: Any, user: Any, base_url: str) -> None:
    """Sign the browser context in as `user`: a session made by Django's test client, its cookie passed."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": base_url}])
