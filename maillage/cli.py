"""The `maillage` console script: Django's manage.py with the project's own commands.

`maillage demo`, `maillage serve`, `maillage scheduler`, `maillage reap_tasks` and every Django command.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["maillage", *(argv if argv is not None else sys.argv[1:])])
    return 0


if __name__ == "__main__":
    sys.exit(main())
