"""Imports of structures: tables (CSV, XLSX, ODS) with a column mapping, and the rows the Sirene reader
yields. One engine for both: `import_rows(...)`. A dry run runs every row in one transaction rolled back at
the end — so its report (created / updated / merge proposals / rejected, with line numbers) is what the
commit will do. A commit writes per chunk of rows (a re-run after a failure picks up where it stopped: the
rows already written match exactly and count as unchanged). A row the database refuses is reported, not
fatal.

Matching, in order: exact SIRET, then exact RNA (then the SIREN's head office) → update; else a fuzzy name
match (rapidfuzz, token-sort ratio ≥ `FUZZY_THRESHOLD`) among the structures of the same commune → a
`MergeProposal` the animator accepts or rejects; else a new published structure. Provenance decides what
an import may overwrite: a field last written by a manager or the animation is never overwritten.
"""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

import tablib
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone
from rapidfuzz import fuzz, process

from maillage.actors import directory_index, services, taxonomy
from maillage.actors.models import MergeProposal, Structure
from maillage.core.models import Commune, Territory
from maillage.core.search import unaccent, words_of

logger = logging.getLogger(__name__)

FUZZY_THRESHOLD = 90.0
CHUNK = 200  # rows per transaction of a committed import
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


# --- the engine ------------------------------------------------------------------------------------------


def _norm(name: str) -> str:
    """Unaccented words without punctuation or stop words (« L'Atelier du Loup » → « atelier loup »)."""
    return " ".join(words_of(name))


class _Index:
    """Existing structures of the territory, by SIRET, RNA, SIREN and commune (for fuzzy names)."""

    def __init__(self, territory: Territory) -> None:
        self.by_siret: dict[str, int] = {}
        self.by_rna: dict[str, tuple[int, str]] = {}
        self.by_commune: dict[int | None, dict[int, str]] = {}
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


def _jsonable(data: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.insee_code if isinstance(v, Commune) else v) for k, v in data.items()}


def _update(
    structure: Structure, cleaned: dict[str, Any], sectors: list[str], row: ImportRow, source: str
) -> bool:
    changed: list[str] = []
    for field_name, value in cleaned.items():
        if field_name not in services.EDITABLE_FIELDS and field_name != "naf_code":
            continue
        if (structure.provenance.get(field_name) or {}).get("source") in PROTECTED_SOURCES:
            continue
        if value in ("", None) or getattr(structure, field_name) == value:
            continue
        setattr(structure, field_name, value)
        changed.append(field_name)
    if (
        row.latitude is not None
        and structure.geocoding != Structure.Geocoding.MANUAL
        and (structure.latitude, structure.longitude) != (row.latitude, row.longitude)
    ):
        structure.latitude, structure.longitude = row.latitude, row.longitude
        structure.geocoding = Structure.Geocoding.SOURCE
        changed.append("latitude")
    new_sectors = sorted(set(structure.sector_keys) | set(sectors))
    sectors_changed = new_sectors != sorted(structure.sector_keys)
    if not changed and not sectors_changed:
        return False
    stamp = timezone.now().date().isoformat()
    for field_name in changed:
        structure.provenance[field_name] = {"source": source, "at": stamp}
    structure._change_reason = f"Import {source}"
    structure.save()
    if sectors_changed:
        services._set_sectors(structure, new_sectors)
    return True


