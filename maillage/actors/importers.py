"""Imports of structures, the pure part: reading tables, validating and matching rows — no write here.

Tables (CSV, XLSX, ODS) with a column mapping become `ImportRow`s; the Sirene reader (`sirene.py`) yields the
same rows. For each row (cleaned by the structure's validation), `plan_row` says what an import does with it,
reading the database but never writing: update an existing structure (with which changes), leave it
unchanged, propose a merge, or create a new one. The dry run is these plans alone; the commit
(`services.imports.import_rows`) applies them per chunk — `CHUNK` rows, or fewer when they take more than
`CHUNK_SECONDS` —, one short transaction each.

Matching, in order: exact SIRET, then exact RNA (then the SIREN's head office) → update; else a fuzzy name
match (rapidfuzz, token-sort ratio ≥ `FUZZY_THRESHOLD`) among the structures of the same commune → a
`MergeProposal` the animator accepts or rejects; else a new published structure. Provenance decides what
an import may overwrite: a field last written by a manager or the animation is never overwritten.
"""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import tablib
from django.core.exceptions import ValidationError
from rapidfuzz import fuzz, process

from maillage.actors import taxonomy
from maillage.actors.models import Structure
from maillage.core.models import Commune, Territory
from maillage.core.search import unaccent, words_of

logger = logging.getLogger(__name__)

FUZZY_THRESHOLD = 90.0
CHUNK = 200  # rows per transaction of a committed import…
CHUNK_SECONDS = 1.0  # …or fewer: a chunk's transaction (SQLite's write lock) is closed after this long
# Between two chunks, outside any transaction: long enough for a writer waiting on SQLite's busy timeout (its
# handler retries every 100 ms at most) to get the lock, rather than the import taking it back at once.
CHUNK_PAUSE = 0.1
PROTECTED_SOURCES = {"manager", "animator"}
# What a table's columns may fill (the form's fields but the personal contact, plus sectors and NAF).
TARGET_FIELDS = {
    "name": "Nom",
    "siret": "SIRET",
    "siren": "SIREN",
    "rna": "Numéro RNA",
    "legal_form": "Catégorie juridique",
    "naf_code": "Code NAF",
    "family": "Famille de l'ESS",
    "inclusion_kind": "Structure inclusive",
    "esus": "ESUS",
    "workforce_band": "Tranche d'effectif",
    "address": "Adresse",
    "postal_code": "Code postal",
    "commune": "Code INSEE de la commune",
    "website": "Site internet",
    "public_email": "Courriel public",
    "public_phone": "Téléphone public",
    "description": "Présentation",
    "sectors": "Secteurs",
}


class ImportFileError(ValueError):
    """The file cannot be read (message in French)."""


@dataclass
class ImportRow:
    line: int
    data: dict[str, Any]
    sectors: list[str] = field(default_factory=list)
    latitude: float | None = None
    longitude: float | None = None


@dataclass
class ImportReport:
    created: list[tuple[int, str]] = field(default_factory=list)
    updated: list[tuple[int, str]] = field(default_factory=list)
    unchanged: int = 0
    merges: list[tuple[int, str, str]] = field(default_factory=list)
    rejected: list[tuple[int, str]] = field(default_factory=list)
    committed: bool = False

    def extend(self, other: ImportReport) -> None:
        """Add a committed chunk's lines to the whole import's report."""
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.merges += other.merges
        self.rejected += other.rejected

    def as_dict(self) -> dict[str, Any]:
        return {
            "created": self.created[:1000],
            "updated": self.updated[:1000],
            "unchanged": self.unchanged,
            "merges": self.merges[:1000],
            "rejected": self.rejected[:1000],
            "counts": {
                "created": len(self.created),
                "updated": len(self.updated),
                "unchanged": self.unchanged,
                "merges": len(self.merges),
                "rejected": len(self.rejected),
            },
            "committed": self.committed,
        }


# --- reading tables ------------------------------------------------------------------------------------


