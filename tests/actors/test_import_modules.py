"""The import pipeline's modules depend one way: the parsing and matching modules and the geocoder's client
import no services and no tasks; services never import the tasks (they enqueue them by dotted path); no
`import_module` anywhere in actors."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ACTORS = Path(__file__).resolve().parents[2] / "maillage" / "actors"


def imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


@pytest.mark.parametrize("module", ["importers.py", "sirene.py", "geocoding.py", "near.py"])
def test_pure_modules_import_no_services_nor_tasks(module):
    found = imported(ACTORS / module)
    assert not {n for n in found if n.startswith(("maillage.actors.services", "maillage.actors.tasks"))}


def test_services_never_import_the_tasks():
    for path in (ACTORS / "services").glob("*.py"):
        assert not {n for n in imported(path) if n.startswith("maillage.actors.tasks")}, path.name


def test_no_import_module_in_actors():
    for path in ACTORS.rglob("*.py"):
        assert "import_module" not in imported(path) and "importlib" not in imported(path), path
