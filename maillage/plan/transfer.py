"""CSV/XLSX export and import of a yearly plan, in one format that round-trips.

One row per node, parents before children, each node followed by what hangs on it: its means, schedule
entries, milestones and indicators, each indicator followed by its measurements entered by hand. The « type »
column says what a row is: « nœud », « moyen », « échéance », « jalon », « indicateur » or « mesure » (a row
without type is a node, so files exported before the column existed still import). The « identifiant »
column is the stable `ref` of the row's node or item (kept across yearly copies); « parent » is the
identifiant of the parent node — for an item, the node it hangs on; for a measurement, its indicator (either
may be created by the same file).

Columns by type: a means uses « intitulé » (its description), « nature » and « montant »; a schedule entry
« intitulé » (its label), « début » (its date), « précision », « fin » (until) and « précision de fin »; a
milestone « intitulé », « début » (its date), « précision » and « atteint le »; an indicator « intitulé »,
« unité », « valeur de départ », « cible », « échéance de la cible » and « calcul automatique » (the key of a
registry metric, empty for an indicator entered by hand); a measurement « début » (its date), « valeur » and
« intitulé » (its comment). Computed measurements are the platform's: they are neither exported nor imported.

Importing the file of an export, edited, updates the nodes and items it names and creates the rows
without identifiant (or with an unknown one) — rows absent from the file are left as they are (an import
never deletes). Status changes follow the status table and are logged like any other; progress is checked
(0–100). The whole import is one transaction: one bad row and nothing is written; a dry run checks everything,
lists what would be created or updated line by line, and rolls back.

Links are not part of this file (they are edited on the node's page); an import never moves an item to
another node (nor a measurement to another indicator).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import tablib
from django.core.exceptions import ValidationError
from django.db import transaction

from maillage.actors.models import Structure
from maillage.core.registry import registry
from maillage.plan import services
from maillage.plan.models import (
    Indicator,
    Means,
    Measurement,
    Milestone,
    Node,
    PlanVersion,
    Precision,
    ScheduleEntry,
)
from maillage.plan.transfer_match import Matcher

HEADERS: tuple[str, ...] = (
    "type",
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
    "nature",
    "montant",
    "précision",
    "précision de fin",
    "atteint le",
    "unité",
    "valeur de départ",
    "cible",
    "échéance de la cible",
    "calcul automatique",
    "valeur",
)

NODE, MEANS, SCHEDULE = "nœud", "moyen", "échéance"
MILESTONE, INDICATOR, MEASUREMENT = "jalon", "indicateur", "mesure"
TYPES = {
    "nœud": NODE,
    "noeud": NODE,
    "": NODE,
    "moyen": MEANS,
    "échéance": SCHEDULE,
    "echeance": SCHEDULE,
    "jalon": MILESTONE,
    "indicateur": INDICATOR,
    "mesure": MEASUREMENT,
}
# How a row of each type is named in the report (« le moyen « … » »).
TYPE_NAMES = {
    MEANS: "moyen",
    SCHEDULE: "échéance",
    MILESTONE: "jalon",
    INDICATOR: "indicateur",
    MEASUREMENT: "mesure",
}
THIS = {MEANS: "ce moyen", SCHEDULE: "cette échéance", MILESTONE: "ce jalon", INDICATOR: "cet indicateur"}
# The order rows are applied in: nodes by level (parents first), then what hangs on nodes, then measurements
# (which hang on indicators, possibly created by the same file).
ITEM_ORDER = {MEANS: 3, SCHEDULE: 3, MILESTONE: 3, INDICATOR: 3, MEASUREMENT: 4}
MEANS_KIND_LABELS = {str(label): value for value, label in Means.Kind.choices}
PRECISION_LABELS = {str(label): value for value, label in Precision.choices}

KIND_LABELS = {str(label): value for value, label in Node.Kind.choices}
STATUS_LABELS = {str(label): value for value, label in Node.Status.choices}
LEVEL = {Node.Kind.OBJECTIVE: 0, Node.Kind.OPERATIONAL: 1, Node.Kind.ACTION: 2}
MAX_ROWS = 2000


def _decimal(value: Decimal | None) -> str:
    return str(value) if value is not None else ""


def _iso(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


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

    def grouped(queryset: Any, key: str = "node_id") -> dict[int, list[Any]]:
        groups: dict[int, list[Any]] = {}
        for item in queryset:
            groups.setdefault(getattr(item, key), []).append(item)
        return groups

    means_by_node = grouped(Means.objects.filter(node__version=version).order_by("position", "pk"))
    schedule_by_node = grouped(
        ScheduleEntry.objects.filter(node__version=version).order_by("position", "date", "pk")
    )
    milestones_by_node = grouped(Milestone.objects.filter(node__version=version).order_by("date", "pk"))
    indicators_by_node = grouped(Indicator.objects.filter(node__version=version).order_by("position", "pk"))
    # Measurements entered by hand only: computed ones are the platform's and are not imported.
    measurements_by_indicator = grouped(
        Measurement.objects.filter(
            indicator__node__version=version, source=Measurement.Source.MANUAL
        ).order_by("date", "pk"),
        key="indicator_id",
    )
    column = {name: index for index, name in enumerate(HEADERS)}

    def row(kind: str, ref: Any, parent: Any, **cells: Any) -> list[Any]:
        line: list[Any] = [""] * len(HEADERS)
        line[column["type"]] = kind
        line[column["identifiant"]] = str(ref)
        line[column["parent"]] = str(parent) if parent else ""
        for name, value in cells.items():
            line[column[name]] = value
        return line

    rows = []
    for node in ordered:
        is_action = node.kind == Node.Kind.ACTION
        rows.append(
            row(
                NODE,
                node.ref,
                node.parent.ref if node.parent else "",
                **{
                    "niveau": str(node.get_kind_display()),
                    "numéro": node.number,
                    "intitulé": node.title,
                    "description": node.description,
                    "poids": node.weight,
                    "début": _iso(node.starts_on),
                    "fin": _iso(node.ends_on),
                    "statut": str(node.get_status_display()) if is_action else "",
                    "avancement": node.progress if is_action else "",
                    "pilote": node.lead.slug if node.lead else "",
                    "pilote (autre)": node.lead_label,
                    "partenaires": ", ".join(p.slug for p in node.partners.all()),
                    "autres partenaires": node.partners_label,
                },
            )
        )
        for means in means_by_node.get(node.pk, []):
            rows.append(
                row(
                    MEANS,
                    means.ref,
                    node.ref,
                    **{
                        "intitulé": means.description,
                        "nature": str(means.get_kind_display()),
                        "montant": _decimal(means.amount),
                    },
                )
            )
        for entry in schedule_by_node.get(node.pk, []):
            rows.append(
                row(
                    SCHEDULE,
                    entry.ref,
                    node.ref,
                    **{
                        "intitulé": entry.label,
                        "début": _iso(entry.date),
                        "précision": str(entry.get_precision_display()),
                        "fin": _iso(entry.until),
                        "précision de fin": str(entry.get_until_precision_display()) if entry.until else "",
                    },
                )
            )
        for milestone in milestones_by_node.get(node.pk, []):
            rows.append(
                row(
                    MILESTONE,
                    milestone.ref,
                    node.ref,
                    **{
                        "intitulé": milestone.title,
                        "début": _iso(milestone.date),
                        "précision": str(milestone.get_precision_display()),
                        "atteint le": _iso(milestone.reached_on),
                    },
                )
            )
        for indicator in indicators_by_node.get(node.pk, []):
            rows.append(
                row(
                    INDICATOR,
                    indicator.ref,
                    node.ref,
                    **{
                        "intitulé": indicator.title,
                        "unité": indicator.unit,
                        "valeur de départ": _decimal(indicator.baseline),
                        "cible": _decimal(indicator.target),
                        "échéance de la cible": _iso(indicator.target_date),
                        "calcul automatique": indicator.metric_key,
                    },
                )
            )
            for measurement in measurements_by_indicator.get(indicator.pk, []):
                rows.append(
                    row(
                        MEASUREMENT,
                        measurement.ref,
                        indicator.ref,
                        **{
                            "intitulé": measurement.note,
                            "début": _iso(measurement.date),
                            "valeur": _decimal(measurement.value),
                        },
                    )
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
    # What the import creates or updates, line by line: (line, « création » or « modification », what).
    changes: list[tuple[int, str, str]] = field(default_factory=list)
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
        try:
            dataset = tablib.Dataset().load(io.BytesIO(data), format="xlsx")
        except Exception:  # a damaged workbook raises whatever openpyxl or zipfile meets first
            raise ValidationError(
                "Le fichier XLSX est illisible ou endommagé : rien n'a été importé. Enregistrez-le à nouveau "
                "depuis votre tableur (format Excel .xlsx), ou partez d'un nouvel export du plan."
            ) from None
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
    missing = [h for h in ("identifiant", "parent", "intitulé") if h not in headers]
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


def _row_type(row: dict[str, str]) -> str:
    value = row.get("type", "").strip().lower()
    if value not in TYPES:
        raise ValidationError(
            f"« type » : valeur inconnue « {value} » (nœud, moyen, échéance, jalon, indicateur, mesure)."
        )
    return TYPES[value]


def _amount(value: str) -> Decimal | None:
    text = value.replace("\u202f", "").replace("\xa0", "").replace(" ", "").replace("€", "").replace(",", ".")
    if not text:
        return None
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ValidationError(f"« montant » : nombre illisible « {value} ».") from None
    if not amount.is_finite() or amount < 0 or amount >= Decimal("1e10"):
        raise ValidationError(f"« montant » : un montant positif en euros, pas « {value} ».")
    return amount.quantize(Decimal("0.01"))


def _number(value: str, column: str) -> Decimal | None:
    if not value.strip():
        return None
    return services.parse_value(value, f"« {column} »")


def _metric_key(value: str) -> str:
    key = value.strip()
    if key and key not in registry.metrics:
        known = ", ".join(sorted(registry.metrics))
        raise ValidationError(
            f"« calcul automatique » : calcul inconnu « {key} » (laissez vide pour une saisie à la main ; "
            f"calculs disponibles : {known})."
        )
    return key


def _parse_item(row: dict[str, str], row_type: str) -> dict[str, Any]:
    if row_type == MILESTONE:
        precision = _choice(row.get("précision", "") or "jour", PRECISION_LABELS, "précision")
        if precision == Precision.ONGOING:
            raise ValidationError(
                "« précision » : un jalon a une date (jour, mois, trimestre, semestre, année)."
            )
        return {
            "_type": MILESTONE,
            "title": row.get("intitulé", "")[:300],
            "date": _date(row.get("début", ""), "début"),
            "precision": precision,
            "reached_on": _date(row.get("atteint le", ""), "atteint le"),
        }
    if row_type == INDICATOR:
        return {
            "_type": INDICATOR,
            "title": row.get("intitulé", "")[:300],
            "unit": row.get("unité", "")[:50],
            "baseline": _number(row.get("valeur de départ", ""), "valeur de départ"),
            "target": _number(row.get("cible", ""), "cible"),
            "target_date": _date(row.get("échéance de la cible", ""), "échéance de la cible"),
            "metric_key": _metric_key(row.get("calcul automatique", "")),
        }
    if row_type == MEASUREMENT:
        date = _date(row.get("début", ""), "début")
        if date is None:
            raise ValidationError("Une mesure a une date : indiquez-la dans la colonne « début ».")
        value = _number(row.get("valeur", ""), "valeur")
        if value is None:
            raise ValidationError("Une mesure a une valeur : indiquez-la dans la colonne « valeur ».")
        return {"_type": MEASUREMENT, "date": date, "value": value, "note": row.get("intitulé", "")[:300]}
    if row_type == MEANS:
        return {
            "_type": MEANS,
            "kind": _choice(row.get("nature", "") or "autre", MEANS_KIND_LABELS, "nature"),
            "description": row.get("intitulé", "")[:400],
            "amount": _amount(row.get("montant", "")),
        }
    until = _date(row.get("fin", ""), "fin")
    return {
        "_type": SCHEDULE,
        "label": row.get("intitulé", "")[:300],
        "date": _date(row.get("début", ""), "début"),
        "precision": _choice(row.get("précision", "") or "mois", PRECISION_LABELS, "précision"),
        "until": until,
        "until_precision": _choice(
            row.get("précision de fin", "") or "mois", PRECISION_LABELS, "précision de fin"
        ),
    }


def _parse(row: dict[str, str], structures: dict[str, Structure]) -> dict[str, Any]:
    row_type = _row_type(row)
    if row_type != NODE:
        return _parse_item(row, row_type)
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
        "_type": NODE,
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
    # Items after every node, measurements after indicators, so that their parent may be created by the
    # same file (the sort is stable: file order is kept within a rank).
    parsed.sort(key=_rank)
    try:
        with transaction.atomic():
            existing = {str(n.ref): n for n in Node.objects.filter(version=version)}
            items: dict[str, dict[str, Any]] = {
                MEANS: {
                    str(m.ref): m for m in Means.objects.filter(node__version=version).select_related("node")
                },
                SCHEDULE: {
                    str(e.ref): e
                    for e in ScheduleEntry.objects.filter(node__version=version).select_related("node")
                },
                MILESTONE: {
                    str(m.ref): m
                    for m in Milestone.objects.filter(node__version=version).select_related("node")
                },
                INDICATOR: {
                    str(i.ref): i
                    for i in Indicator.objects.filter(node__version=version).select_related("node")
                },
                MEASUREMENT: {
                    str(m.ref): m
                    for m in Measurement.objects.filter(indicator__node__version=version).select_related(
                        "indicator"
                    )
                },
            }
            seen: set[str] = set()
            matcher = Matcher(version, existing, items)
            for line, row, data in parsed:
                if data is None:
                    continue
                try:
                    if data["_type"] == NODE:
                        _apply(actor, version, row, data, existing, seen, report, line, matcher)
                    else:
                        _apply_item(actor, version, row, data, existing, items, seen, report, line, matcher)
                except ValidationError as error:
                    report.errors.append((line, _messages(error)))
            if report.errors or dry_run:
                transaction.set_rollback(True)
    finally:
        report.errors.sort()
        report.changes.sort()
    if report.errors:
        raise ImportFailed(report)
    return report


def _rank(item: tuple[int, dict[str, str], dict[str, Any] | None]) -> int:
    data = item[2]
    if data is None:
        return 0
    if data["_type"] == NODE:
        return LEVEL.get(data["kind"], 3)
    return ITEM_ORDER[data["_type"]]


def _describe(row_type: str, item: Any) -> str:
    if row_type == MEASUREMENT:
        return f"mesure du {item.date:%d/%m/%Y} de l'indicateur « {item.indicator.title} »"
    if row_type == NODE:
        return f"{item.get_kind_display()} « {item.title} »"
    text = str(item) if row_type != SCHEDULE else (item.label or item.when)
    return f"{TYPE_NAMES[row_type]} « {text} »"


def _ref(row: dict[str, str], seen: set[str]) -> str:
    ref = row.get("identifiant", "").strip()
    if ref:
        try:
            ref = str(uuid.UUID(ref))
        except ValueError:
            raise ValidationError(f"« identifiant » illisible : « {ref} ».") from None
        if ref in seen:
            raise ValidationError("Cet identifiant apparaît deux fois dans le fichier.")
        seen.add(ref)
    return ref


def _create_item(actor: Any, row_type: str, parent: Any, fields: dict[str, Any]) -> Any:
    if row_type == MEANS:
        return services.add_means(actor=actor, node=parent, **fields)
    if row_type == SCHEDULE:
        return services.add_schedule_entry(actor=actor, node=parent, **fields)
    if row_type == MILESTONE:
        return services.add_milestone(actor=actor, node=parent, **fields)
    if row_type == INDICATOR:
        return services.add_indicator(actor=actor, node=parent, **fields)
    return services.record_measurement(actor=actor, indicator=parent, **fields)


def _update_item(actor: Any, row_type: str, item: Any, fields: dict[str, Any]) -> Any:
    if row_type == MEANS:
        return services.update_means(actor=actor, means=item, **fields)
    if row_type == SCHEDULE:
        return services.update_schedule_entry(actor=actor, entry=item, **fields)
    if row_type == MILESTONE:
        return services.update_milestone(actor=actor, milestone=item, **fields)
    if row_type == INDICATOR:
        return services.update_indicator(actor=actor, indicator=item, **fields)
    return services.update_measurement(actor=actor, measurement=item, **fields)


def _apply_item(
    actor: Any,
    version: PlanVersion,
    row: dict[str, str],
    data: dict[str, Any],
    existing: dict[str, Node],
    items: dict[str, dict[str, Any]],
    seen: set[str],
    report: ImportReport,
    line: int,
    matcher: Matcher,
) -> None:
    """An item row (means, schedule entry, milestone, indicator, measurement): update the item with that
    identifiant, or create it on its parent — a node, or for a measurement an indicator."""
    row_type = data["_type"]
    ref = _ref(row, seen)
    parent_ref = row.get("parent", "").strip().lower()
    if row_type == MEASUREMENT:
        if not parent_ref:
            raise ValidationError(
                "« parent » : indiquez l'identifiant de l'indicateur que la mesure renseigne."
            )
        parent = items[INDICATOR].get(parent_ref)
        if parent is None:
            raise ValidationError(
                f"Indicateur inconnu « {parent_ref} » : il n'est ni dans le plan {version.year} ni dans le "
                "fichier (le « parent » d'une mesure est l'identifiant de son indicateur)."
            )
    else:
        if not parent_ref:
            raise ValidationError(
                f"« parent » : indiquez l'identifiant du nœud auquel {THIS[row_type]} se rattache."
            )
        parent = existing.get(parent_ref)
        if parent is None:
            raise ValidationError(
                f"Parent inconnu « {parent_ref} » : il n'est ni dans le plan {version.year} "
                "ni dans le fichier."
            )
    fields = {k: v for k, v in data.items() if not k.startswith("_")}
    known = items[row_type]
    item = known.get(ref) if ref else None
    if item is None:
        # An identifiant unknown here (another installation's file) or none: what names the item on its
        # parent finds it, so that importing again updates instead of duplicating.
        item = matcher.item(row_type, parent, fields)
        if item is not None and ref:
            known[ref] = item
    if item is None:
        item = _create_item(actor, row_type, parent, fields)
        if ref:
            type(item).objects.filter(pk=item.pk).update(ref=ref)
            item.ref = uuid.UUID(ref)
        known[str(item.ref)] = item
        matcher.add_item(row_type, item)
        matcher.claim(row_type, item.pk, line)
        report.created += 1
        report.changes.append((line, "création", _describe(row_type, item)))
        return
    if row_type == MEASUREMENT:
        if item.source != Measurement.Source.MANUAL:
            raise ValidationError("Cette mesure est calculée par la plateforme : elle ne s'importe pas.")
        if item.indicator_id != parent.pk:
            raise ValidationError(
                f"Cette mesure renseigne l'indicateur « {item.indicator.ref} » : "
                "un import ne la rattache pas à un autre indicateur."
            )
    elif item.node_id != parent.pk:
        raise ValidationError(
            f"{THIS[row_type].capitalize()} se rattache au nœud « {item.node.ref} » : "
            "un import ne change pas le nœud d'un élément."
        )
    matcher.claim(row_type, item.pk, line)
    if all(getattr(item, k) == v for k, v in fields.items()):
        report.unchanged += 1
        return
    item = _update_item(actor, row_type, item, fields)
    known[str(item.ref)] = item
    if ref:
        known[ref] = item
    report.updated += 1
    report.changes.append((line, "modification", _describe(row_type, item)))


def _apply(
    actor: Any,
    version: PlanVersion,
    row: dict[str, str],
    data: dict[str, Any],
    existing: dict[str, Node],
    seen: set[str],
    report: ImportReport,
    line: int,
    matcher: Matcher,
) -> None:
    ref = _ref(row, seen)
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
        # An identifiant unknown here (another installation's file) or none: the number within the version
        # finds the node, so that importing again updates instead of duplicating.
        node = matcher.node(data)
        if node is not None and ref:
            existing[ref] = node
    if node is None:
        node, warnings = services.create_node(actor=actor, version=version, data=fields, partners=partners)
        if ref:
            Node.objects.filter(pk=node.pk).update(ref=ref)
            node.ref = uuid.UUID(ref)
        existing[str(node.ref)] = node
        matcher.add_node(node)
        matcher.claim(NODE, node.pk, line)
        _follow_up(actor, node, data, existing, ref)
        report.created += 1
        report.changes.append((line, "création", _describe(NODE, node)))
    else:
        matcher.claim(NODE, node.pk, line)
        changed = any(getattr(node, k) != v for k, v in fields.items()) or set(node.partners.all()) != set(
            partners
        )
        if changed:
            node, warnings = services.update_node(actor=actor, node=node, data=fields, partners=partners)
            existing[str(node.ref)] = node
            if ref:
                existing[ref] = node
        else:
            warnings = services.date_warnings(node)
        changed = _follow_up(actor, node, data, existing, ref) or changed
        if changed:
            report.updated += 1
            report.changes.append((line, "modification", _describe(NODE, node)))
        else:
            report.unchanged += 1
    report.warnings.extend((line, w) for w in warnings)


def _follow_up(
    actor: Any, node: Node, data: dict[str, Any], existing: dict[str, Node], ref: str = ""
) -> bool:
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
    if ref:
        existing[ref] = node  # the file's identifiant, when it matched a node of another identifiant
    return changed
