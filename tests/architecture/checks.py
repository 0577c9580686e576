"""The checkers of the house's rules (issue #13), as functions of a source tree or of given inputs.

tests/test_architecture.py runs them on the real `maillage/` package; tests/test_harness_catches_breakage.py
runs them on small broken examples built in a temporary directory, so each rule is shown to fail when broken.
Every checker returns one line per offender, `path:line: what`, sorted.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MAX_MODULE_LINES = 600


def by_place(lines: Iterable[str]) -> list[str]:
    """Sorted by path, then line number (numerically)."""

    def key(line: str) -> tuple[str, int, str]:
        path, _, rest = line.partition(":")
        number, _, tail = rest.partition(":")
        return (path, int(number) if number.isdigit() else 0, tail)

    return sorted(set(lines), key=key)


# --- the source tree -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """One module of the package: its path relative to the root, dotted name, app and syntax tree."""

    rel: str  # "maillage/events/services.py"
    module: str  # "maillage.events.services"
    app: str  # "events" ("" for maillage/cli.py and maillage/__init__.py)
    is_package: bool
    text: str
    tree: ast.Module


def sources(root: Path, package: str = "maillage") -> list[Source]:
    """Every module of `root/package`, migrations excluded."""
    found = []
    for path in sorted((root / package).rglob("*.py")):
        rel_path = path.relative_to(root)
        if "migrations" in rel_path.parts:
            continue
        parts = list(rel_path.with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        if is_package:
            parts = parts[:-1]
        text = path.read_text(encoding="utf-8")
        found.append(
            Source(
                rel=rel_path.as_posix(),
                module=".".join(parts),
                app=parts[1] if len(parts) > 2 or (len(parts) == 2 and is_package) else "",
                is_package=is_package,
                text=text,
                tree=ast.parse(text, filename=str(path)),
            )
        )
    return found


def is_services_module(src: Source) -> bool:
    """`maillage/<app>/services.py` or a module of the `maillage/<app>/services/` package."""
    parts = src.module.split(".")
    return len(parts) >= 3 and parts[2] == "services"


def _resolve(src: Source, node: ast.ImportFrom) -> str:
    if node.level == 0:
        return node.module or ""
    base = src.module.split(".") if src.is_package else src.module.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def _type_checking_blocks(tree: ast.AST) -> set[int]:
    """ids of the import nodes under `if TYPE_CHECKING:` (type-only: no runtime dependency)."""
    ids: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If):
            test = node.test
            name = test.id if isinstance(test, ast.Name) else getattr(test, "attr", "")
            if name == "TYPE_CHECKING":
                for child in node.body:
                    for sub in ast.walk(child):
                        ids.add(id(sub))
    return ids


# --- (a) one write path per object -----------------------------------------------------------------------

WRITE_METHODS = frozenset(
    {"save", "delete", "create", "bulk_create", "bulk_update", "update", "get_or_create", "update_or_create"}
)
# Queryset methods: a write called on a chain through one of these is an ORM write.
_QUERYSET_METHODS = frozenset(
    {
        "objects", "_default_manager", "_base_manager", "filter", "exclude", "all", "select_for_update",
        "select_related", "prefetch_related", "order_by", "annotate", "using", "none", "distinct",
    }
)  # fmt: skip
# Receivers of `.update()`, `.delete()`, `.save()` that are not models (dicts, caches, sessions, files…).
_NOT_MODELS = frozenset(
    {
        "context", "ctx", "data", "kwargs", "defaults", "fields", "extra", "params", "headers", "values",
        "options", "settings", "cleaned", "cleaned_data", "counts", "totals", "result", "results", "row",
        "changes", "payload", "state", "meta", "attrs", "mapping", "updates", "env", "environ", "seen",
        "cache", "caches", "session", "storage", "default_storage", "hasher", "digest", "h", "sha", "md5",
        "wb", "workbook", "ws", "image", "img", "pdf", "writer", "zf", "archive", "buffer", "fh", "out",
        "super", "os", "response", "request", "messages", "parser", "config",
    }
)  # fmt: skip

# Modules (or one function of a module: "path::function") allowed to write models outside a services
# module, each with its reason.
WRITES_ALLOWED: dict[str, str] = {
    "maillage/core/mail.py::erase_queued_mail": "erasure hook: drops the mails queued for a person",
    "maillage/core/machines.py": "the one state machine: transition() and the log lines, for every app",
    "maillage/core/versioning.py": "the versioned-document writes (ADR 0018), called only by each app's "
    "services after their permission check, inside their transaction",
    "maillage/core/search.py": "the search index's own writer, called by each app's services",
    "maillage/core/scheduler.py": "the scheduler's bookkeeping of its periodic jobs (ScheduledJob)",
    "maillage/core/tokens.py": "single-use signed links: recording a used token is part of checking it",
    "maillage/core/tasks.py": "the task queue's rows (django-tasks-db), claimed and finished by the worker",
    "maillage/accounts/models.py": "UserManager.create_user: Django's contract for createsuperuser",
}
# Personal-data erasure hooks anonymise or delete every trace of a person across the app's tables
# (history tables included): they may live in `personal_data.py` (issue #13: « erasure hooks »).
WRITES_ALLOWED_NAMES: dict[str, str] = {
    "personal_data.py": "personal-data erasure hooks (erase, retention) clean every table of the app",
}


def model_names(sources_: Iterable[Source]) -> dict[str, str]:
    """Model class name → its app, from the classes defined at the top of every models module."""
    names: dict[str, str] = {}
    for src in sources_:
        last = src.module.split(".")[-1]
        if not (last == "models" or last.endswith("_models") or ".models." in src.module):
            continue
        for node in src.tree.body:
            if isinstance(node, ast.ClassDef):
                bases = {getattr(b, "attr", getattr(b, "id", "")) for b in node.bases}
                if bases & {
                    "TextChoices",
                    "IntegerChoices",
                    "Choices",
                    "Manager",
                    "QuerySet",
                    "BaseUserManager",
                }:
                    continue
                names.setdefault(node.name, src.app)
    return names


M2M_METHODS = frozenset({"add", "set", "remove", "clear"})


def m2m_names(sources_: Iterable[Source]) -> set[str]:
    """Names of the many-to-many fields of every models module, and their `related_name`s."""
    names: set[str] = set()
    for src in sources_:
        last = src.module.split(".")[-1]
        if not (last == "models" or last.endswith("_models") or ".models." in src.module):
            continue
        for node in ast.walk(src.tree):
            if not (isinstance(node, ast.Assign) and isinstance(node.value, ast.Call)):
                continue
            func = node.value.func
            if getattr(func, "attr", getattr(func, "id", "")) != "ManyToManyField":
                continue
            names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
            for kw in node.value.keywords:
                if kw.arg == "related_name" and isinstance(kw.value, ast.Constant):
                    names.add(str(kw.value.value))
    return names - {"+"}


def _chain(node: ast.AST) -> list[ast.AST]:
    """The receiver chain of an attribute/call expression, outermost last: a.b(c).d → [a, .b, (), .d]."""
    out: list[ast.AST] = []
    while True:
        out.append(node)
        if isinstance(node, ast.Attribute):
            node = node.value
        elif isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Subscript):
            node = node.value
        else:
            break
    return list(reversed(out))


def _imported_models(src: Source, models: Mapping[str, str]) -> dict[str, str]:
    """Local name → app of the model, for `from maillage.<app>.models import X [as Y]`."""
    local: dict[str, str] = {}
    for node in ast.walk(src.tree):
        if isinstance(node, ast.ImportFrom):
            target = _resolve(src, node)
            parts = target.split(".")
            if len(parts) >= 3 and parts[0] == "maillage" and "models" in parts[2]:
                for alias in node.names:
                    local[alias.asname or alias.name] = parts[1]
    for name, app in models.items():
        if app == src.app:  # the app's own models, used without an import (in models.py itself)
            local.setdefault(name, app)
    return local


def _written_model_app(receiver: ast.AST, local_models: Mapping[str, str]) -> tuple[bool, str]:
    """(is it an ORM write?, app of the model if known) for the receiver of a write method."""
    chain = _chain(receiver)
    root = chain[0]
    root_name = root.id if isinstance(root, ast.Name) else ""
    attrs = [n.attr for n in chain if isinstance(n, ast.Attribute)]
    through_queryset = any(a in _QUERYSET_METHODS for a in attrs)
    model_app = local_models.get(root_name, "")
    return through_queryset or bool(model_app), model_app


def _is_model_write(call: ast.Call, local_models: Mapping[str, str]) -> tuple[bool, str]:
    func = call.func
    if not isinstance(func, ast.Attribute) or func.attr not in WRITE_METHODS:
        return False, ""
    method = func.attr
    receiver = func.value
    chain = _chain(receiver)
    root = chain[0]
    root_name = root.id if isinstance(root, ast.Name) else ""
    last_name = receiver.attr if isinstance(receiver, ast.Attribute) else root_name
    if isinstance(receiver, ast.Call) and isinstance(receiver.func, ast.Name) and receiver.func.id == "super":
        return False, ""  # super().save(): the model's own save, reported where it is called
    is_orm, model_app = _written_model_app(receiver, local_models)
    if (root_name in _NOT_MODELS or last_name in _NOT_MODELS) and not is_orm:
        return False, ""
    if isinstance(root, ast.Constant | ast.Dict | ast.Set | ast.List | ast.JoinedStr):
        return False, ""
    if method in {"bulk_create", "bulk_update", "get_or_create", "update_or_create"}:
        return True, model_app
    if method == "create":
        return True, model_app
    if method == "update":
        # dict.update(x) and set.update(x) take a positional argument; QuerySet.update() takes keywords.
        if call.args and not call.keywords:
            return False, ""
        return (is_orm or not call.args), model_app
    if method in {"save", "delete"}:
        # PIL's image.save(fp), a file's save(name, content), storage.delete(name), cache.delete(key): not
        # models. Model.save()/delete() take no positional argument.
        if call.args:
            return False, ""
        if any(k.arg == "save" for k in call.keywords):  # FieldFile.delete(save=False)
            return False, ""
        return True, model_app
    return False, ""


def _enclosing_functions(tree: ast.AST) -> dict[int, str]:
    """id of each node → name of the innermost function around it."""
    names: dict[int, str] = {}
    for func in ast.walk(tree):  # breadth first: an inner function overrides its outer one
        if isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
            for node in ast.walk(func):
                names[id(node)] = func.name
    return names


def writes_outside_services(
    sources_: Iterable[Source],
    *,
    allowed: Mapping[str, str] = WRITES_ALLOWED,
    allowed_names: Mapping[str, str] = WRITES_ALLOWED_NAMES,
) -> list[str]:
    """ORM writes outside the owning app's services, and writes of another app's models in services."""
    sources_ = list(sources_)
    models = model_names(sources_)
    m2m = m2m_names(sources_)
    problems = []
    for src in sources_:
        if src.rel in allowed or src.rel.rsplit("/", 1)[-1] in allowed_names:
            continue
        local_models = _imported_models(src, models)
        in_services = is_services_module(src)
        enclosing = _enclosing_functions(src.tree)
        for node in ast.walk(src.tree):
            if not isinstance(node, ast.Call):
                continue
            is_write, model_app = _is_model_write(node, local_models)
            func = node.func
            if (
                isinstance(func, ast.Attribute)
                and func.attr in M2M_METHODS
                and isinstance(func.value, ast.Attribute)
                and func.value.attr in m2m
            ):
                is_write = True  # obj.partners.set(…): a many-to-many write
            if not is_write or f"{src.rel}::{enclosing.get(id(node), '')}" in allowed:
                continue
            what = ast.unparse(node.func)
            if not in_services:
                problems.append(f"{src.rel}:{node.lineno}: {what}(…) outside services")
            elif model_app and src.app and model_app != src.app:
                problems.append(
                    f"{src.rel}:{node.lineno}: {what}(…) writes a model of « {model_app} » in the services "
                    f"of « {src.app} »"
                )
    return by_place(problems)


# --- (b) modules a person can read -----------------------------------------------------------------------


def long_modules(sources_: Iterable[Source], limit: int = MAX_MODULE_LINES) -> list[str]:
    problems = []
    for src in sources_:
        lines = len(src.text.splitlines())
        if lines > limit:
            problems.append(f"{src.rel}:{lines}: {lines} lines (at most {limit})")
    return by_place(problems)


# --- (c) one state machine -------------------------------------------------------------------------------

STATE_FIELDS = ("status", "state")


def _where(model: type) -> str:
    import inspect

    try:
        path = Path(inspect.getsourcefile(model) or "?")
        line = inspect.getsourcelines(model)[1]
    except (OSError, TypeError):
        return model.__module__.replace(".", "/") + ".py:0"
    parts = path.parts
    rel = "/".join(parts[parts.index("maillage") :]) if "maillage" in parts else path.name
    return f"{rel}:{line}"


def models_without_machine(
    models: Iterable[Any],
    machines: Mapping[str, Any],
    *,
    resolve_log: Callable[[str], type] | None = None,
    log_base: type | None = None,
) -> list[str]:
    """Concrete models with a `status`/`state` field and no registered machine (keyed
    `app_label.model.field`), or whose machine logs into a model not built on `TransitionLog`."""
    if resolve_log is None or log_base is None:
        from django.apps import apps

        from maillage.core.machines import TransitionLog

        resolve_log = resolve_log or apps.get_model
        log_base = log_base or TransitionLog
    problems = []
    for model in models:
        meta = model._meta
        if meta.abstract or meta.proxy or any(f.name == "history_id" for f in meta.get_fields()):
            continue  # abstract, proxies, and django-simple-history's copies of the model
        for field in meta.get_fields():
            if field.name not in STATE_FIELDS or getattr(field, "is_relation", False):
                continue
            key = f"{meta.label_lower}.{field.name}"
            machine = machines.get(key)
            if machine is None:
                problems.append(f"{_where(model)}: {meta.label}.{field.name} has no registered machine")
                continue
            try:
                log = resolve_log(machine.log)
            except LookupError:
                problems.append(f"{_where(model)}: {key}: its log model {machine.log} does not exist")
                continue
            if not (isinstance(log, type) and issubclass(log, log_base)):
                problems.append(f"{_where(model)}: {key}: its log {machine.log} is not a core TransitionLog")
    return by_place(problems)


def project_models() -> list[Any]:
    from django.apps import apps

    return [m for m in apps.get_models() if m.__module__.startswith("maillage.")]


# --- (d) no import_module of maillage --------------------------------------------------------------------

IMPORT_MODULE_ALLOWED: dict[str, str] = {}


def _literal_prefix(node: ast.AST | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant):
        return str(node.values[0].value)
    return None


def dynamic_imports(
    sources_: Iterable[Source], *, allowed: Mapping[str, str] = IMPORT_MODULE_ALLOWED
) -> list[str]:
    """`import_module("maillage.…")`, `importlib.import_module(…)`, `__import__("maillage…")`."""
    problems = []
    for src in sources_:
        if src.rel in allowed:
            continue
        for node in ast.walk(src.tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = (
                func.id
                if isinstance(func, ast.Name)
                else func.attr
                if isinstance(func, ast.Attribute)
                else ""
            )
            if name not in {"import_module", "__import__", "import_string"}:
                continue
            target = _literal_prefix(node.args[0] if node.args else None)
            if target is not None and target.startswith("maillage"):
                problems.append(f"{src.rel}:{node.lineno}: {name}({target!r}…) hides an import")
    return by_place(problems)


# --- (e) no cycle inside an app --------------------------------------------------------------------------


def import_edges(sources_: Iterable[Source]) -> dict[str, dict[str, int]]:
    """module → {imported module of the same app: line}, from every import (function bodies included,
    type-checking-only imports excluded)."""
    sources_ = list(sources_)
    known = {s.module for s in sources_}
    edges: dict[str, dict[str, int]] = {s.module: {} for s in sources_}
    for src in sources_:
        if not src.app:
            continue
        app_prefix = f"maillage.{src.app}"
        type_only = _type_checking_blocks(src.tree)
        for node in ast.walk(src.tree):
            if id(node) in type_only:
                continue
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = _resolve(src, node)
                for alias in node.names:
                    sub = f"{base}.{alias.name}"
                    targets.append(sub if sub in known else base)
            for target in targets:
                while target and target not in known:
                    target = target.rpartition(".")[0]
                if (
                    target
                    and target != src.module
                    and (target == app_prefix or target.startswith(app_prefix + "."))
                ):
                    edges[src.module].setdefault(target, node.lineno)
    return edges


def cycles_inside_apps(sources_: Iterable[Source]) -> list[str]:
    """Import cycles between modules of one app (Tarjan's strongly connected components)."""
    sources_ = list(sources_)
    rel = {s.module: s.rel for s in sources_}
    edges = import_edges(sources_)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []
    counter = [0]

    def strongconnect(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in edges.get(v, {}):
            if w not in index:
                strongconnect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                components.append(sorted(comp))

    for v in sorted(edges):
        if v not in index:
            strongconnect(v)
    problems = []
    for comp in components:
        members = set(comp)
        for module in comp:
            for target, line in sorted(edges[module].items()):
                if target in members:
                    problems.append(f"{rel[module]}:{line}: imports {target} (cycle: {' ↔ '.join(comp)})")
    return by_place(problems)


# --- (f) services take a typed actor ---------------------------------------------------------------------


def _annotation_text(node: ast.AST | None) -> str:
    if node is None:
        return ""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return ast.unparse(node)


def _functions(tree: ast.AST) -> Iterator[ast.FunctionDef | ast.AsyncFunctionDef]:
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield node


def untyped_actors(sources_: Iterable[Source], *, only_services: bool = True) -> list[str]:
    """Service parameters `actor` typed `Any` (or untyped, or optional) or defaulting to None."""
    problems = []
    for src in sources_:
        if only_services and not is_services_module(src):
            continue
        for func in _functions(src.tree):
            args = func.args
            positional = [*args.posonlyargs, *args.args]
            defaults: dict[str, ast.AST] = dict(
                zip(
                    [a.arg for a in positional[len(positional) - len(args.defaults) :]],
                    args.defaults,
                    strict=True,
                )
            )
            defaults.update({a.arg: d for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True) if d})
            for arg in [*positional, *args.kwonlyargs]:
                if arg.arg != "actor":
                    continue
                text = _annotation_text(arg.annotation)
                default = defaults.get("actor")
                where = f"{src.rel}:{func.lineno}: {func.name}()"
                if isinstance(default, ast.Constant) and default.value is None:
                    problems.append(f"{where}: actor defaults to None")
                if not text:
                    problems.append(f"{where}: actor is not typed (Actor)")
                elif text in {"Any", "typing.Any"}:
                    problems.append(f"{where}: actor: Any")
                elif "None" in text or "Optional" in text:
                    problems.append(f"{where}: actor: {text} (never None: SYSTEM or a user)")
    return by_place(problems)


# --- (g) one permissions module per app ------------------------------------------------------------------

_RULES_DECLARATIONS = frozenset({"add_perm", "set_perm", "add_rule", "set_rule", "predicate"})


def rules_outside_permissions(sources_: Iterable[Source]) -> list[str]:
    """`rules.py` modules left, and rules predicates/permissions declared elsewhere than `permissions.py`."""
    problems = []
    for src in sources_:
        filename = src.rel.rsplit("/", 1)[-1]
        if filename == "rules.py":
            problems.append(f"{src.rel}:1: a rules.py module (the app's rules live in permissions.py)")
            continue
        if filename == "permissions.py":
            continue
        from_rules = set()
        for node in ast.walk(src.tree):
            if isinstance(node, ast.ImportFrom) and node.module == "rules":
                from_rules |= {a.asname or a.name for a in node.names if a.name in _RULES_DECLARATIONS}
        for node in ast.walk(src.tree):
            name = ""
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
                if node.value.id == "rules" and node.attr in _RULES_DECLARATIONS:
                    name = f"rules.{node.attr}"
            elif isinstance(node, ast.Name) and node.id in from_rules and isinstance(node.ctx, ast.Load):
                name = node.id
            if name:
                problems.append(f"{src.rel}:{node.lineno}: {name} outside permissions.py")
    return by_place(problems)


# --- (a, admin) the admin is read-only or goes through the services ---------------------------------------

_ADMIN_BASES = ("Admin", "Inline")


def _admin_abilities(cls: ast.ClassDef, classes: Mapping[str, ast.ClassDef]) -> set[str]:
    """What a class (and its bases defined in the same module) overrides among the admin's write hooks:
    `has_*_permission`, `save_model`, `delete_model`, `save_formset`, and `can_delete = False` (as
    `has_delete_permission`)."""
    found: set[str] = set()
    for node in cls.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            found.add(node.name)
        elif (
            isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == "can_delete" for t in node.targets)
            and isinstance(node.value, ast.Constant)
            and node.value.value is False
        ):
            found.add("has_delete_permission")
    for base in cls.bases:
        name = ast.unparse(base)
        if name in classes and classes[name] is not cls:
            found |= _admin_abilities(classes[name], classes)
        if "ReadOnly" in name:
            found |= {"has_add_permission", "has_change_permission", "has_delete_permission"}
    return found


