"""Reading INSEE's Sirene stock files: StockEtablissement (about 40 M rows) and StockUniteLegale (about
30 M), zipped or not, streamed line by line — neither is ever loaded whole.

Order of work (so memory stays small whatever the national file's size):

1. Establishments: a cheap byte test first (does the line hold one of the territory's INSEE codes?), then
   the CSV parse of the few lines that pass; kept when active (`etatAdministratifEtablissement = A`),
   fully diffusible (`statutDiffusionEtablissement = O`; « P » is partially diffusible: skipped) and in one
   of the territory's communes. Their SIRENs are collected.
2. Legal units: a line is parsed only when its first 9 characters are one of those SIRENs; kept when in the
   ESS (`economieSocialeSolidaireUniteLegale = O`), fully diffusible and active. Natural persons (catégorie
   juridique 1xxx) are skipped: their name is a person's name.
3. Join, map to structure rows (name, identifiers, legal form, NAF → sectors, workforce band, address,
   Lambert-93 → WGS84 with pyproj; commune centroid when the coordinates are missing).

Columns are found by name (INSEE adds columns without notice). A file whose header lacks a needed column,
or whose last line is cut, a cut or damaged archive, a file not in UTF-8: all raise `SireneFileError` with a
French message before anything is written.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from maillage.actors.importers import ImportRow
from maillage.actors.taxonomy import sectors_for_naf
from maillage.core.geo import lambert93_to_wgs84

ETAB_COLUMNS = [
    "siren",
    "siret",
    "statutDiffusionEtablissement",
    "trancheEffectifsEtablissement",
    "etablissementSiege",
    "numeroVoieEtablissement",
    "indiceRepetitionEtablissement",
    "typeVoieEtablissement",
    "libelleVoieEtablissement",
    "codePostalEtablissement",
    "codeCommuneEtablissement",
    "coordonneeLambertAbscisseEtablissement",
    "coordonneeLambertOrdonneeEtablissement",
    "etatAdministratifEtablissement",
    "enseigne1Etablissement",
    "denominationUsuelleEtablissement",
    "activitePrincipaleEtablissement",
]
UNIT_COLUMNS = [
    "siren",
    "statutDiffusionUniteLegale",
    "identifiantAssociationUniteLegale",
    "trancheEffectifsUniteLegale",
    "etatAdministratifUniteLegale",
    "denominationUniteLegale",
    "sigleUniteLegale",
    "categorieJuridiqueUniteLegale",
    "activitePrincipaleUniteLegale",
    "economieSocialeSolidaireUniteLegale",
]
VOIE_TYPES = {
    "AV": "avenue",
    "BD": "boulevard",
    "CHE": "chemin",
    "RTE": "route",
    "PL": "place",
    "ALL": "allée",
    "IMP": "impasse",
    "QUAI": "quai",
    "CRS": "cours",
    "TRA": "traverse",
    "RUE": "rue",
}


class SireneFileError(ValueError):
    """A Sirene file cannot be read (French message)."""


@dataclass
class SireneStats:
    establishment_rows: int = 0
    unit_rows: int = 0
    kept_establishments: int = 0
    kept_units: int = 0


@contextmanager
def open_text(path: str | Path) -> Iterator[IO[str]]:
    """A text stream of a CSV file, or of the first CSV inside a zip."""
    path = Path(path)
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            names = [n for n in archive.namelist() if n.lower().endswith(".csv")]
            if not names:
                raise SireneFileError(f"L'archive {path.name} ne contient aucun fichier CSV.")
            with archive.open(names[0]) as raw:
                yield io.TextIOWrapper(raw, encoding="utf-8", newline="")
        return
    with path.open("rb") as head:
        if head.read(4) == b"PK\x03\x04":  # a zip whose end (its table of contents) is missing
            raise SireneFileError(
                f"L'archive {path.name} est tronquée ou endommagée : téléchargez-la à nouveau. "
                "Rien n'a été importé."
            )
    with path.open(encoding="utf-8", newline="") as handle:
        yield handle


@contextmanager
def _reading(path: str | Path, label: str) -> Iterator[None]:
    """Turn what a damaged file raises while it is read (cut archive, bad encoding) into a French message."""
    name = Path(path).name
    try:
        yield
    except SireneFileError:
        raise
    except UnicodeDecodeError as exc:
        raise SireneFileError(
            f"Le fichier {label} ({name}) n'est pas encodé en UTF-8, comme le sont les fichiers stock de "
            "l'INSEE (Latin-1 ?) : téléchargez à nouveau le fichier sur data.gouv.fr sans le modifier. "
            "Rien n'a été importé."
        ) from exc
    except (zipfile.BadZipFile, EOFError, zlib.error, OSError) as exc:
        raise SireneFileError(
            f"Le fichier {label} ({name}) est tronqué ou endommagé : téléchargez-le à nouveau. "
            "Rien n'a été importé."
        ) from exc


def _header(stream: IO[str], needed: list[str], label: str) -> dict[str, int]:
    first = stream.readline()
    if not first:
        raise SireneFileError(f"Le fichier {label} est vide.")
    header = next(csv.reader([first]))
    missing = [c for c in needed if c not in header]
    if missing:
        raise SireneFileError(
            f"Le fichier {label} n'a pas les colonnes attendues ({', '.join(missing[:4])}…) : est-ce bien "
            "le bon fichier stock Sirene ?"
        )
    return {name: header.index(name) for name in needed} | {"__width__": len(header)}


def _parse(line: str, width: int, label: str, number: int) -> list[str]:
    row = next(csv.reader([line]))
    if len(row) != width:
        raise SireneFileError(
            f"Le fichier {label} est tronqué ou endommagé (ligne {number} : {len(row)} colonnes au lieu de "
            f"{width}). Rien n'a été importé."
        )
    return row


def read_establishments(
    path: str | Path, communes: set[str], stats: SireneStats, progress: Callable[[int], None] | None = None
) -> tuple[dict[str, list[str]], dict[str, int]]:
    """siret → parsed row of the active, diffusible establishments in `communes`."""
    kept: dict[str, list[str]] = {}
    # One compiled alternation: a line is parsed only when « ,<one of the codes>, » appears in it.
    needle = (
        re.compile(",(?:" + "|".join(re.escape(c) for c in sorted(communes)) + "),") if communes else None
    )
    with _reading(path, "StockEtablissement"), open_text(path) as stream:
        col = _header(stream, ETAB_COLUMNS, "StockEtablissement")
        width = col["__width__"]
        commune_i, state_i, diff_i = (
            col["codeCommuneEtablissement"],
            col["etatAdministratifEtablissement"],
            col["statutDiffusionEtablissement"],
        )
        number = 1
        for number, line in enumerate(stream, start=2):  # noqa: B007
            if progress is not None and number % 200_000 == 0:
                progress(number)
            if needle is None or needle.search(line) is None:
                if not line.endswith("\n"):
                    _parse(line, width, "StockEtablissement", number)  # a cut last line
                continue
            row = _parse(line, width, "StockEtablissement", number)
            if row[commune_i] in communes and row[state_i] == "A" and row[diff_i] == "O":
                kept[row[col["siret"]]] = row
        stats.establishment_rows = number - 1
    stats.kept_establishments = len(kept)
    return kept, col


def read_units(
    path: str | Path, sirens: set[str], stats: SireneStats, progress: Callable[[int], None] | None = None
) -> tuple[dict[str, list[str]], dict[str, int]]:
    """siren → parsed row of the ESS, diffusible, active legal units among `sirens`, natural persons out."""
    kept: dict[str, list[str]] = {}
    with _reading(path, "StockUniteLegale"), open_text(path) as stream:
        col = _header(stream, UNIT_COLUMNS, "StockUniteLegale")
        width = col["__width__"]
        number = 1
        for number, line in enumerate(stream, start=2):  # noqa: B007
            if progress is not None and number % 200_000 == 0:
                progress(number)
            if line[:9] not in sirens:
                if not line.endswith("\n"):
                    _parse(line, width, "StockUniteLegale", number)
                continue
            row = _parse(line, width, "StockUniteLegale", number)
            if (
                row[col["economieSocialeSolidaireUniteLegale"]] == "O"
                and row[col["statutDiffusionUniteLegale"]] == "O"
                and row[col["etatAdministratifUniteLegale"]] == "A"
                and not row[col["categorieJuridiqueUniteLegale"]].startswith("1")
            ):
                kept[row[col["siren"]]] = row
        stats.unit_rows = number - 1
    stats.kept_units = len(kept)
    return kept, col


def _address(row: list[str], col: dict[str, int]) -> str:
    voie_type = row[col["typeVoieEtablissement"]]
    parts = [
        row[col["numeroVoieEtablissement"]] + row[col["indiceRepetitionEtablissement"]].lower(),
        VOIE_TYPES.get(voie_type, voie_type.lower()),
        row[col["libelleVoieEtablissement"]].title(),
    ]
    return " ".join(p for p in parts if p).strip()


def _coordinates(row: list[str], col: dict[str, int]) -> tuple[float | None, float | None]:
    x, y = (
        row[col["coordonneeLambertAbscisseEtablissement"]],
        row[col["coordonneeLambertOrdonneeEtablissement"]],
    )
    try:
        lat, lon = lambert93_to_wgs84(float(x), float(y))
    except (TypeError, ValueError):
        return None, None
    if not (41 <= lat <= 52 and -6 <= lon <= 10):  # outside metropolitan France: not trusted
        return None, None
    return round(lat, 6), round(lon, 6)


def join(
    establishments: dict[str, list[str]],
    units: dict[str, list[str]],
    ecol: dict[str, int],
    ucol: dict[str, int],
) -> Iterator[ImportRow]:
    for number, (siret, row) in enumerate(sorted(establishments.items()), start=1):
        unit = units.get(row[ecol["siren"]])
        if unit is None:
            continue
        name = (
            row[ecol["denominationUsuelleEtablissement"]]
            or row[ecol["enseigne1Etablissement"]]
            or unit[ucol["denominationUniteLegale"]]
            or unit[ucol["sigleUniteLegale"]]
        )
        if not name:
            continue
        naf = row[ecol["activitePrincipaleEtablissement"]] or unit[ucol["activitePrincipaleUniteLegale"]]
        band = row[ecol["trancheEffectifsEtablissement"]] or unit[ucol["trancheEffectifsUniteLegale"]]
        lat, lon = _coordinates(row, ecol)
        rna = unit[ucol["identifiantAssociationUniteLegale"]]
        yield ImportRow(
            line=number,
            data={
                "name": name.strip().title() if name.isupper() else name.strip(),
                "siret": siret,
                "siren": row[ecol["siren"]],
                "rna": rna if rna.startswith("W") else "",
                "legal_form": unit[ucol["categorieJuridiqueUniteLegale"]],
                "naf_code": naf.replace(".", "")[:6],
                "workforce_band": band if band and band != "NN" else "",
                "address": _address(row, ecol),
                "postal_code": row[ecol["codePostalEtablissement"]],
                "commune": row[ecol["codeCommuneEtablissement"]],
            },
            sectors=sectors_for_naf(naf),
            latitude=lat,
            longitude=lon,
        )


def sirene_rows(
    etab_path: str | Path,
    unit_path: str | Path,
    communes: set[str],
    *,
    stats: SireneStats | None = None,
    progress: Callable[[str, int], None] | None = None,
) -> list[ImportRow]:
    """The structure rows of a Sirene pair for a territory's communes (files fully checked first)."""
    stats = stats if stats is not None else SireneStats()
    establishments, ecol = read_establishments(
        etab_path, communes, stats, (lambda n: progress("établissements", n)) if progress else None
    )
    sirens = {row[ecol["siren"]] for row in establishments.values()}
    units, ucol = read_units(
        unit_path, sirens, stats, (lambda n: progress("unités légales", n)) if progress else None
    )
    return list(join(establishments, units, ecol, ucol))