def read_table(data: bytes, filename: str) -> tuple[list[str], list[list[str]]]:
    """Headers and rows of a CSV (UTF-8, « , » « ; » or tab), XLSX or ODS file."""
    name = filename.lower()
    if name.endswith((".xlsx", ".ods")):
        fmt = "xlsx" if name.endswith(".xlsx") else "ods"
        try:
            dataset = tablib.Dataset().load(io.BytesIO(data) if fmt == "xlsx" else data, format=fmt)
        except Exception as exc:  # noqa: BLE001 (tablib raises many kinds on a damaged file)
            raise ImportFileError(f"Ce fichier {fmt.upper()} est illisible ou endommagé.") from exc
        headers = [str(h or "").strip() for h in (dataset.headers or [])]
        rows = [["" if c is None else str(c) for c in row] for row in dataset]
        if not headers:
            raise ImportFileError("La première ligne du tableau doit donner le nom des colonnes.")
        return headers, rows
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            "Ce fichier n'est pas encodé en UTF-8 : dans votre tableur, enregistrez-le au format "
            "« CSV UTF-8 »."
        ) from exc
    first = text.split("\n", 1)[0]
    counts = {d: first.count(d) for d in (";", ",", "\t")}
    delimiter = max(counts, key=counts.get)
    if counts[delimiter] == 0:
        raise ImportFileError(
            "Le séparateur de colonnes n'a pas été reconnu : utilisez la virgule, le point-virgule ou la "
            "tabulation, et une première ligne avec le nom des colonnes."
        )
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    headers = [h.strip() for h in next(reader)]
    return headers, [row for row in reader if any(cell.strip() for cell in row)]


def mapped_rows(headers: list[str], rows: list[list[str]], mapping: dict[str, str]) -> Iterator[ImportRow]:
    unknown = [f for f in mapping if f not in TARGET_FIELDS]
    if unknown:
        raise ImportFileError(f"Champ de destination inconnu : {', '.join(unknown)}.")
    missing = [col for col in mapping.values() if col and col not in headers]
    if missing:
        raise ImportFileError(f"Colonne absente du fichier : {', '.join(missing)}.")
    if "name" not in mapping:
        raise ImportFileError("Indiquez la colonne qui donne le nom des structures.")
    index = {f: headers.index(col) for f, col in mapping.items() if col}
    for number, row in enumerate(rows, start=2):
        values = {f: (row[i].strip() if i < len(row) else "") for f, i in index.items()}
        sectors = [s.strip() for s in values.pop("sectors", "").replace(";", ",").split(",") if s.strip()]
        if "esus" in values:
            values["esus"] = unaccent(values["esus"]).strip() in ("oui", "o", "1", "true", "vrai", "x")
        if values.get("naf_code") and not sectors:
            sectors = taxonomy.sectors_for_naf(values["naf_code"])
        yield ImportRow(line=number, data=values, sectors=sectors)


# --- matching and planning (reads only) ------------------------------------------------------------------


def _norm(name: str) -> str:
    """Unaccented words without punctuation or stop words (« L'Atelier du Loup » → « atelier loup »)."""
    return " ".join(words_of(name))


