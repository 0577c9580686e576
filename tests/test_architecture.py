"""The house's rules (DESIGN.md, issue #13): apps are layered, no cycle between apps nor inside one, no
import hidden in a function body to dodge a cycle; one write path per object, one state machine, modules a
person can read, one permissions module per app, services that take a typed actor."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from tests.architecture import checks

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "maillage"

# Lazy imports of another app inside a function that are allowed, each with its reason:
# (importing module, imported module prefix).
LAZY_IMPORT_WHITELIST: dict[tuple[str, str], str] = {
    # `maillage` wraps manage.py and may reach any app's command.
    ("maillage.cli", "maillage"): "console script",
}


def lint_imports_command() -> list[str]:
    script = Path(sys.executable).with_name("lint-imports")
    return [str(script) if script.exists() else "lint-imports", "--no-cache"]


def test_import_linter_contracts_are_kept():
    result = subprocess.run(lint_imports_command(), cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "broken" in result.stdout and " 0 broken" in result.stdout, result.stdout


def _app_of(module: str) -> str:
    parts = module.split(".")
    return ".".join(parts[:2]) if len(parts) > 1 else module


def _module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _resolve(module: str, node: ast.ImportFrom, is_package: bool) -> str:
    if node.level == 0:
        return node.module or ""
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def function_body_imports(path: Path) -> list[tuple[int, str]]:
    """(line, imported module) for every import of a `maillage` module inside a function body."""
    module = _module_name(path)
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[tuple[int, str]] = []

    class Visitor(ast.NodeVisitor):
        depth = 0

        def visit_FunctionDef(self, node: ast.AST) -> None:
            self.depth += 1
            self.generic_visit(node)
            self.depth -= 1

        visit_AsyncFunctionDef = visit_FunctionDef

        def visit_Import(self, node: ast.Import) -> None:
            if self.depth:
                found.extend((node.lineno, a.name) for a in node.names if a.name.startswith("maillage"))

        def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
            if self.depth:
                target = _resolve(module, node, path.name == "__init__.py")
                if target.startswith("maillage"):
                    found.append((node.lineno, target))

    Visitor().visit(tree)
    return found


def layer_ranks() -> dict[str, int]:
    """App → its layer's rank in the import-linter contract of pyproject.toml (0 is the top)."""
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    ranks: dict[str, int] = {}
    for contract in config["tool"]["importlinter"]["contracts"]:
        if contract.get("type") != "layers":
            continue
        containers = contract.get("containers", [""])
        for rank, layer in enumerate(contract["layers"]):
            for tail in layer.replace("|", ":").split(":"):
                tail = tail.strip().strip("()")
                for container in containers:
                    ranks[f"{container}.{tail}" if container else tail] = rank
    return ranks


def cross_app_lazy_imports() -> list[str]:
    """Imports inside a function of an app that is not in a lower layer than the importing one.

    Importing a lower layer lazily is harmless (no cycle to dodge); importing a sibling or a higher layer
    inside a function is how cycles hide."""
    ranks = layer_ranks()
    problems = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        module = _module_name(path)
        for line, target in function_body_imports(path):
            importer_app, imported_app = _app_of(module), _app_of(target)
            if importer_app == imported_app:
                continue  # a lazy import inside the same app (models before the app registry is ready)
            if ranks.get(imported_app, -1) > ranks.get(importer_app, len(ranks) + 1) >= 0:
                continue  # a lower layer
            if any(module == m and target.startswith(p) for (m, p) in LAZY_IMPORT_WHITELIST):
                continue
            problems.append(f"{path.relative_to(ROOT)}:{line} imports {target} inside a function")
    return problems


def test_no_import_of_another_app_inside_a_function():
    problems = cross_app_lazy_imports()
    assert not problems, (
        "An import of another app inside a function hides a dependency (DESIGN.md: no imports inside "
        "functions to dodge a cycle). Import at the top of the module in the allowed direction, go through "
        "the registry, or whitelist it in tests/test_architecture.py with its reason:\n" + "\n".join(problems)
    )