def _import_row(
    territory: Territory, index: _Index, row: ImportRow, source: str, report: ImportReport
) -> None:
    """One row, in the caller's transaction: update, merge proposal, creation or rejection."""
    try:
        cleaned = services.clean_structure_data(territory, row.data)
        sectors = [s for s in row.sectors if s in taxonomy.SECTORS]
        if cleaned.get("legal_form") and not row.data.get("family"):
            cleaned["family"] = taxonomy.family_for_legal_form(cleaned["legal_form"]) or "association"
    except ValidationError as exc:
        report.rejected.append((row.line, " ".join(exc.messages)))
        return
    existing_pk = index.exact(cleaned)
    if existing_pk is not None:
        structure = Structure.objects.get(pk=existing_pk)
        if _update(structure, cleaned, sectors, row, source):
            report.updated.append((row.line, structure.name))
            services.index_structure(structure)
        else:
            report.unchanged += 1
        return
    if cleaned.get("rna") in index.by_rna:
        cleaned["rna"] = ""  # a secondary establishment: the RNA number stays with the first one
    commune = cleaned.get("commune")
    match = index.fuzzy(cleaned["name"], commune.pk if commune else None)
    if match is not None:
        pk, score = match
        MergeProposal.objects.create(
            territory=territory,
            structure_id=pk,
            data={
                **_jsonable(cleaned),
                "sectors": sectors,
                "latitude": row.latitude,
                "longitude": row.longitude,
            },
            source=source,
            score=score,
        )
        report.merges.append(
            (row.line, cleaned["name"], index.by_commune[commune.pk if commune else None][pk])
        )
        return
    try:
        structure = services.create_structure(
            actor=None,
            territory=territory,
            data=cleaned,
            sectors=sectors,
            source=source,
            position=(row.latitude, row.longitude)
            if row.latitude is not None and row.longitude is not None
            else None,
        )
    except ValidationError as exc:
        report.rejected.append((row.line, " ".join(exc.messages)))
        return
    if "naf_code" in cleaned:
        Structure.objects.filter(pk=structure.pk).update(naf_code=cleaned["naf_code"][:6])
    index.add(structure.pk, structure.siret, structure.rna, structure.name, structure.commune_id)
    report.created.append((row.line, structure.name))


def _guarded_row(
    territory: Territory, index: _Index, row: ImportRow, source: str, report: ImportReport
) -> None:
    """A row in its own savepoint: a row the database refuses is reported, the others go on."""
    try:
        with transaction.atomic():
            _import_row(territory, index, row, source, report)
    except DatabaseError:
        logger.exception("import row %s refused by the database", row.line)
        report.rejected.append((row.line, "Ligne refusée par la base de données (valeur trop longue ?)."))


def import_rows(
    *,
    territory: Territory,
    rows: Iterable[ImportRow],
    source: str,
    commit: bool,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Run the rows. commit=False is the dry run: one transaction, rolled back at the end, so its report is
    what the commit will do. commit=True commits per chunk of `CHUNK` rows (DESIGN.md: a batch commits per
    chunk); a re-run is idempotent (rows already imported match by SIRET/RNA and come out « inchangées »).
    `progress(n)` is called between chunks, outside any transaction of the import."""
    report = ImportReport()
    if not commit:
        with transaction.atomic():
            index = _Index(territory)
            for count, row in enumerate(rows, start=1):
                if progress is not None and count % CHUNK == 0:
                    progress(count)
                _guarded_row(territory, index, row, source, report)
            transaction.set_rollback(True)
        return report
    index = _Index(territory)
    iterator = iter(rows)
    count = 0
    while chunk := list(islice(iterator, CHUNK)):
        with transaction.atomic():
            for row in chunk:
                _guarded_row(territory, index, row, source, report)
            directory_index.structures_changed(territory.pk)  # positions written by .update() above
        count += len(chunk)
        if progress is not None:
            progress(count)
    report.committed = True
    return report


@transaction.atomic
def decide_merge(*, actor: Any, proposal: MergeProposal, accept: bool) -> Structure | None:
    """Accept: fill the structure's empty or imported fields from the row. Reject: create a new structure."""
    if not actor.is_animator_of(proposal.territory):
        raise ValidationError("Seule l'animation du territoire décide des fusions.")
    proposal = MergeProposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status != "pending":
        raise ValidationError("Cette proposition a déjà été traitée.")
    data = dict(proposal.data)
    sectors = data.pop("sectors", [])
    lat, lon = data.pop("latitude", None), data.pop("longitude", None)
    row = ImportRow(line=0, data=data, sectors=sectors, latitude=lat, longitude=lon)
    cleaned = services.clean_structure_data(proposal.territory, data)
    if accept:
        structure = Structure.objects.get(pk=proposal.structure_id)
        _update(structure, cleaned, sectors, row, proposal.source)
        services.index_structure(structure)
    else:
        structure = services.create_structure(
            actor=None, territory=proposal.territory, data=cleaned, sectors=sectors, source=proposal.source
        )
    proposal.status = "accepted" if accept else "refused"
    proposal.decided_by = actor
    proposal.save()
    return structure
