"""A fresh clone has no `var/` (git ignores it): the settings create it before anything writes there.

The commands run as real processes with `MAILLAGE_VAR_DIR` pointing at a directory that does not exist yet,
as `make demo` does on a new machine (it migrates before anything else).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def fresh_env(var_dir: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL"} and not k.startswith("MAILLAGE_")
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.dev",
            "MAILLAGE_VAR_DIR": str(var_dir),
            "PYTHONPATH": str(ROOT),
        }
    )
    return env


def test_migrate_creates_the_missing_var_directory_and_its_database(tmp_path):
    var_dir = tmp_path / "clone" / "var"
    assert not var_dir.exists()
    result = subprocess.run(
        [sys.executable, "-m", "maillage.cli", "migrate", "--noinput"],  # noqa: S603
        env=fresh_env(var_dir),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert (var_dir / "maillage.sqlite3").is_file()


def test_an_empty_variable_from_env_example_means_the_default(tmp_path):
    """`.env.example` lists `MAILLAGE_SQLITE_PATH=` empty: copied as `.env`, it must not blank the path."""
    env = fresh_env(tmp_path / "var")
    env["MAILLAGE_SQLITE_PATH"] = ""
    env["MAILLAGE_MEDIA_ROOT"] = ""
    code = "from config import env; print(env.SQLITE_PATH); print(env.MEDIA_ROOT)"
    out = subprocess.run(
        [sys.executable, "-c", code],  # noqa: S603
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout.split()
    assert out == [str(tmp_path / "var" / "maillage.sqlite3"), str(tmp_path / "var" / "media")]
