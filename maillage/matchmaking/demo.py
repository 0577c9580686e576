"""Demo (loader order 60, after the agenda): the Pôle Azur Provence's speed-meeting between 24 insertion
structures and 24 companies of the pays de Grasse, held two months ago (wishes, the computed schedule,
follow-ups), and the next one, open for wishes; two « vis ma vie » campaigns (`demo_exchanges`). People and
firms are fictitious."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.db import transaction

from maillage.core.actors import system
from maillage.core.models import Territory
from maillage.events import services as event_services
from maillage.events.recurrence import PARIS
from maillage.matchmaking import demo_exchanges, services
from maillage.matchmaking.models import Outcome, Participant, SpeedMeeting

DEMO = system("données de démonstration")
PAST_TITLE = "Speed-meeting SIAE – entreprises du pays de Grasse"
NEXT_TITLE = "Speed-meeting SIAE – entreprises de Sophia Antipolis"

SIAE = [
    "Les Jardins de la Siagne", "Régie de quartier des Aspres", "Ressourcerie du Pays de Grasse",
    "ACI Bois et Garrigues", "EI Propreté Azur", "ETTI Intérim Solidaire 06",
    "Atelier Couture du Plan", "Bâtiment Réinsertion Provence", "Espaces verts du Loup",
    "Recyclerie de Mouans", "EI Logistique Solidaire", "ACI Patrimoine Restanques",
    "Cuisine d'insertion La Marmite", "Vélos en Selle Grasse", "Blanchisserie Solidaire",
    "AI Services Pays Grassois", "Repair Café Insertion", "EI Déménagements Azur",
    "ACI Maraîchage Bio Siagne", "Peinture et Second Œuvre 06", "Tri Textile Provence",
    "Entretien Forestier Préalpes", "Conciergerie Solidaire Sophia", "ESAT Horizon Parfums",
]  # fmt: skip
COMPANIES = [
    "Parfumerie Fragonelle", "Arômes de Provence SA", "Sophia Logiciels", "Hôtel Les Oliviers",
    "BTP Riviera Construction", "Clinique du Val", "Transports Bellone", "Supermarché du Plan",
    "Imprimerie Azuréenne", "Cabinet Comptable Siagne", "Golf de la Grande Bastide",
    "Laboratoire Cosmétique Néroli", "Restaurant Le Moulin", "Agence Immobilière des Collines",
    "Électricité Générale 06", "Data Center Sophia", "Camping Les Pins", "Traiteur Mimosa",
    "Garage Central Grasse", "Pépinières du Tanneron", "Start-up GreenTech Valbonne",
    "Banque Coopérative Azur", "Hypermarché Grasse Sud", "Distillerie du Pays",
]  # fmt: skip
FIRST_NAMES = ["Amandine", "Bruno", "Chloé", "Driss", "Élodie", "Fabrice", "Gaëlle", "Hugo", "Inès", "Julien",
               "Karima", "Louis", "Manon", "Nicolas", "Océane", "Pierre", "Rachida", "Samuel"]  # fmt: skip
LAST_NAMES = ["Roux", "Carles", "Martin", "Benali", "Faure", "Lenoir", "Simon", "Perret", "Garnier", "Morel",
              "Haddad", "Ferrand", "Blanc", "Rey", "Giordano", "Arnaud", "Mercier", "Bonnet"]  # fmt: skip
PITCHES_A = (
    "Nous proposons {what} ; nous cherchons des clients et des parrains pour nos salariés en parcours."
)
PITCHES_B = "Nous cherchons {what} ; nous pouvons accueillir des stages et des immersions."
WHATS = [
    "entretien d'espaces verts", "nettoyage de locaux", "travaux de second œuvre",
    "restauration collective", "logistique et livraisons", "tri et recyclage",
    "services aux salariés", "petites réparations",
]  # fmt: skip


def _person(rng: random.Random, index: int) -> str:
    return f"{FIRST_NAMES[index % len(FIRST_NAMES)]} {LAST_NAMES[(index * 7 + 3) % len(LAST_NAMES)]}"


def _email(name: str, structure: str) -> str:
    slug = "".join(c for c in structure.lower() if c.isalnum())[:20]
    first = name.split()[0].lower().replace("é", "e").replace("è", "e").replace("ë", "e").replace("ï", "i")
    return f"{first}@{slug}.exemple.org"


def _meeting(
    territory: Territory, title: str, start: dt.datetime, rng: random.Random, accounts: dict[str, Any]
) -> SpeedMeeting:
    event = event_services.create_event(
        actor=DEMO,
        territory=territory,
        title=title,
        start=start,
        end=start + dt.timedelta(hours=3),
        status="published",
        venue="Espace Chiris, Grasse",
        description="Des rendez-vous de sept minutes entre structures d'insertion et entreprises, planifiés "
        "d'après les vœux de chacun.",
    )
    people = [(s, "a") for s in SIAE] + [(c, "b") for c in COMPANIES]
    for index, (structure, _side) in enumerate(people):
        name = _person(rng, index)
        if structure == "Les Jardins de la Siagne" and accounts.get("manager_jardins") is not None:
            # Léa Fabre, the structure's manager in the demo, registered with her account: she has an agenda
            event_services.register_account(
                actor=accounts["manager_jardins"],
                event=event,
                structure_name=structure,
                now=start - dt.timedelta(days=20),
            )
            continue
        event_services.record_registration(
            actor=DEMO,
            event=event,
            email=_email(name, structure),
            name=name,
            structure_name=structure,
            at=start - dt.timedelta(days=20),
        )
    meeting = services.create_speed_meeting(
        actor=DEMO,
        event=event,
        title=title,
        wishes_deadline=start - dt.timedelta(days=3),
        rounds=10,
        round_minutes=7,
        break_minutes=2,
        tables=16,
    )
    sides = {r.pk: ("a" if r.structure_name in SIAE else "b") for r in event.registrations.all()}
    services.sync_participants(actor=DEMO, meeting=meeting, sides=sides)
    for index, participant in enumerate(meeting.participants.order_by("pk")):
        template = PITCHES_A if participant.side == "a" else PITCHES_B
        services.save_pitch(
            actor=DEMO, participant=participant, pitch=template.format(what=WHATS[index % len(WHATS)])
        )
    services.transition_meeting(actor=DEMO, meeting=meeting, to="open")
    return meeting


def _wishes(meeting: SpeedMeeting, rng: random.Random, share: float) -> None:
    participants = list(meeting.participants.order_by("pk"))
    for index, p in enumerate(participants):
        others = [o for o in participants if o.side != p.side]
        if rng.random() > share:
            continue
        ranked = rng.sample(others, 6)
        refused = [o.pk for o in others if o not in ranked and rng.random() < 0.03]
        services.save_wishes(actor=DEMO, participant=p, wished=[o.pk for o in ranked], refused=refused)
        if index % 9 == 4:
            services.set_availability(actor=DEMO, participant=p, first_round=3, last_round=meeting.rounds)


@transaction.atomic
def load(*, today: dt.date, context: dict[str, Any], **_: Any) -> None:
    territory = Territory.objects.filter(slug="pays-de-grasse").first()
    if territory is None:
        return
    demo_exchanges.load(territory, today, context)
    if SpeedMeeting.objects.filter(territory=territory, title=PAST_TITLE).exists():
        return
    rng = random.Random(2013)
    accounts = context.get("demo_accounts", {})
    past = _meeting(
        territory,
        PAST_TITLE,
        dt.datetime.combine(today - dt.timedelta(days=60), dt.time(9, 0), tzinfo=PARIS),
        rng,
        accounts,
    )
    _wishes(past, rng, share=1.0)
    services.add_must_meet(
        actor=DEMO,
        meeting=past,
        a=past.participants.get(structure_name="Les Jardins de la Siagne"),
        b=past.participants.get(structure_name="Parfumerie Fragonelle"),
    )
    services.transition_meeting(actor=DEMO, meeting=past, to="closed")
    run = services.request_run(actor=DEMO, meeting=past)
    services.execute_run(actor=DEMO, run=run)
    services.transition_meeting(actor=DEMO, meeting=past, to="scheduled")
    services.transition_meeting(actor=DEMO, meeting=past, to="done")
    outcomes = [Outcome.CONTRACT, Outcome.PARTNERSHIP, Outcome.VISIT, Outcome.VIS_MA_VIE, Outcome.NOTHING]
    for index, slot in enumerate(run.slots.order_by("round", "table")):
        if index % 4 == 0:
            author = Participant.objects.get(pk=slot.a_id)
            services.record_follow_up(actor=DEMO, participant=author, slot=slot, outcome=outcomes[index % 5])
    upcoming = _meeting(
        territory,
        NEXT_TITLE,
        dt.datetime.combine(today + dt.timedelta(days=24), dt.time(9, 0), tzinfo=PARIS),
        rng,
        {},
    )
    _wishes(upcoming, rng, share=0.5)
    buyer = accounts.get("buyer")
    if buyer is not None:
        registration = event_services.register_account(actor=buyer, event=upcoming.event)
        services.sync_participants(actor=DEMO, meeting=upcoming, sides={registration.pk: "b"})
