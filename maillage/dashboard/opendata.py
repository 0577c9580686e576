"""The open data of a territory: what each dataset holds (its Table Schema), and how its rows are read.

Every dataset is public and holds no personal data: structures without their contact person (nor their
contact addresses, which may name a person), public events without registrations, the charter's signatory
structures (not the people who signed), the figures. `tests/dashboard/test_open_data.py` scans every file
and every API list for the e-mail addresses and phone numbers of people planted in the database.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from maillage.actors import taxonomy
from maillage.actors.models import Structure
from maillage.core.models import Territory
from maillage.core.registry import registry
from maillage.events.models import Event

LICENCE = "Licence Ouverte / Open Licence version 2.0"
LICENCE_URL = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
MAX_ROWS = 200_000


@dataclass(frozen=True)
class Field:
    name: str
    type: str  # Table Schema types: string, integer, number, boolean, date, datetime
    description: str


@dataclass(frozen=True)
class Dataset:
    key: str
    title: str
    description: str
    fields: tuple[Field, ...]
    rows: Callable[[Territory], Iterator[list[Any]]]
    formats: tuple[str, ...] = ("csv", "json")
    geo: tuple[int, int] | None = None  # (latitude, longitude) columns: also offered as GeoJSON

    def schema(self) -> dict[str, Any]:
        """The Table Schema (frictionless) of the dataset."""
        return {
            "fields": [{"name": f.name, "type": f.type, "description": f.description} for f in self.fields],
            "missingValues": [""],
        }

    @property
    def headers(self) -> list[str]:
        return [f.name for f in self.fields]


def _structure_rows(territory: Territory) -> Iterator[list[Any]]:
    qs = (
        Structure.objects.published(territory)
        .select_related("commune")
        .prefetch_related("sectors")
        .order_by("name", "pk")[:MAX_ROWS]
    )
    for s in qs.iterator(chunk_size=2000):
        inclusion = taxonomy.INCLUSION_KINDS.get(s.inclusion_kind)
        yield [
            s.name,
            s.siret,
            s.rna,
            s.family,
            inclusion.code if inclusion else "",
            s.esus,
            "|".join(sorted(x.sector for x in s.sectors.all())),
            s.workforce_band,
            s.postal_code,
            s.commune.insee_code if s.commune else "",
            s.commune.name if s.commune else "",
            s.latitude,
            s.longitude,
            s.website,
            territory.absolute_url(f"/structures/{s.slug}/"),
        ]


def _event_rows(territory: Territory) -> Iterator[list[Any]]:
    qs = Event.objects.public_agenda(territory).select_related("commune").order_by("start", "pk")[:MAX_ROWS]
    for e in qs.iterator(chunk_size=2000):
        yield [
            e.title,
            e.kind,
            e.status,
            e.start.isoformat(),
            e.end.isoformat(),
            e.venue,
            e.commune.insee_code if e.commune else "",
            e.commune.name if e.commune else "",
            territory.absolute_url(f"/agenda/{e.slug}/"),
        ]


def _signatory_rows(territory: Territory) -> Iterator[list[Any]]:
    badge = registry.structure_badges.get("charter")
    if badge is None:
        return
    qs = (
        Structure.objects.published(territory)
        .filter(pk__in=badge.structure_ids(territory))
        .select_related("commune")
        .order_by("name", "pk")
    )
    for s in qs.iterator(chunk_size=2000):
        yield [
            s.name,
            s.siret,
            s.commune.name if s.commune else "",
            territory.absolute_url(f"/structures/{s.slug}/"),
        ]


DATASETS: dict[str, Dataset] = {
    d.key: d
    for d in [
        Dataset(
            key="structures",
            title="Structures de l'ESS du territoire",
            description="Les structures publiées dans l'annuaire : identité, famille de l'ESS, type de "
            "structure inclusive, secteurs, tranche d'effectif, commune et position. Sans personne "
            "à contacter.",
            fields=(
                Field("nom", "string", "Nom de la structure"),
                Field("siret", "string", "SIRET (14 chiffres), s'il est connu"),
                Field("rna", "string", "Numéro RNA d'une association, s'il est connu"),
                Field(
                    "famille", "string", "Famille de l'ESS (association, cooperative, mutuelle, fondation…)"
                ),
                Field("structure_inclusive", "string", "Type de structure inclusive (ACI, EI, EA, ESAT…)"),
                Field("esus", "boolean", "Agrément « entreprise solidaire d'utilité sociale »"),
                Field("secteurs", "string", "Secteurs d'activité, séparés par « | »"),
                Field("tranche_effectif", "string", "Tranche d'effectif salarié (code Insee)"),
                Field("code_postal", "string", "Code postal"),
                Field("code_insee", "string", "Code Insee de la commune"),
                Field("commune", "string", "Commune"),
                Field("latitude", "number", "Latitude (WGS 84)"),
                Field("longitude", "number", "Longitude (WGS 84)"),
                Field("site_internet", "string", "Site internet"),
                Field("fiche", "string", "Adresse de la fiche sur le site"),
            ),
            rows=_structure_rows,
            formats=("csv", "json", "geojson"),
            geo=(11, 12),
        ),
        Dataset(
            key="rendez-vous",
            title="Rendez-vous de l'agenda",
            description="Les rendez-vous publics de l'agenda, passés et à venir (sans les inscriptions).",
            fields=(
                Field("titre", "string", "Titre"),
                Field("type", "string", "Type de rendez-vous"),
                Field("statut", "string", "published, closed ou cancelled"),
                Field("debut", "datetime", "Début (ISO 8601, heure de Paris)"),
                Field("fin", "datetime", "Fin (ISO 8601, heure de Paris)"),
                Field("lieu", "string", "Lieu"),
                Field("code_insee", "string", "Code Insee de la commune"),
                Field("commune", "string", "Commune"),
                Field("page", "string", "Adresse de la page du rendez-vous"),
            ),
            rows=_event_rows,
        ),
        Dataset(
            key="signataires",
            title="Signataires de la charte",
            description="Les structures signataires de la charte en vigueur (pas les personnes qui ont "
            "signé).",
            fields=(
                Field("nom", "string", "Nom de la structure"),
                Field("siret", "string", "SIRET, s'il est connu"),
                Field("commune", "string", "Commune"),
                Field("fiche", "string", "Adresse de la fiche sur le site"),
            ),
            rows=_signatory_rows,
        ),
    ]
}
