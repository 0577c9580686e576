"""Demo of « vis ma vie » (called by the matchmaking demo loader): last autumn's campaign between directors of
insertion structures and heads of Sophia Antipolis companies — three pairs, each spent a day at the other's,
with their testimonies — and the spring campaign, open to volunteers. People and firms are fictitious."""

from __future__ import annotations

import datetime as dt
from typing import Any

from maillage.core.actors import system
from maillage.core.models import Territory
from maillage.matchmaking import services
from maillage.matchmaking.models import ExchangeCampaign

DEMO = system("données de démonstration")
PAST_TITLE = "Vis ma vie 2026 : structures d'insertion et dirigeants de Sophia Antipolis"
OPEN_TITLE = "Vis ma vie — printemps : une journée chez l'autre"

# (side, name, role, structure, presentation, testimony or "", consent)
PAST = [
    ("a", "Léa Fabre", "directrice", "Les Jardins de la Siagne",
     "Comprendre comment une entreprise technologique recrute et intègre.",
     "J'ai passé la journée à Sophia avec l'équipe de recrutement : nous avons revu ensemble "
     "deux fiches de poste pour qu'elles parlent à nos salariés en parcours. Trois entretiens ont suivi.",
     True),
    ("a", "Driss Benali", "directeur", "Régie de quartier des Aspres",
     "Voir l'organisation d'un site de production.",
     "Voir un atelier tourner en flux tendu m'a donné des idées pour nos équipes d'entretien.", True),
    ("a", "Gaëlle Morel", "encadrante technique", "Ressourcerie du Pays de Grasse",
     "Découvrir les achats d'une grande entreprise.", "", False),
    ("b", "Claire Fabre", "présidente", "Sophia Logiciels",
     "Vivre une journée de chantier d'insertion.",
     "Je croyais connaître l'insertion. Une journée aux Jardins, à désherber et à écouter les parcours, m'a "
     "appris plus que dix réunions. Nous accueillons deux stagiaires au printemps.", True),
    ("b", "Hugo Arnaud", "directeur de site", "Laboratoire Cosmétique Néroli",
     "Comprendre le quotidien d'une régie de quartier.",
     "Une journée très concrète ; nous avons signé un contrat d'entretien des espaces verts du site.", True),
    ("b", "Inès Rey", "directrice des achats", "Data Center Sophia",
     "Voir une ressourcerie de l'intérieur.",
     "Passionnant, mais je préfère que ce témoignage reste entre nous et l'animation.", False),
]  # fmt: skip
OPEN = [
    ("a", "Amandine Roux", "directrice", "Cuisine d'insertion La Marmite", "Découvrir une cuisine d'hôtel."),
    ("a", "Julien Carles", "directeur", "ACI Bois et Garrigues", "Voir la gestion d'un bureau d'études."),
    ("b", "Manon Perret", "gérante", "Hôtel Les Oliviers", "Comprendre l'accompagnement des salariés."),
    ("b", "Samuel Giordano", "dirigeant", "BTP Riviera Construction", "Vivre un chantier d'insertion."),
]  # fmt: skip


def _days(first: dt.date, *offsets: int) -> list[dt.date]:
    return [first + dt.timedelta(days=o) for o in offsets]


def _past(territory: Territory, today: dt.date, accounts: dict[str, Any]) -> None:
    first = today - dt.timedelta(days=120)
    campaign = services.create_campaign(
        actor=DEMO,
        territory=territory,
        title=PAST_TITLE,
        description="À la demande des SIAE : une dirigeante ou un dirigeant de chaque côté passe une journée "
        "chez l'autre. Organisé avec le club d'entreprises de Sophia Antipolis.",
        first_date=first,
        last_date=first + dt.timedelta(days=45),
        registration_deadline=first - dt.timedelta(days=10),
    )
    services.transition_campaign(actor=DEMO, campaign=campaign, to="open")
    volunteers = {}
    for index, (side, name, role, structure, presentation, _text, _consent) in enumerate(PAST):
        own = accounts.get("manager_jardins") if structure == "Les Jardins de la Siagne" else None
        volunteers[name] = services.register_volunteer(
            actor=own or DEMO,
            campaign=campaign,
            side=side,
            name=name,
            role=role,
            structure_name=structure,
            presentation=presentation,
            dates=_days(first, index % 3 * 7, index % 3 * 7 + 14, 30),
            by_animation=own is None,
        )
    for who, whom in (
        ("Léa Fabre", "Claire Fabre"),
        ("Claire Fabre", "Léa Fabre"),
        ("Driss Benali", "Hugo Arnaud"),
    ):
        services.save_volunteer_wishes(actor=DEMO, volunteer=volunteers[who], wished=[volunteers[whom].pk])
    services.transition_campaign(actor=DEMO, campaign=campaign, to="closed")
    exchanges = services.form_pairs(actor=DEMO, campaign=campaign)
    texts = {name: (text, consent) for _s, name, _r, _st, _p, text, consent in PAST}
    for exchange in exchanges:
        for volunteer in (exchange.a, exchange.b):
            services.confirm_exchange(actor=DEMO, exchange=exchange, volunteer=volunteer)
        exchange.refresh_from_db()
        for volunteer in (exchange.a, exchange.b):
            text, consent = texts[volunteer.name]
            if not text:
                continue
            testimony = services.submit_testimony(
                actor=DEMO, exchange=exchange, volunteer=volunteer, text=text, consent=consent, today=today
            )
            if consent:
                services.moderate_testimony(actor=DEMO, testimony=testimony, publish=True)
    services.transition_campaign(actor=DEMO, campaign=campaign, to="done")


def _open(territory: Territory, today: dt.date) -> None:
    first = today + dt.timedelta(days=30)
    campaign = services.create_campaign(
        actor=DEMO,
        territory=territory,
        title=OPEN_TITLE,
        description="Volontaires des deux côtés : indiquez les jours où vous pouvez accueillir ou être "
        "accueilli, et qui vous aimeriez suivre. Les binômes sont formés à la clôture des inscriptions.",
        first_date=first,
        last_date=first + dt.timedelta(days=40),
        registration_deadline=today + dt.timedelta(days=20),
    )
    services.transition_campaign(actor=DEMO, campaign=campaign, to="open")
    for index, (side, name, role, structure, presentation) in enumerate(OPEN):
        services.register_volunteer(
            actor=DEMO,
            campaign=campaign,
            side=side,
            name=name,
            role=role,
            structure_name=structure,
            presentation=presentation,
            dates=_days(first, index, index + 7, index + 14),
            by_animation=True,
        )


def load(territory: Territory, today: dt.date, context: dict[str, Any]) -> None:
    if ExchangeCampaign.objects.filter(territory=territory, title=PAST_TITLE).exists():
        return
    _past(territory, today, context.get("demo_accounts", {}))
    _open(territory, today)
