"""The load test (bench/load/) cannot rot silently, and its bare « ok » view is never served by default.

- `/_banc/ok` (the ceiling the directory page is compared with) is not in the URL conf unless
  MAILLAGE_BENCH_OK_VIEW is on: 404 by default; « ok » through the whole middleware when on.
- every page of bench/load/journeys.py resolves to the view it names, and the locust journeys ask only for
  pages of that table.
"""

from __future__ import annotations

import importlib
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.urls import clear_url_caches, resolve

from config import env

ROOT = Path(settings.BASE_DIR)
sys.path.insert(0, str(ROOT))
from bench.load.journeys import MAP_BBOX, OK, PAGES  # noqa: E402
from bench.procs import children_of, cpu_seconds  # noqa: E402

SAMPLE = {
    "query": "q=ressourcerie&famille=association",
    "bbox": MAP_BBOX,
    "slug": "la-ressourcerie",
    "event": "atelier-reemploi-2027-01-12",
    "need": 12,
    "year": 2026,
}


@pytest.fixture
def ok_view_on(settings):
    """The URL conf as `maillage serve` builds it under the load test (MAILLAGE_BENCH_OK_VIEW=1)."""
    import config.urls

    settings.MAILLAGE_BENCH_OK_VIEW = True
    importlib.reload(config.urls)
    clear_url_caches()
    yield
    settings.MAILLAGE_BENCH_OK_VIEW = False
    importlib.reload(config.urls)
    clear_url_caches()


def test_the_ok_view_is_off_by_default(client, territory, monkeypatch):
    monkeypatch.delenv("MAILLAGE_BENCH_OK_VIEW", raising=False)
    assert env.get_bool("MAILLAGE_BENCH_OK_VIEW", False) is False
    assert settings.MAILLAGE_BENCH_OK_VIEW is False
    assert client.get("/_banc/ok").status_code == 404


@pytest.mark.usefixtures("ok_view_on")
def test_the_ok_view_answers_ok_through_the_middleware_when_on(client, territory):
    response = client.get("/_banc/ok")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert "Content-Security-Policy" in response.headers  # the same middleware as every page
    assert client.get("/_banc/ok", HTTP_HOST="inconnu.example").status_code == 400  # and its host check


@pytest.mark.parametrize("key", sorted(PAGES))
def test_every_page_of_the_journeys_resolves_to_its_view(key):
    page = PAGES[key]
    path = urlsplit(page.url(**SAMPLE)).path
    assert resolve(path).view_name == page.view, f"{key}: {path} is no longer « {page.view} »"
    assert page.method in {"GET", "POST"}


@pytest.mark.usefixtures("ok_view_on")
def test_the_ceiling_page_resolves_when_the_ok_view_is_on():
    assert resolve(OK.url()).view_name == OK.view


def test_the_journeys_ask_only_for_pages_of_the_table():
    source = (ROOT / "bench" / "load" / "locustfile.py").read_text()
    asked = set(re.findall(r'self\.page\(\s*"([a-z_]+)"', source))
    assert asked, "no page found in the locustfile: the pattern above is stale"
    assert asked - {"ok"} <= set(PAGES), f"unknown pages: {asked - set(PAGES) - {'ok'}}"
    assert set(PAGES) - asked == set(), f"pages of the table no journey asks for: {set(PAGES) - asked}"


def test_the_proc_helpers_see_a_child_and_its_cpu_time():
    child = subprocess.Popen([sys.executable, "-c", "sum(range(3_000_000)); import time; time.sleep(5)"])  # noqa: S603
    try:
        for _ in range(100):
            if child.pid in children_of(subprocess.os.getpid()):
                break
        assert child.pid in children_of(subprocess.os.getpid())
        assert cpu_seconds([child.pid]) >= 0
        assert cpu_seconds([]) == 0
    finally:
        child.kill()
        child.wait()
