"""Core's part of `maillage demo` (order 10, before every other module): the communes, the Pays de Grasse
territory (the 5 communes of the former Pôle Azur Provence flagged) and a small fictitious second territory,
« Vallée du Loup », to show that territories are isolated.

Idempotent: territories are found by slug and updated, communes by INSEE code. Later loaders read
`context["territory"]` (Pays de Grasse) and `context["other_territory"]` (Vallée du Loup).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from maillage.core.models import Commune, Territory
from maillage.core.services import create_or_update_territory, load_communes

PAYS_DE_GRASSE = "pays-de-grasse"
VALLEE_DU_LOUP = "vallee-du-loup"
EX_POLE_AZUR_PROVENCE = 5
# Three communes of the upper Loup valley area, re-used from the same file (a commune may belong to two
# territories: a territory is a contract's perimeter, not an administrative level).
VALLEE_DU_LOUP_COMMUNES = ("06003", "06028", "06134")  # Andon, Caille, Séranon

# Every contact below is fictitious (the .example domain, a telephone number in a range kept for fiction).
# "demo": the footer says once that the people, structures and events shown are fictitious.
_GRASSE_SETTINGS = {
    "demo": True,
    "publisher_name": "Communauté d'agglomération du Pays de Grasse (démonstration)",
    "publication_director": "Le président ou la présidente de la communauté d'agglomération",
    "host_name": "Instance de démonstration locale (aucun hébergeur)",
    "host_address": "Cet ordinateur",
    "host_contact": "—",
}
_LOUP_SETTINGS = {
    "demo": True,
    "publisher_name": "Syndicat mixte de la Vallée du Loup (territoire fictif de démonstration)",
    "host_name": "Instance de démonstration locale (aucun hébergeur)",
    "host_address": "Cet ordinateur",
    "host_contact": "—",
}


def _merged(territory_slug: str, demo_settings: dict[str, Any]) -> dict[str, Any]:
    """Keep what an administrator changed in the settings; (re)set only the demo's own keys."""
    existing = Territory.objects.filter(slug=territory_slug).values_list("settings", flat=True).first() or {}
    return {**existing, **demo_settings}


def _communes_of(territory_slug: str) -> list[Commune]:
    """The communes a territory already covers (an administrator may have added some): kept."""
    return list(Commune.objects.filter(territories__slug=territory_slug))


@transaction.atomic
def load_core_demo(*, today: dt.date, context: dict[str, Any], **_: Any) -> None:
    communes = load_communes()
    flagged = [c for c in communes if c.flags.get("ex_pole_azur_provence")]
    if len(flagged) != EX_POLE_AZUR_PROVENCE:
        raise RuntimeError(
            f"{len(flagged)} communes flagged ex-Pôle Azur Provence, expected {EX_POLE_AZUR_PROVENCE}"
        )

    grasse = create_or_update_territory(
        slug=PAYS_DE_GRASSE,
        name="Pays de Grasse",
        contract_name="Contrat local de développement de l'ESS du Pays de Grasse",
        tagline="Mettre en lien les acteurs de l'économie sociale et solidaire du territoire, "
        "de la Siagne aux Préalpes.",
        canonical_url="http://127.0.0.1:8000",
        domains=["127.0.0.1", "localhost"],
        accent_color="#8c3b1e",
        contact_email="animation.ess@paysdegrasse.example",
        contact_phone="04 65 71 00 12",
        contact_address=(
            "Service de l'économie sociale et solidaire\n"
            "Communauté d'agglomération du Pays de Grasse\n"
            "06130 Grasse"
        ),
        settings=_merged(PAYS_DE_GRASSE, _GRASSE_SETTINGS),
        is_active=True,
        communes=list(communes) + [c for c in _communes_of(PAYS_DE_GRASSE) if c not in communes],
    )

    loup = create_or_update_territory(
        slug=VALLEE_DU_LOUP,
        name="Vallée du Loup",
        contract_name="Contrat local de l'ESS de la Vallée du Loup (territoire fictif)",
        tagline="Un second territoire de démonstration : ses acteurs et ses rendez-vous ne se mélangent pas "
        "à ceux du Pays de Grasse.",
        canonical_url="http://vallee-du-loup.localhost:8000",
        domains=["vallee-du-loup.localhost"],
        accent_color="#2b6a4a",
        contact_email="contact@vallee-du-loup.example",
        contact_phone="04 65 71 00 34",
        contact_address="Maison de la vallée\n06750 Andon",
        settings=_merged(VALLEE_DU_LOUP, _LOUP_SETTINGS),
        is_active=True,
        communes=Commune.objects.filter(insee_code__in=VALLEE_DU_LOUP_COMMUNES),
    )

    context["territory"] = grasse
    context["other_territory"] = loup
    context.setdefault("territories", {})
    context["territories"].update({PAYS_DE_GRASSE: grasse, VALLEE_DU_LOUP: loup})
