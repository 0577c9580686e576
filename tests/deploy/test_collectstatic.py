"""`collectstatic` with the production settings (WhiteNoise's manifest storage) succeeds.

The manifest storage rewrites every `url(...)` and `sourceMappingURL` it finds and refuses a file that points
at a missing one: the vendored Leaflet files pointed at `.map` files that are not in the repository.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

# Starts its own installation in a subprocess, on SQLite whatever the suite's database: the SQLite pass only
# (scripts/run_tests.py leaves the « processes » tests out of the PostgreSQL pass).
pytestmark = pytest.mark.processes

ROOT = Path(settings.BASE_DIR)
STATIC = ROOT / "maillage" / "static"


def test_no_static_file_points_at_a_missing_source_map():
    missing = []
    for path in list(STATIC.rglob("*.js")) + list(STATIC.rglob("*.css")):
        for name in re.findall(
            r"sourceMappingURL=(\S+?)\s*(?:\*/)?$", path.read_text(errors="replace"), re.M
        ):
            if not (path.parent / name).exists():
                missing.append(f"{path.relative_to(ROOT)} → {name}")
    assert missing == []


def test_collectstatic_with_production_settings(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.prod",
            "MAILLAGE_SECRET_KEY": secrets.token_urlsafe(50),
            "MAILLAGE_STATIC_ROOT": str(tmp_path / "static"),
            "MAILLAGE_VAR_DIR": str(tmp_path / "var"),
            "PYTHONPATH": str(ROOT),
        }
    )
    result = subprocess.run(
        [sys.executable, "-m", "maillage.cli", "collectstatic", "--noinput"],  # noqa: S603
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
    manifest = json.loads((tmp_path / "static" / "staticfiles.json").read_text())
    assert "vendor/leaflet/leaflet.js" in manifest["paths"]
