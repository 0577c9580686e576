"""CSV/XLSX export and import of a yearly plan, in one format that round-trips.

One row per node, parents before children. The « identifiant » column is the node's stable `ref` (kept across
yearly copies); « parent » is the parent's identifiant. Importing the file of an export, edited, updates the
nodes it names and creates the rows without identifiant (or with an unknown one) — rows absent from the file
are left as they are (an import never deletes). Status changes follow the status table and are logged like
any other; progress is checked (0–100). The whole import is one transaction: one bad row and nothing is
written; a dry run checks everything and rolls back.

Means, schedule entries, milestones and indicators are not part of this file (they are edited on the node's
page); the file carries the tree, its numbering, weights, dates, lead, partners, status and progress.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import tablib
from django.core.exceptions import ValidationError
from django.db import transaction

from maillage.actors.models import Structure
from maillage.plan import services
from maillage.plan.models import Node, PlanVersion

HEADERS: tuple[str, ...] = (
    "identifiant",
    "parent",
    "niveau",
    "numéro",
    "intitulé",
    "description",
    "poids",
    "début",
    "fin",
    "statut",
    "avancement",
    "pilote",
    "pilote (autre)",
    "partenaires",
    "autres partenaires",
)

KIND_LABELS = {str(label): value for value, label in Node.Kind.choices}
STATUS_LABELS = {str(label): value for value, label in Node.Status.choices}
LEVEL = {Node.Kind.OBJECTIVE: 0, Node.Kind.OPERATIONAL: 1, Node.Kind.ACTION: 2}
MAX_ROWS = 2000


def export_rows(version: PlanVersion) -> list[list[Any]]:
    nodes = list(
        Node.objects.filter(version=version).select_related("parent", "lead").prefetch_related("partners")
    )
    by_parent: dict[int | None, list[Node]] = {}
    for node in nodes:
        by_parent.setdefault(node.parent_id, []).append(node)
    ordered: list[Node] = []

    def walk(parent_id: int | None) -> None:
        for node in sorted(by_parent.get(parent_id, []), key=lambda n: (n.position, n.pk)):
            ordered.append(node)
            walk(node.pk)

    walk(None)
    rows = []
    for node in ordered:
        rows.append(
            [
                str(node.ref),
                str(node.parent.ref) if node.parent else "",
                str(node.get_kind_display()),
                node.number,
                node.title,
                node.description,
                node.weight,
                node.starts_on.isoformat() if node.starts_on else "",
                node.ends_on.isoformat() if node.ends_on else "",
                str(node.get_status_display()) if node.kind == Node.Kind.ACTION else "",
                node.progress if node.kind == Node.Kind.ACTION else "",
                node.lead.slug if node.lead else "",
                node.lead_label,
                ", ".join(p.slug for p in node.partners.all()),
                node.partners_label,
            ]
        )
    return rows


# --- import ------------------------------------------------------------------------------------------


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)
    warnings: list[tuple[int, str]] = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


class ImportFailed(Exception):
    def __init__(self, report: ImportReport) -> None:
        super().__init__("import failed")
        self.report = report


def read_table(data: bytes, kind: str) -> list[dict[str, str]]:
    """The rows of a CSV (comma or semicolon, UTF-8 with or without BOM) or XLSX file, keyed by header."""
    if kind == "xlsx":
        dataset = tablib.Dataset().load(io.BytesIO(data), format="xlsx")
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError("Le fichier CSV doit être encodé en UTF-8.") from None
        first_line = text.split("\n", 1)[0]
        delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
        reader = csv.reader(io.StringIO(text), delimiter=delimiter)
        rows = list(reader)
        if not rows:
            raise ValidationError("Le fichier est vide.")
        dataset = tablib.Dataset(headers=rows[0])
        for row in rows[1:]:
            if not any(cell.strip() for cell in row):
                continue
            dataset.append((row + [""] * len(rows[0]))[: len(rows[0])])
    headers = [str(h or "").strip().lower().lstrip("'") for h in (dataset.headers or [])]
    missing = [h for h in ("identifiant", "parent", "niveau", "intitulé") if h not in headers]
    if missing:
        raise ValidationError(
            "Colonnes manquantes : "
            + ", ".join(f"« {m} »" for m in missing)
            + ". Partez d'un export du plan."
        )
    if dataset.height > MAX_ROWS:
        raise ValidationError(f"Le fichier a plus de {MAX_ROWS} lignes.")
    return [dict(zip(headers, (_cell(v) for v in row), strict=False)) for row in dataset]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    # The exporter neutralises cells that look like formulas with a leading apostrophe: undo it.
    if text.startswith("'") and len(text) > 1 and text[1] in "=+-@":
        text = text[1:]
    return text


def _date(value: str, column: str) -> dt.date | None:
    if not value:
        return None
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValidationError(f"« {column} » : date illisible « {value} » (AAAA-MM-JJ ou JJ/MM/AAAA).")


def _choice(value: str, labels: dict[str, str], column: str) -> str:
    lowered = value.strip().lower()
    for label, code in labels.items():
        if lowered in (label.lower(), code):
            return code
    raise ValidationError(f"« {column} » : valeur inconnue « {value} » ({', '.join(labels)}).")


def _parse(row: dict[str, str], structures: dict[str, Structure]) -> dict[str, Any]:
    kind = _choice(row.get("niveau", ""), KIND_LABELS, "niveau")
    weight_text = row.get("poids", "") or "1"
    if not weight_text.isdigit() or not 1 <= int(weight_text) <= 100:
        raise ValidationError(f"« poids » : un nombre entier de 1 à 100, pas « {weight_text} ».")
    lead_slug = row.get("pilote", "")
    if lead_slug and lead_slug not in structures:
        raise ValidationError(f"« pilote » : aucune structure publiée « {lead_slug} » sur le territoire.")
    partner_slugs = [s.strip() for s in row.get("partenaires", "").split(",") if s.strip()]
    unknown = [s for s in partner_slugs if s not in structures]
    if unknown:
        raise ValidationError(f"« partenaires » : structures inconnues : {', '.join(unknown)}.")
    return {
        "kind": kind,
        "number": row.get("numéro", "")[:20],
        "title": row.get("intitulé", ""),
        "description": row.get("description", ""),
        "weight": int(weight_text),
        "starts_on": _date(row.get("début", ""), "début"),
        "ends_on": _date(row.get("fin", ""), "fin"),
        "lead": structures.get(lead_slug) if lead_slug else None,
        "lead_label": row.get("pilote (autre)", "")[:200],
        "partners_label": row.get("autres partenaires", "")[:400],
        "_partners": [structures[s] for s in partner_slugs],
        "_status": row.get("statut", ""),
        "_progress": row.get("avancement", ""),
    }


def _messages(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return " ".join(m for messages in error.message_dict.values() for m in messages)
    return " ".join(error.messages)


def import_plan(
    *, actor: Any, version: PlanVersion, rows: Sequence[dict[str, str]], dry_run: bool
) -> ImportReport:
    """Apply `rows` to `version` in one transaction; raise ImportFailed (nothing written) on any row error.
    A dry run reports what would happen and writes nothing."""
    services.check_animator(actor, version.contract.territory)
    report = ImportReport(dry_run=dry_run)
    structures = {
        s.slug: s
        for s in Structure.objects.filter(
            territory=version.contract.territory, status=Structure.Status.PUBLISHED
        )
    }
    # Parents first: objectives, then operational objectives, then actions (file order kept within a level).
    numbered = list(enumerate(rows, start=2))  # row 1 is the header
    parsed: list[tuple[int, dict[str, str], dict[str, Any] | None]] = []
    for line, row in numbered:
        try:
            parsed.append((line, row, _parse(row, structures)))
        except ValidationError as error:
            report.errors.append((line, _messages(error)))
            parsed.append((line, row, None))
    parsed.sort(key=lambda item: LEVEL.get(item[2]["kind"], 3) if item[2] else 3)
    try:
        with transaction.atomic():
            existing = {str(n.ref): n for n in Node.objects.filter(version=version)}
            seen: set[str] = set()
            for line, row, data in parsed:
                if data is None:
                    continue
                try:
                    _apply(actor, version, row, data, existing, seen, report, line)
                except ValidationError as error:
                    report.errors.append((line, _messages(error)))
            if report.errors or dry_run:
                transaction.set_rollback(True)
    finally:
        report.errors.sort()
    if report.errors:
        raise ImportFailed(report)
    return report


def _apply(
    actor: Any,
    version: PlanVersion,
    row: dict[str, str],
    data: dict[str, Any],
    existing: dict[str, Node],
    seen: set[str],
    report: ImportReport,
    line: int,
) -> None:
    ref = row.get("identifiant", "").strip()
    if ref:
        try:
            ref = str(uuid.UUID(ref))
        except ValueError:
            raise ValidationError(f"« identifiant » illisible : « {ref} ».") from None
        if ref in seen:
            raise ValidationError("Cet identifiant apparaît deux fois dans le fichier.")
        seen.add(ref)
    parent_ref = row.get("parent", "").strip().lower()
    parent = None
    if parent_ref:
        parent = existing.get(parent_ref)
        if parent is None:
            raise ValidationError(
                f"Parent inconnu « {parent_ref} » : il n'est ni dans le plan {version.year} "
                "ni dans le fichier."
            )
    fields = {k: v for k, v in data.items() if not k.startswith("_")}
    fields["parent"] = parent
    partners = data["_partners"]
    node = existing.get(ref) if ref else None
    if node is None:
        node, warnings = services.create_node(actor=actor, version=version, data=fields, partners=partners)
        if ref:
            Node.objects.filter(pk=node.pk).update(ref=ref)
            node.ref = uuid.UUID(ref)
        existing[str(node.ref)] = node
        _follow_up(actor, node, data, existing)
        report.created += 1
    else:
        changed = any(getattr(node, k) != v for k, v in fields.items()) or set(node.partners.all()) != set(
            partners
        )
        if changed:
            node, warnings = services.update_node(actor=actor, node=node, data=fields, partners=partners)
            existing[str(node.ref)] = node
        else:
            warnings = services.date_warnings(node)
        changed = _follow_up(actor, node, data, existing) or changed
        if changed:
            report.updated += 1
        else:
            report.unchanged += 1
    report.warnings.extend((line, w) for w in warnings)


def _follow_up(actor: Any, node: Node, data: dict[str, Any], existing: dict[str, Node]) -> bool:
    """An action's status (along the status table, logged) and progress. True when something changed."""
    if node.kind != Node.Kind.ACTION:
        return False
    changed = False
    if data["_status"]:
        status = _choice(data["_status"], STATUS_LABELS, "statut")
        if status != node.status:
            node = services.change_status(actor=actor, node=node, to_status=status, note="Import du plan")
            changed = True
    if data["_progress"] != "":
        progress = services.parse_progress(data["_progress"])
        if node.status == Node.Status.DONE:
            progress = 100  # a done action is at 100 %, whatever the file says
        if progress != node.progress:
            node = services.set_progress(actor=actor, node=node, progress=progress)
            changed = True
    existing[str(node.ref)] = node
    return changed
