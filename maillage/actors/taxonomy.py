"""Reference vocabularies of the directory: legal forms, sectors, workforce bands, inclusion kinds, practice
themes, and the validation of official identifiers (SIREN/SIRET with python-stdnum, RNA).

Sources are noted in `maillage/actors/data/README.md`.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.core.exceptions import ValidationError
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.fr import siren as stdnum_siren
from stdnum.fr import siret as stdnum_siret

DATA_DIR = Path(__file__).resolve().parent / "data"

# --- identifiers -------------------------------------------------------------------------------------

RNA_RE = re.compile(r"^W\d{9}$")


def clean_siret(value: str) -> str:
    """A valid SIRET (14 digits, Luhn; La Poste's exception handled by stdnum) or a French ValidationError."""
    compact = re.sub(r"[\s.\-]", "", value or "")
    if not compact:
        return ""
    try:
        return stdnum_siret.validate(compact)
    except StdnumError as exc:
        raise ValidationError(
            "Ce numéro SIRET n'est pas valide : il compte 14 chiffres et sa clé de contrôle doit être "
            "juste (vérifiez-le sur votre avis de situation Sirene).",
            code="invalid_siret",
        ) from exc


def clean_siren(value: str) -> str:
    compact = re.sub(r"[\s.\-]", "", value or "")
    if not compact:
        return ""
    try:
        return stdnum_siren.validate(compact)
    except StdnumError as exc:
        raise ValidationError(
            "Ce numéro SIREN n'est pas valide : il compte 9 chiffres et sa clé de contrôle doit être juste.",
            code="invalid_siren",
        ) from exc


def clean_rna(value: str) -> str:
    """An RNA number: « W » followed by 9 digits (e.g. W061234567)."""
    compact = re.sub(r"\s", "", value or "").upper()
    if not compact:
        return ""
    if not RNA_RE.match(compact):
        raise ValidationError(
            "Ce numéro RNA n'est pas valide : il commence par « W » suivi de 9 chiffres (par exemple "
            "W061234567).",
            code="invalid_rna",
        )
    return compact


# --- legal forms (INSEE catégories juridiques) ----------------------------------------------------------


@lru_cache(maxsize=1)
def legal_forms() -> dict[str, str]:
    with (DATA_DIR / "categories_juridiques.csv").open(encoding="utf-8", newline="") as handle:
        return {row["code"]: row["libelle"] for row in csv.DictReader(handle)}


def legal_form_label(code: str) -> str:
    if not code:
        return ""
    return legal_forms().get(code, f"Catégorie juridique {code}")


def clean_legal_form(code: str) -> str:
    code = (code or "").strip()
    if code and not re.fullmatch(r"\d{4}", code):
        raise ValidationError(
            "Une catégorie juridique INSEE s'écrit avec 4 chiffres.", code="invalid_legal_form"
        )
    return code


def family_for_legal_form(code: str) -> str | None:
    """The ESS family a legal form implies, when it implies one (used by imports)."""
    if not code:
        return None
    if code.startswith("92"):
        return "association"
    if code.startswith("93"):
        return "fondation"
    if code.startswith(("82", "6411")):
        return "mutuelle"
    label = legal_forms().get(code, "").lower()
    if "coopérati" in label or code in ("6317", "6318"):
        return "cooperative"
    return None


# --- inclusion kinds -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class InclusionKind:
    code: str
    label: str
    group: str  # "iae" | "handicap" | "autres"


INCLUSION_GROUPS = {
    "iae": "Insertion par l'activité économique (IAE)",
    "handicap": "Emploi des personnes handicapées",
    "autres": "Autres structures inclusives",
}

INCLUSION_KINDS: dict[str, InclusionKind] = {
    k.code: k
    for k in [
        InclusionKind("ACI", "Atelier et chantier d'insertion (ACI)", "iae"),
        InclusionKind("AI", "Association intermédiaire (AI)", "iae"),
        InclusionKind("EI", "Entreprise d'insertion (EI)", "iae"),
        InclusionKind("ETTI", "Entreprise de travail temporaire d'insertion (ETTI)", "iae"),
        InclusionKind("EITI", "Entreprise d'insertion par le travail indépendant (EITI)", "iae"),
        InclusionKind("EA", "Entreprise adaptée (EA)", "handicap"),
        InclusionKind("EATT", "Entreprise adaptée de travail temporaire (EATT)", "handicap"),
        InclusionKind("ESAT", "Établissement et service d'accompagnement par le travail (ESAT)", "handicap"),
        InclusionKind(
            "GEIQ", "Groupement d'employeurs pour l'insertion et la qualification (GEIQ)", "autres"
        ),
    ]
}


def inclusion_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Grouped choices for a select (optgroups by group)."""
    return [
        (label, [(k.code, k.label) for k in INCLUSION_KINDS.values() if k.group == group])
        for group, label in INCLUSION_GROUPS.items()
    ]


# --- sectors (a friendly taxonomy mapped to NAF) ---------------------------------------------------------


@dataclass(frozen=True)
class Sector:
    key: str
    label: str
    naf_prefixes: tuple[str, ...]  # NAF rév. 2 codes without the dot, e.g. "8810" or "88"


SECTORS: dict[str, Sector] = {
    s.key: s
    for s in [
        Sector("alimentation", "Alimentation et agriculture", ("01", "10", "11", "4721", "4729", "5610")),
        Sector("reemploi", "Réemploi, recyclage et déchets", ("38", "39", "4779", "95")),
        Sector("batiment", "Bâtiment et travaux", ("41", "42", "43")),
        Sector("environnement", "Espaces verts et environnement", ("02", "8130")),
        Sector("proprete", "Propreté et nettoyage", ("8121", "8122", "8129")),
        Sector("services_personne", "Services à la personne", ("8810", "97")),
        Sector("social", "Action sociale et médico-social", ("87", "8891", "8899")),
        Sector("sante", "Santé", ("86",)),
        Sector("formation", "Éducation et formation", ("85",)),
        Sector("culture", "Culture, sport et loisirs", ("90", "91", "93")),
        Sector("emploi", "Emploi et insertion", ("78",)),
        Sector("mobilite", "Mobilité et transport", ("49", "7711", "7721")),
        Sector("commerce", "Commerce et artisanat", ("45", "46", "47")),
        Sector("hebergement", "Logement, hébergement et tourisme", ("55", "68", "79")),
        Sector("finance", "Finance solidaire et assurance", ("64", "65", "66")),
        Sector("numerique", "Numérique et communication", ("58", "62", "63")),
        Sector("conseil", "Conseil et accompagnement", ("69", "70", "73", "74", "82")),
        Sector("energie", "Énergie", ("35",)),
        Sector("vie_associative", "Vie associative et citoyenneté", ("94",)),
    ]
}

SECTOR_CHOICES = [(s.key, s.label) for s in SECTORS.values()]


def sectors_for_naf(naf: str) -> list[str]:
    """Sector keys of a NAF code (« 88.10A », « 8810A » or « 88.10 »), longest prefix first."""
    code = re.sub(r"[^0-9A-Z]", "", (naf or "").upper())
    if not code:
        return []
    best: list[tuple[int, str]] = []
    for sector in SECTORS.values():
        for prefix in sector.naf_prefixes:
            if code.startswith(prefix):
                best.append((len(prefix), sector.key))
    if not best:
        return []
    longest = max(length for length, _ in best)
    return [key for length, key in best if length == longest]


# --- workforce bands (INSEE tranche d'effectif salarié) ------------------------------------------------

WORKFORCE_BANDS: dict[str, str] = {
    "NN": "Non renseigné ou sans salarié au 31/12",
    "00": "0 salarié",
    "01": "1 ou 2 salariés",
    "02": "3 à 5 salariés",
    "03": "6 à 9 salariés",
    "11": "10 à 19 salariés",
    "12": "20 à 49 salariés",
    "21": "50 à 99 salariés",
    "22": "100 à 199 salariés",
    "31": "200 à 249 salariés",
    "32": "250 à 499 salariés",
    "41": "500 à 999 salariés",
    "42": "1 000 à 1 999 salariés",
    "51": "2 000 à 4 999 salariés",
    "52": "5 000 à 9 999 salariés",
    "53": "10 000 salariés et plus",
}
WORKFORCE_CHOICES = list(WORKFORCE_BANDS.items())

# --- practice themes (CSESS guide of good practices) ------------------------------------------------

PRACTICE_THEMES: dict[str, str] = {
    "gouvernance": "Gouvernance démocratique",
    "concertation": "Concertation dans l'élaboration de la stratégie",
    "ancrage": "Ancrage territorial",
    "salaires": "Politique salariale et exemplarité sociale",
    "usagers": "Lien avec les usagers et réponse aux besoins non couverts",
    "diversite": "Diversité, égalité femmes-hommes et lutte contre les discriminations",
    "developpement_durable": "Développement durable",
    "ethique": "Éthique et déontologie",
}
PRACTICE_THEME_CHOICES = list(PRACTICE_THEMES.items())


def sector_bits(keys: Iterable[str]) -> int:
    """The sectors as one integer, a bit per sector in `SECTORS` order (the directory filters and counts
    sectors with `sector_bits & mask`). New sectors go at the end of `SECTORS`, so the bits already written
    keep their meaning."""
    order = list(SECTORS)
    bits = 0
    for key in keys:
        if key in SECTORS:
            bits |= 1 << order.index(key)
    return bits
