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

The import itself (through the services) is `services.import_plan`; this module reads and writes the format.

Links are not part of this file (they are edited on the node's page); an import never moves an item to
another node (nor a measurement to another indicator).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import tablib
from django.core.exceptions import ValidationError

from maillage.actors.models import Structure
from maillage.core.registry import registry
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
from maillage.plan.values import parse_value

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


def parse_choice(value: str, labels: dict[str, str], column: str) -> str:
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
    return parse_value(value, f"« {column} »")


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
        precision = parse_choice(row.get("précision", "") or "jour", PRECISION_LABELS, "précision")
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
            "kind": parse_choice(row.get("nature", "") or "autre", MEANS_KIND_LABELS, "nature"),
            "description": row.get("intitulé", "")[:400],
            "amount": _amount(row.get("montant", "")),
        }
    until = _date(row.get("fin", ""), "fin")
    return {
        "_type": SCHEDULE,
        "label": row.get("intitulé", "")[:300],
        "date": _date(row.get("début", ""), "début"),
        "precision": parse_choice(row.get("précision", "") or "mois", PRECISION_LABELS, "précision"),
        "until": until,
        "until_precision": parse_choice(
            row.get("précision de fin", "") or "mois", PRECISION_LABELS, "précision de fin"
        ),
    }


def parse_row(row: dict[str, str], structures: dict[str, Structure]) -> dict[str, Any]:
    row_type = _row_type(row)
    if row_type != NODE:
        return _parse_item(row, row_type)
    kind = parse_choice(row.get("niveau", ""), KIND_LABELS, "niveau")
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


def error_text(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return " ".join(m for messages in error.message_dict.values() for m in messages)
    return " ".join(error.messages)


def rank(item: tuple[int, dict[str, str], dict[str, Any] | None]) -> int:
    data = item[2]
    if data is None:
        return 0
    if data["_type"] == NODE:
        return LEVEL.get(data["kind"], 3)
    return ITEM_ORDER[data["_type"]]


def describe(row_type: str, item: Any) -> str:
    if row_type == MEASUREMENT:
        return f"mesure du {item.date:%d/%m/%Y} de l'indicateur « {item.indicator.title} »"
    if row_type == NODE:
        return f"{item.get_kind_display()} « {item.title} »"
    text = str(item) if row_type != SCHEDULE else (item.label or item.when)
    return f"{TYPE_NAMES[row_type]} « {text} »"


def read_ref(row: dict[str, str], seen: set[str]) -> str:
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