class MatchIndex:
    """Existing structures of the territory, by SIRET, RNA, SIREN and commune (for fuzzy names).

    A dry run writes nothing: the structures it would create are kept here (`plan_creation`, negative ids),
    so that a later row of the same file matches them exactly as it would during the commit."""

    def __init__(self, territory: Territory) -> None:
        self.territory = territory
        self.by_siret: dict[str, int] = {}
        self.by_rna: dict[str, tuple[int, str]] = {}
        self.by_commune: dict[int | None, dict[int, str]] = {}
        self.planned: dict[int, tuple[Structure, list[str]]] = {}
        for pk, siret, rna, name, commune_id in Structure.objects.filter(territory=territory).values_list(
            "pk", "siret", "rna", "name", "commune_id"
        ):
            self.add(pk, siret, rna, name, commune_id)

    def add(self, pk: int, siret: str, rna: str, name: str, commune_id: int | None) -> None:
        if siret:
            self.by_siret[siret] = pk
        if rna:
            self.by_rna[rna] = (pk, siret)
        self.by_commune.setdefault(commune_id, {})[pk] = _norm(name)

    def exact(self, data: dict[str, Any]) -> int | None:
        if data.get("siret") and data["siret"] in self.by_siret:
            return self.by_siret[data["siret"]]
        if data.get("rna") and data["rna"] in self.by_rna:
            pk, siret = self.by_rna[data["rna"]]
            # another establishment (another SIRET) of the same association is another structure
            if not (siret and data.get("siret") and siret != data["siret"]):
                return pk
        return None

    def fuzzy(self, name: str, commune_id: int | None) -> tuple[int, float] | None:
        choices = self.by_commune.get(commune_id)
        if not choices:
            return None
        best = process.extractOne(
            _norm(name), choices, scorer=fuzz.token_sort_ratio, score_cutoff=FUZZY_THRESHOLD
        )
        return (best[2], float(best[1])) if best else None

    def current(self, pk: int) -> tuple[Structure, list[str]]:
        """The structure `pk` (or the one a dry run plans to create) and its sector keys."""
        if pk in self.planned:
            return self.planned[pk]
        structure = Structure.objects.select_related("commune").get(pk=pk)
        return structure, structure.sector_keys

    def plan_creation(self, plan: RowPlan) -> None:
        """Remember a structure the dry run would create (unsaved, under a negative id)."""
        pk = -(len(self.planned) + 1)
        structure = Structure(territory=self.territory)
        for name, value in plan.cleaned.items():
            if name in STRUCTURE_FIELDS:
                setattr(structure, name, value)
        if plan.position is not None:
            structure.latitude, structure.longitude = plan.position
            structure.geocoding = Structure.Geocoding.SOURCE
        self.planned[pk] = (structure, list(plan.sectors))
        commune = plan.cleaned.get("commune")
        self.add(pk, structure.siret, structure.rna, structure.name, commune.pk if commune else None)


# What an import writes into a structure: the table's fields but the sectors (kept apart).
STRUCTURE_FIELDS = [name for name in TARGET_FIELDS if name != "sectors"]


@dataclass
class Changes:
    """What an imported row changes in an existing structure."""

    fields: dict[str, Any] = field(default_factory=dict)
    position: tuple[float, float] | None = None
    sectors: list[str] | None = None  # the new sector keys, when they change

    @property
    def names(self) -> list[str]:
        """The changed fields, as provenance records them (the position as « latitude »)."""
        return [*self.fields, *(["latitude"] if self.position is not None else [])]

    def __bool__(self) -> bool:
        return bool(self.fields) or self.position is not None or self.sectors is not None


def import_changes(
    structure: Structure,
    current_sectors: list[str],
    cleaned: dict[str, Any],
    sectors: list[str],
    row: ImportRow,
) -> Changes:
    """The fields an imported row may change: empty values never erase, a field last written by a manager
    or the animation is kept, a position set by hand is kept; sectors are only added."""
    changes = Changes()
    for field_name, value in cleaned.items():
        if field_name not in STRUCTURE_FIELDS:
            continue
        if (structure.provenance.get(field_name) or {}).get("source") in PROTECTED_SOURCES:
            continue
        if value in ("", None) or getattr(structure, field_name) == value:
            continue
        changes.fields[field_name] = value
    if (
        row.latitude is not None
        and row.longitude is not None
        and structure.geocoding != Structure.Geocoding.MANUAL
        and (structure.latitude, structure.longitude) != (row.latitude, row.longitude)
    ):
        changes.position = (row.latitude, row.longitude)
    new_sectors = sorted(set(current_sectors) | set(sectors))
    if new_sectors != sorted(current_sectors):
        changes.sectors = new_sectors
    return changes