def test_the_scan_finds_a_hidden_import(tmp_path, monkeypatch):
    # The scanner itself: an import of another app inside a function body is found, a top-level one is not.
    app = tmp_path / "maillage" / "events"
    app.mkdir(parents=True)
    (app / "services.py").write_text(
        "from maillage.core.models import Territory\n\n"
        "def f():\n"
        "    from maillage.plan.models import Action\n"
        "    from maillage.actors.models import Structure\n"
        "    return Action, Structure, Territory\n"
    )
    (tmp_path / "pyproject.toml").write_text((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    monkeypatch.setattr(sys.modules[__name__], "PACKAGE", tmp_path / "maillage")
    assert cross_app_lazy_imports() == [
        "maillage/events/services.py:4 imports maillage.plan.models inside a function"
    ]


def app_dependencies() -> dict[str, set[str]]:
    """For each app of `maillage`, the other apps it imports (at any depth of its package)."""
    grimp = pytest.importorskip("grimp")
    graph = grimp.build_graph("maillage")
    apps = sorted(m for m in graph.find_children("maillage") if (PACKAGE / m.split(".")[1]).is_dir())
    deps: dict[str, set[str]] = {a: set() for a in apps}
    for importer in apps:
        for imported in apps:
            if importer != imported and graph.chain_exists(
                importer=importer, imported=imported, as_packages=True
            ):
                deps[importer].add(imported)
    return deps


def test_no_cycle_between_apps():
    deps = app_dependencies()
    cycles = sorted(
        {tuple(sorted((a, b))) for a, targets in deps.items() for b in targets if a in deps.get(b, ())}
    )
    assert not cycles, f"apps that import each other: {cycles}"


# --- the rules of issue #13 (tests/architecture/checks.py) ------------------------------------------------
# Each test lists every offender, one line each (`path:line: what`). A rule named in PENDING is still being
# brought in by the apps' refactorings: its test reports the offenders as an expected failure (`pytest -rx`
# prints them) instead of failing the suite; once a rule has no offender, its test fails until it is
# removed from PENDING, so the list only shrinks. Allow-lists live next to each checker, with a reason.

PENDING: dict[str, str] = {}


def _report(rule: str, problems: list[str], advice: str) -> None:
    listing = "\n".join(problems)
    if rule in PENDING:
        if not problems:
            pytest.fail(f"rule {rule!r} has no offender left: remove it from PENDING in {__file__}")
        pytest.xfail(f"{PENDING[rule]} — {len(problems)} offender(s):\n{listing}")
    assert not problems, f"{advice}\n{listing}"


@pytest.fixture(scope="module")
def tree() -> list[checks.Source]:
    return checks.sources(ROOT)


def test_models_are_written_only_by_their_app_services(tree):
    _report(
        "writes",
        checks.writes_outside_services(tree),
        "Every ORM write of an app's models lives in that app's services.py / services/ (or in "
        "core.machines.transition); demo loaders, example builders, tasks and admin call the services. "
        "Genuine exceptions go in checks.WRITES_ALLOWED with their reason.",
    )


def test_the_admin_is_read_only_or_calls_the_services(tree):
    _report(
        "admin",
        checks.editable_admins(tree),
        "An admin class refuses add/change/delete (has_*_permission, can_delete = False) or routes them "
        "through the services (save_model, delete_model, the parent's save_formset for an inline).",
    )


def test_modules_are_at_most_600_lines(tree):
    _report(
        "module_length",
        checks.long_modules(tree),
        "Split the module into a package by use case (services/__init__.py re-exports the public names).",
    )


def test_every_status_field_has_a_machine_with_a_transition_log():
    from maillage.core.machines import machines

    _report(
        "machines",
        checks.models_without_machine(checks.project_models(), machines()),
        "Register a core.machines.Machine next to the model (models.py), with a log built on TransitionLog.",
    )


def test_no_import_module_of_maillage(tree):
    _report(
        "dynamic_imports",
        checks.dynamic_imports(tree),
        "Import at the top of the module, in the allowed direction, or go through the registry.",
    )


def test_no_import_cycle_inside_an_app(tree):
    _report(
        "cycles",
        checks.cycles_inside_apps(tree),
        "Two modules of one app import each other (maybe through a function body): move the shared part "
        "to a module both import (e.g. pure parsing in its own module).",
    )


def test_services_take_a_typed_actor(tree):
    _report(
        "actors",
        checks.untyped_actors(tree),
        "A service takes `actor: Actor` (maillage.core.actors): a user or SYSTEM / system(…) / visitor(…), "
        "never Any, never None.",
    )


def test_permissions_live_in_each_app_permissions_module(tree):
    _report(
        "permissions",
        checks.rules_outside_permissions(tree),
        "Rename rules.py to permissions.py (imported by the app's AppConfig.ready()); declare rules "
        "predicates and permissions only there.",
    )
