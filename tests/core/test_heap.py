"""The web process freezes its start-up heap (core/heap.py), so the collector's full passes skip it."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from pathlib import Path

from maillage.core import heap

ROOT = Path(__file__).resolve().parents[2]


def test_settle_loads_the_routes_then_freezes_what_is_left():
    try:
        frozen = heap.settle()
        assert frozen == gc.get_freeze_count() > 10_000  # Django, every app, every route
        assert gc.get_count()[2] == 0
    finally:
        gc.unfreeze()  # the test process keeps its ordinary collector


def test_the_wsgi_application_settles_its_heap_when_loaded():
    code = (
        "import gc, config.wsgi; "
        "assert callable(config.wsgi.application); "
        "assert gc.get_freeze_count() > 10_000, gc.get_freeze_count()"
    )
    result = subprocess.run(  # noqa: S603 - a fixed command, our interpreter
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"},
    )
    assert result.returncode == 0, result.stderr[-2000:]