def prepare(row: ImportRow, cleaned: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The row's data once the structure's validation has cleaned it: the family from the legal form, the
    known sectors, the NAF code cut to its field; a value too long for its field is refused here (rather
    than by the database, which would refuse it only at the commit)."""
    cleaned = dict(cleaned)
    sectors = [s for s in row.sectors if s in taxonomy.SECTORS]
    if cleaned.get("legal_form") and not row.data.get("family"):
        cleaned["family"] = taxonomy.family_for_legal_form(cleaned["legal_form"]) or "association"
    if cleaned.get("naf_code"):
        cleaned["naf_code"] = str(cleaned["naf_code"])[:6]
    errors = {}
    for name, value in cleaned.items():
        if name in STRUCTURE_FIELDS and isinstance(value, str):
            limit = Structure._meta.get_field(name).max_length
            if limit and len(value) > limit:
                errors[name] = [f"{TARGET_FIELDS[name]} : {limit} caractères au plus."]
    if errors:
        raise ValidationError(errors)
    return cleaned, sectors


class Action(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    UNCHANGED = "unchanged"
    MERGE = "merge"


@dataclass
class RowPlan:
    """What the import does with one cleaned row."""

    row: ImportRow
    action: Action
    cleaned: dict[str, Any]
    sectors: list[str]
    structure_id: int | None = None  # UPDATE, UNCHANGED, MERGE: the existing structure
    name: str = ""  # the structure's name, as the report shows it
    changes: Changes = field(default_factory=Changes)
    score: float = 0.0  # MERGE: the fuzzy match's score
    existing_name: str = ""  # MERGE: the (normalised) name of the look-alike

    @property
    def position(self) -> tuple[float, float] | None:
        if self.row.latitude is None or self.row.longitude is None:
            return None
        return (self.row.latitude, self.row.longitude)


def plan_row(index: MatchIndex, row: ImportRow, cleaned: dict[str, Any], sectors: list[str]) -> RowPlan:
    """Match a cleaned row (see `prepare`) and say what to do with it; writes nothing."""
    cleaned = dict(cleaned)
    existing_pk = index.exact(cleaned)
    if existing_pk is not None:
        structure, current_sectors = index.current(existing_pk)
        changes = import_changes(structure, current_sectors, cleaned, sectors, row)
        return RowPlan(
            row=row,
            action=Action.UPDATE if changes else Action.UNCHANGED,
            cleaned=cleaned,
            sectors=sectors,
            structure_id=existing_pk,
            name=changes.fields.get("name", structure.name),
            changes=changes,
        )
    if cleaned.get("rna") in index.by_rna:
        cleaned["rna"] = ""  # a secondary establishment: the RNA number stays with the first one
    commune = cleaned.get("commune")
    commune_id = commune.pk if commune else None
    match = index.fuzzy(cleaned["name"], commune_id)
    if match is not None:
        pk, score = match
        return RowPlan(
            row=row,
            action=Action.MERGE,
            cleaned=cleaned,
            sectors=sectors,
            structure_id=pk,
            name=cleaned["name"],
            score=score,
            existing_name=index.by_commune[commune_id][pk],
        )
    return RowPlan(row=row, action=Action.CREATE, cleaned=cleaned, sectors=sectors, name=cleaned["name"])


def report_plan(plan: RowPlan, report: ImportReport) -> None:
    """Count a row in the report (the dry run's, or the commit's once the row is written)."""
    line = plan.row.line
    if plan.action == Action.CREATE:
        report.created.append((line, plan.name))
    elif plan.action == Action.UPDATE:
        report.updated.append((line, plan.name))
    elif plan.action == Action.UNCHANGED:
        report.unchanged += 1
    else:
        report.merges.append((line, plan.name, plan.existing_name))


# --- merge proposals: the row kept as JSON until the animator decides ---------------------------------------


def merge_data(plan: RowPlan) -> dict[str, Any]:
    """The incoming row as a merge proposal stores it (JSON: the commune by its INSEE code)."""
    data = {k: (v.insee_code if isinstance(v, Commune) else v) for k, v in plan.cleaned.items()}
    return {**data, "sectors": plan.sectors, "latitude": plan.row.latitude, "longitude": plan.row.longitude}


def row_of_merge(data: dict[str, Any]) -> ImportRow:
    """The row a merge proposal stored (see `merge_data`)."""
    data = dict(data)
    sectors = data.pop("sectors", [])
    latitude, longitude = data.pop("latitude", None), data.pop("longitude", None)
    return ImportRow(line=0, data=data, sectors=sectors, latitude=latitude, longitude=longitude)
