"""Shared set-up of the benchmarks: a freshly migrated file SQLite with the demo loaded, in a temp folder."""

from __future__ import annotations

import atexit
import io
import os
import shutil
import statistics
import sys
import tempfile
from contextlib import redirect_stdout
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_django(*, demo: bool = True) -> Path:
    """Point the settings at a new SQLite file, migrate it, load the demo; return its folder."""
    workdir = Path(tempfile.mkdtemp(prefix="maillage-bench-"))
    atexit.register(shutil.rmtree, workdir, ignore_errors=True)
    (workdir / "static").mkdir()
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.dev"
    os.environ["MAILLAGE_DEBUG"] = "false"  # measure what production runs, not the debug machinery
    os.environ["MAILLAGE_SQLITE_PATH"] = str(workdir / "bench.sqlite3")
    os.environ["MAILLAGE_MEDIA_ROOT"] = str(workdir / "media")
    os.environ["MAILLAGE_STATIC_ROOT"] = str(workdir / "static")
    os.environ.pop("DATABASE_URL", None)
    import django
    from django.core.management import call_command

    django.setup()
    with redirect_stdout(io.StringIO()):
        call_command("migrate", interactive=False, verbosity=0)
        call_command("createcachetable", verbosity=0)
        if demo:
            call_command("demo")
    return workdir


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * pct / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def summarise(name: str, seconds: list[float], **extra: object) -> None:
    ms = [s * 1000 for s in seconds]
    figures = {
        "n": len(ms),
        "p50_ms": round(percentile(ms, 50), 2),
        "p95_ms": round(percentile(ms, 95), 2),
        "mean_ms": round(statistics.fmean(ms), 2),
        "max_ms": round(max(ms), 2),
        **extra,
    }
    print(f"{name}: " + "  ".join(f"{k}={v}" for k, v in figures.items()))
