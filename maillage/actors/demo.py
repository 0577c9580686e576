"""Demo structures for the demo accounts (loader order 25, after accounts' 20): a few fictitious structures
of the Pays de Grasse, created if missing, each managed by one demo manager; the buyer manages the
agglomeration's purchasing service (a public buyer is a structure too). Re-running is safe."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from maillage.actors import services
from maillage.actors.models import Membership, Structure
from maillage.core.models import Commune, Territory

DEMO_STRUCTURES = [
    # (slug, name, family, commune INSEE code, manager key in context["demo_accounts"], description)
    (
        "la-ressourcerie-du-pays-de-grasse",
        "La Ressourcerie du Pays de Grasse",
        Structure.Family.ASSOCIATION,
        "06069",
        "manager_ressourcerie",
        "Collecte, répare et revend à petit prix les objets dont on ne veut plus ; ateliers de réparation.",
    ),
    (
        "scop-le-calme",
        "Scop L’Atelier des Collines",
        Structure.Family.COOPERATIVE,
        "06069",
        "manager_scop",
        "Coopérative de travaux d'isolation phonique et thermique.",
    ),
    (
        "les-jardins-de-la-siagne",
        "Les Jardins de la Siagne",
        Structure.Family.ASSOCIATION,
        "06007",
        "manager_jardins",
        "Chantier d'insertion en maraîchage biologique ; paniers hebdomadaires.",
    ),
    (
        "service-des-achats-de-l-agglomeration",
        "Service des achats de l'agglomération",
        Structure.Family.HORS_ESS,
        "06069",
        "buyer",
        "Acheteur public : marchés réservés et clauses sociales.",
    ),
]


@transaction.atomic
def load(*, today: dt.date, context: dict[str, Any], **_: Any) -> None:
    territory = Territory.objects.filter(slug="pays-de-grasse").first()
    accounts = context.get("demo_accounts", {})
    if territory is None:
        return
    for slug, name, family, insee, manager_key, description in DEMO_STRUCTURES:
        structure = Structure.objects.filter(territory=territory, slug=slug).first()
        if structure is None:
            structure = Structure.objects.create(
                territory=territory,
                slug=slug,
                name=name,
                family=family,
                description=description,
                commune=Commune.objects.filter(insee_code=insee).first(),
                status=Structure.Status.PUBLISHED,
            )
        manager = accounts.get(manager_key)
        if manager is not None:
            services.add_membership(
                actor=None,
                user=manager,
                structure=structure,
                role=Membership.Role.MANAGER,
                reason="Données de démonstration",
            )
