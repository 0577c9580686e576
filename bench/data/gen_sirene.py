"""Generator of Sirene-format file pairs (StockEtablissement + StockUniteLegale) with INSEE's real headers.

    python bench/data/gen_sirene.py OUT_DIR N [--zip] [--seed S] [--local-share 0.002]

Writes N establishments and about 0.8 N legal units. A share of establishments (`--local-share`) is in the
Pays de Grasse communes; among legal units, most are in the ESS, some are partially diffusible, closed or
natural persons (which an import must skip). Deterministic for a given seed; streams to disk.
"""

from __future__ import annotations

import argparse
import csv
import random
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "maillage" / "actors" / "data"
PAYS_DE_GRASSE = [
    "06002", "06003", "06007", "06024", "06026", "06028", "06045", "06058", "06063", "06069", "06081",
    "06084", "06087", "06090", "06095", "06108", "06116", "06118", "06130", "06134", "06137", "06140",
    "06154",
]  # fmt: skip
WORDS = [
    "Ressourcerie", "Jardins", "Atelier", "Solidaire", "Coopérative", "Entraide", "Avenir", "Collines",
    "Siagne", "Loup", "Parfums", "Oliviers", "Réemploi", "Insertion", "Partage", "Horizons", "Vélo",
    "Culture", "Familles", "Tremplin", "Bâtisseurs", "Saveurs", "Lien", "Rencontres",
]  # fmt: skip
NAF = ["88.10A", "38.32Z", "01.13Z", "43.39Z", "81.30Z", "94.99Z", "85.59A", "90.01Z", "56.10A", "47.79Z"]
LEGAL = ["9220", "9220", "9220", "5458", "5710", "8210", "9300", "9222", "5499", "1000"]


def luhn_complete(digits: str) -> str:
    """Append the Luhn check digit to a string of digits."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return digits + str((10 - total % 10) % 10)


def header(name: str) -> list[str]:
    return (DATA / f"sirene-{name}-header.csv").read_text(encoding="utf-8").strip().split(",")


def siren_of(unit: int) -> str:
    return luhn_complete(f"{10000000 + unit * 7:08d}")


def generate(
    out: Path, n: int, *, seed: int = 1, local_share: float = 0.002, zipped: bool = False
) -> tuple[Path, Path]:
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    eh, uh = header("StockEtablissement"), header("StockUniteLegale")
    ei, ui = {c: i for i, c in enumerate(eh)}, {c: i for i, c in enumerate(uh)}
    etab_path, unit_path = out / "StockEtablissement_utf8.csv", out / "StockUniteLegale_utf8.csv"
    n_units = max(1, int(n * 0.8))
    with unit_path.open("w", encoding="utf-8", newline="") as uf:
        w = csv.writer(uf, lineterminator="\n")
        w.writerow(uh)
        for k in range(n_units):
            row = [""] * len(uh)
            legal = LEGAL[k % len(LEGAL)]
            row[ui["siren"]] = siren_of(k)
            row[ui["statutDiffusionUniteLegale"]] = "P" if k % 23 == 5 else "O"
            row[ui["etatAdministratifUniteLegale"]] = "C" if k % 31 == 7 else "A"
            row[ui["economieSocialeSolidaireUniteLegale"]] = "N" if k % 5 == 4 else "O"
            row[ui["categorieJuridiqueUniteLegale"]] = legal
            row[ui["activitePrincipaleUniteLegale"]] = NAF[k % len(NAF)]
            row[ui["trancheEffectifsUniteLegale"]] = rng.choice(["NN", "01", "02", "03", "11", "12"])
            if legal == "1000":
                row[ui["nomUniteLegale"]] = "DUPONT"
                row[ui["prenom1UniteLegale"]] = "CAMILLE"
            else:
                row[ui["denominationUniteLegale"]] = f"{rng.choice(WORDS)} {rng.choice(WORDS)} {k}".upper()
            if legal.startswith("92"):
                row[ui["identifiantAssociationUniteLegale"]] = f"W06{k % 10**7:07d}"
            row[ui["nicSiegeUniteLegale"]] = "00011"
            w.writerow(row)
    local_every = max(1, round(1 / local_share)) if local_share > 0 else 0
    with etab_path.open("w", encoding="utf-8", newline="") as ef:
        w = csv.writer(ef, lineterminator="\n")
        w.writerow(eh)
        for k in range(n):
            row = [""] * len(eh)
            unit = k % n_units
            siren = siren_of(unit)
            nic = f"{1 + k // n_units:04d}"
            row[ei["siren"]], row[ei["nic"]] = siren, luhn_complete(siren + nic)[-5:]
            row[ei["siret"]] = luhn_complete(siren + nic)
            row[ei["statutDiffusionEtablissement"]] = "O"
            row[ei["etatAdministratifEtablissement"]] = "F" if k % 17 == 3 else "A"
            local = bool(local_every) and k % local_every == 0
            commune = (
                rng.choice(PAYS_DE_GRASSE) if local else f"{rng.randint(1, 95):02d}{rng.randint(1, 600):03d}"
            )
            row[ei["codeCommuneEtablissement"]] = commune
            row[ei["codePostalEtablissement"]] = "06130" if local else f"{commune[:2]}000"
            row[ei["numeroVoieEtablissement"]] = str(rng.randint(1, 120))
            row[ei["typeVoieEtablissement"]] = rng.choice(["AV", "RUE", "CHE", "BD", "RTE"])
            row[ei["libelleVoieEtablissement"]] = rng.choice(
                ["DE LA SIAGNE", "DES PARFUMEURS", "JEAN JAURES"]
            )
            if local and k % 7 != 0:  # some have no coordinates: the commune's centroid is used
                row[ei["coordonneeLambertAbscisseEtablissement"]] = f"{1025000 + rng.randint(-8000, 8000)}.0"
                row[ei["coordonneeLambertOrdonneeEtablissement"]] = f"{6289000 + rng.randint(-8000, 8000)}.0"
            else:
                row[ei["coordonneeLambertAbscisseEtablissement"]] = "[ND]"
                row[ei["coordonneeLambertOrdonneeEtablissement"]] = "[ND]"
            row[ei["activitePrincipaleEtablissement"]] = NAF[unit % len(NAF)]
            row[ei["etablissementSiege"]] = "true" if k < n_units else "false"
            w.writerow(row)
    if not zipped:
        return etab_path, unit_path
    zipped_paths = []
    for path in (etab_path, unit_path):
        zpath = path.with_suffix(".zip")
        with zipfile.ZipFile(zpath, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
            archive.write(path, path.name)
        path.unlink()
        zipped_paths.append(zpath)
    return zipped_paths[0], zipped_paths[1]


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("n", type=int)
    parser.add_argument("--zip", action="store_true")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--local-share", type=float, default=0.002)
    args = parser.parse_args()
    print(*generate(args.out, args.n, seed=args.seed, local_share=args.local_share, zipped=args.zip))
