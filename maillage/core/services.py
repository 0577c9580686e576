"""Writes of core data. Every function is keyword-only and runs in one transaction."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.db import transaction

from maillage.core.actors import Actor, require_actor, user_of
from maillage.core.hosts import invalidate_allowed_hosts
from maillage.core.models import Commune, Domain, PersonalDataAccess, Territory
from maillage.core.territories import forget_cached_territories

COMMUNES_CSV = Path(__file__).resolve().parent / "data" / "pays_de_grasse_communes.csv"


@transaction.atomic
def load_communes(*, path: Path = COMMUNES_CSV, territory: Territory | None = None) -> list[Commune]:
    """Create or update the communes of a CSV in the layout of `pays_de_grasse_communes.csv`.

    Valderoure's town-hall point in the source is wrong: the centroid is always the commune's point.
    """
    communes: list[Commune] = []
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            commune, _ = Commune.objects.update_or_create(
                insee_code=row["code"],
                defaults={
                    "name": row["nom_complet"] or row["nom"],
                    "postal_codes": [c for c in row["codes_postaux"].split(";") if c],
                    "population": int(row["population_municipale"]) if row["population_municipale"] else None,
                    "latitude": float(row["centroide_lat"]),
                    "longitude": float(row["centroide_lon"]),
                    "town_hall_latitude": float(row["mairie_lat"]) if row["mairie_lat"] else None,
                    "town_hall_longitude": float(row["mairie_lon"]) if row["mairie_lon"] else None,
                    "flags": {
                        "ex_pole_azur_provence": row["ex_pole_azur_provence"] == "True",
                        "epci_siren": row["epci_siren"],
                    },
                },
            )
            communes.append(commune)
    if territory is not None:
        territory.communes.add(*communes)
    return communes


@transaction.atomic
def create_or_update_territory(
    *,
    slug: str,
    name: str,
    canonical_url: str,
    domains: Iterable[str],
    communes: Iterable[Commune] | None = None,
    **fields: Any,
) -> Territory:
    """Create or update a territory, its domains and (when given) the communes it covers."""
    territory, _ = Territory.objects.update_or_create(
        slug=slug, defaults={"name": name, "canonical_url": canonical_url, **fields}
    )
    territory.full_clean()
    _set_domains(territory, domains)
    if communes is not None:
        territory.communes.set(communes)
    _forget_territories()
    return territory


def _set_domains(territory: Territory, domains: Iterable[str]) -> None:
    wanted = {d.lower() for d in domains}
    for name_ in wanted:
        Domain.objects.update_or_create(name=name_, defaults={"territory": territory})
    territory.domains.exclude(name__in=wanted).delete()


def _forget_territories() -> None:
    """A territory or its domains changed: the hosts and the per-process territories are read again."""
    transaction.on_commit(invalidate_allowed_hosts)
    transaction.on_commit(forget_cached_territories)


@transaction.atomic
def save_territory(*, actor: Actor, territory: Territory) -> Territory:
    """Save a territory whose fields were set by the technical admin: validated, its history names the
    person, and the hosts and cached territories are read again."""
    require_actor(actor)
    territory.full_clean()
    territory._history_user = user_of(actor)
    territory.save()
    _forget_territories()
    return territory


@transaction.atomic
def set_domains(*, actor: Actor, territory: Territory, domains: Iterable[str]) -> None:
    """The territory answers at exactly these host names (moved from another territory if needed)."""
    require_actor(actor)
    _set_domains(territory, domains)
    _forget_territories()


@transaction.atomic
def delete_territory(*, actor: Actor, territory: Territory) -> None:
    require_actor(actor)
    territory._history_user = user_of(actor)
    territory.delete()
    _forget_territories()


def log_personal_data(
    *, actor: Actor, territory: Territory | None, what: str, rows: int
) -> PersonalDataAccess:
    """Record that `actor` exported personal data (RGPD: who, what, when, how many rows)."""
    return PersonalDataAccess.objects.create(
        actor=user_of(actor), territory=territory, what=what[:300], row_count=rows
    )