def editable_admins(sources_: Iterable[Source]) -> list[str]:
    """Admin classes that let Django write models itself, and models registered with the default, editable
    ModelAdmin. Each of add, change and delete must be refused (`has_*_permission`, `can_delete = False`)
    or routed through the services (`save_model` for add and change, `delete_model` for delete; for an
    inline, the parent's `save_formset`)."""
    problems = []
    for src in sources_:
        if src.rel.rsplit("/", 1)[-1] != "admin.py":
            continue
        classes = {n.name: n for n in src.tree.body if isinstance(n, ast.ClassDef)}
        inline_parents: dict[str, ast.ClassDef] = {}
        for cls in classes.values():
            for node in cls.body:
                if isinstance(node, ast.Assign) and any(
                    isinstance(t, ast.Name) and t.id == "inlines" for t in node.targets
                ):
                    for elt in getattr(node.value, "elts", []):
                        if isinstance(elt, ast.Name):
                            inline_parents[elt.id] = cls
        for cls in classes.values():
            if not any(ast.unparse(b).endswith(_ADMIN_BASES) for b in cls.bases):
                continue
            has = _admin_abilities(cls, classes)
            is_inline = any(ast.unparse(b).endswith("Inline") for b in cls.bases) or cls.name.endswith(
                "Inline"
            )
            if is_inline:
                parent = inline_parents.get(cls.name)
                routed = parent is not None and "save_formset" in _admin_abilities(parent, classes)
                writes = [w for w in ("add", "change", "delete") if f"has_{w}_permission" not in has]
                if writes and not routed and cls.name in inline_parents:
                    problems.append(
                        f"{src.rel}:{cls.lineno}: {cls.name} lets the admin {'/'.join(writes)} rows "
                        "(refuse it "
                        "with has_*_permission, or save through the services in the parent's save_formset)"
                    )
                continue
            writes = [
                w
                for w, hook in (("add", "save_model"), ("change", "save_model"), ("delete", "delete_model"))
                if f"has_{w}_permission" not in has and hook not in has
            ]
            if writes and (
                cls.decorator_list
                or cls.name not in {b for c in classes.values() for b in map(ast.unparse, c.bases)}
            ):
                problems.append(
                    f"{src.rel}:{cls.lineno}: {cls.name} lets the admin {'/'.join(writes)} directly "
                    "(refuse it "
                    "with has_*_permission, or define save_model/delete_model calling the services)"
                )
        for node in ast.walk(src.tree):
            if (
                isinstance(node, ast.Call)
                and ast.unparse(node.func) in {"admin.site.register", "site.register"}
                and len(node.args) == 1
                and not node.keywords
            ):
                model = ast.unparse(node.args[0])
                problems.append(f"{src.rel}:{node.lineno}: {model} registered with an editable ModelAdmin")
    return by_place(problems)
