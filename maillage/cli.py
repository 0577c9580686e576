"""The `maillage` console script: Django's manage.py with the project's own commands.

`maillage demo`, `maillage serve`, `maillage scheduler`, `maillage reap_tasks` and every Django command.

Safe by default: without `DJANGO_SETTINGS_MODULE`, the command uses the PRODUCTION settings (which refuse to
start without `MAILLAGE_SECRET_KEY`). Development is explicit: `make demo`, `make serve` and
`maillage serve --dev` use `config.settings.dev`.
"""

from __future__ import annotations

import os
import sys

PRODUCTION_SETTINGS = "config.settings.prod"
DEV_SETTINGS = "config.settings.dev"


def settings_module(argv: list[str], environ: dict[str, str] | os._Environ) -> str:
    """The settings module the command runs with: `serve --dev` → dev; else the environment's, else prod."""
    if argv[:1] == ["serve"] and "--dev" in argv[1:]:
        return DEV_SETTINGS
    return environ.get("DJANGO_SETTINGS_MODULE") or PRODUCTION_SETTINGS


def main(argv: list[str] | None = None) -> int:
    args = list(argv if argv is not None else sys.argv[1:])
    os.environ["DJANGO_SETTINGS_MODULE"] = settings_module(args, os.environ)
    from django.core.management import execute_from_command_line

    execute_from_command_line(["maillage", *args])
    return 0


if __name__ == "__main__":
    sys.exit(main())
