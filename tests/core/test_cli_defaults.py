"""Safe defaults of the `maillage` command: production settings unless told otherwise; gunicorn as the code
assumes it (gthread: threads of one process share the directory index)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

from maillage.cli import settings_module
from maillage.core.management.commands.serve import build_children

ROOT = Path(settings.BASE_DIR)


def test_without_a_settings_module_the_command_uses_production():
    assert settings_module(["migrate"], {}) == "config.settings.prod"
    assert settings_module(["serve"], {}) == "config.settings.prod"


def test_development_is_explicit():
    assert settings_module(["serve", "--dev"], {}) == "config.settings.dev"
    assert settings_module(["serve", "--dev"], {"DJANGO_SETTINGS_MODULE": "config.settings.prod"}) == (
        "config.settings.dev"
    )
    assert (
        settings_module(["demo"], {"DJANGO_SETTINGS_MODULE": "config.settings.dev"}) == "config.settings.dev"
    )


def test_the_bare_command_refuses_to_start_without_a_secret_key(tmp_path):
    env = {
        k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE" and not k.startswith("MAILLAGE_")
    }
    env.update({"PYTHONPATH": str(ROOT), "MAILLAGE_VAR_DIR": str(tmp_path / "var")})
    result = subprocess.run(
        [sys.executable, "-m", "maillage.cli", "check"],  # noqa: S603
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "MAILLAGE_SECRET_KEY doit être défini en production" in result.stderr


def test_serve_starts_gunicorn_with_threads():
    web = build_children(dev=False, bind="127.0.0.1:9", workers=3, threads=5)[0]
    assert web.name == "web"
    argv = web.argv
    assert argv[argv.index("--worker-class") + 1] == "gthread"
    assert argv[argv.index("--threads") + 1] == "5"
    assert argv[argv.index("--workers") + 1] == "3"
