"""Demo (loader order 80, after the structures and the agenda): the 2027 training-needs census of the Pays
de Grasse, answered by 30 structures; the « financements hybrides » theme passed its threshold and became a
collective session (« DLA collectif ») in the agenda; the DLA adviser's weekly office hours with bookings;
support records; two guides. People and structures are fictitious; dates are relative to the demo's today.
Re-running is safe (nothing is created twice)."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.db import transaction

from maillage.accounts import services as accounts
from maillage.accounts.demo import DEMO_PASSWORD
from maillage.actors.models import Structure
from maillage.core.actors import Actor, system
from maillage.core.models import Territory
from maillage.events.recurrence import PARIS
from maillage.training import services
from maillage.training.models import Census, Period

DEMO = system("données de démonstration")
CENSUS_TITLE = "Recensement des besoins de formation 2027"
ADVISER = ("ines.conseil@demo.maillage.fr", "Inès", "Garnier", "Dispositif local d'accompagnement 06")
TOPICS = [
    "Monter un dossier FSE+ pour notre chantier d'insertion",
    "Diversifier nos financements : mécénat et financement participatif",
    "Passer d'une subvention à une commande publique",
    "Préparer notre premier recrutement en CDI",
]
# Theme weights: how likely a structure is interested (the seeds' 2013 interviews: financing first).
WEIGHTS = {
    "Financements hybrides": 0.6, "Gestion et comptabilité": 0.35, "Fonction employeur": 0.4,
    "Gouvernance": 0.25, "Numérique": 0.3, "Communication": 0.3, "Achats publics": 0.2,
    "Fonds européens": 0.45,
}  # fmt: skip


def _local(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=PARIS)


def _census(territory: Territory, today: dt.date, animator: Actor) -> Census:
    census = services.create_census(
        actor=animator,
        territory=territory,
        title=CENSUS_TITLE,
        description="Dites-nous de quelles formations votre structure a besoin : l'animation du contrat en "
        "tirera des sessions collectives (DLA collectif) et des permanences.",
        opens_on=today - dt.timedelta(days=20),
        deadline=_local(today + dt.timedelta(days=25), 23, 59),
    )
    employees = services.save_question(
        actor=animator,
        census=census,
        label="Votre structure emploie-t-elle des salariés ?",
        kind="yes_no",
        required=True,
    )
    services.save_question(
        actor=animator,
        census=census,
        label="Combien de salariés ?",
        kind="choice",
        choices=["1 à 4", "5 à 19", "20 et plus"],
        depends_on=employees,
        depends_value="oui",
    )
    services.save_question(
        actor=animator, census=census, label="Avez-vous déjà été accompagnés par un DLA ?", kind="yes_no"
    )
    services.move_census(actor=animator, census=census, to="open")
    return census


def _answers(census: Census, structures: list[Structure]) -> None:
    rng = random.Random(2013)
    themes = list(census.themes.all())
    questions = {q.label: q for q in census.questions.all()}
    employees, size = (
        questions["Votre structure emploie-t-elle des salariés ?"],
        questions["Combien de salariés ?"],
    )
    for structure in structures:
        has_staff = rng.random() < 0.7
        answers = {str(employees.pk): "oui" if has_staff else "non"}
        if has_staff:
            answers[str(size.pk)] = rng.choice(size.choices)
        interests: dict[int, dict[str, Any]] = {}
        for theme in themes:
            if rng.random() < WEIGHTS.get(theme.name, 0.3):
                interests[theme.pk] = {
                    "staff": rng.randint(1, 4),
                    "priority": rng.choice([1, 1, 2, 3]),
                    "periods": rng.sample(Period.values, k=rng.randint(1, 2)),
                    "formats": rng.sample(["in_person", "online", "short"], k=rng.randint(1, 2)),
                }
        if not interests:
            interests[themes[0].pk] = {"staff": 1, "priority": 2, "periods": ["q1"], "formats": ["in_person"]}
        services.submit_response(
            actor=DEMO,
            census=census,
            structure=structure,
            answers=answers,
            interests=interests,
            now=_local(census.opens_on + dt.timedelta(days=rng.randint(0, 15)), 10),
        )


@transaction.atomic
def load(*, today: dt.date, context: dict[str, Any], **_: Any) -> None:
    territory = Territory.objects.filter(slug="pays-de-grasse").first()
    if territory is None or Census.objects.filter(territory=territory, title=CENSUS_TITLE).exists():
        return
    people = context.get("demo_accounts", {})
    animator: Actor = people.get("animator") or DEMO
    structures = list(Structure.objects.filter(territory=territory, status="published").order_by("pk")[:30])
    if len(structures) < 5:
        return
    now = _local(today, 8)
    census = _census(territory, today, animator)
    _answers(census, structures)

    guide_hybrid = services.add_resource(
        actor=DEMO,
        territory=territory,
        title="Guide des financements hybrides",
        topic="financements hybrides",
        url="https://www.avise.org/",
        description="Subventions, recettes d'activité, mécénat, épargne solidaire : combiner ses ressources.",
    )
    guide_europe = services.add_resource(
        actor=DEMO,
        territory=territory,
        title="Mobiliser le FSE+ et le FEDER",
        topic="fonds européens",
        url="https://www.europe-en-france.gouv.fr/",
        description="Les étapes d'un dossier européen, du montage au contrôle de service fait.",
    )

    theme = census.themes.get(name="Financements hybrides")
    session_day = today + dt.timedelta(days=45)
    services.create_collective_session(
        actor=animator,
        theme=theme,
        title="DLA collectif : diversifier ses financements",
        start=_local(session_day, 9, 30),
        end=_local(session_day, 17, 0),
        trainer="Cabinet Tiers-Lieu Conseil",
        cofunders="Région Sud, Département des Alpes-Maritimes",
        venue="Maison de l'ESS, Grasse",
        capacity=16,
        priority_until=_local(today + dt.timedelta(days=15), 18, 0),
        resources=[guide_hybrid],
        now=now,
    )

    email, first, last, organisation = ADVISER
    user = accounts.ensure_account(
        actor=DEMO, email=email, password=DEMO_PASSWORD, first_name=first, last_name=last
    )
    people["adviser"] = user
    context.setdefault("logins", []).append(f"Conseillère DLA (permanences) : {email}")
    adviser = services.name_adviser(actor=DEMO, territory=territory, user=user, organisation=organisation)
    next_tuesday = today + dt.timedelta(days=(1 - today.weekday()) % 7 or 7)
    office_hours = services.publish_office_hours(
        actor=user,
        adviser=adviser,
        title="Permanence du DLA : financements et fonds européens",
        rrule="FREQ=WEEKLY;BYDAY=TU",
        first_start=_local(next_tuesday, 9, 0),
        slot_minutes=45,
        slots_per_occurrence=4,
        place="Maison de l'ESS, 12 rue de l'Oratoire, Grasse",
        description="Un rendez-vous de 45 minutes pour faire le point sur vos financements.",
        resources=[guide_hybrid, guide_europe],
        now=now,
    )
    managers = [people.get(k) for k in ("manager_ressourcerie", "manager_scop", "manager_jardins")]
    slots = list(office_hours.slots.order_by("start")[:8])
    for index, manager in enumerate(m for m in managers if m is not None):
        structure = Structure.objects.filter(memberships__user=manager, territory=territory).first()
        if structure is not None and index * 2 < len(slots):
            services.book_slot(
                actor=manager, slot=slots[index * 2], structure=structure, topic=TOPICS[index], now=now
            )
    for index, structure in enumerate(structures[:12]):
        services.record_support(
            actor=user,
            structure=structure,
            kind=["dla", "funding", "europe", "office_hours"][index % 4],
            date=today - dt.timedelta(days=10 + 9 * index),
            summary="Rendez-vous de suivi.",
        )
