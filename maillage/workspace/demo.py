"""Demo of the workspace (loader order 70): the seed's ateliers with members, a few discussions and
« échanges », and a dozen items of the news watch, some picked for the lettre. Everything is fictitious
(people from `context["demo_accounts"]`; the watch's sources have believable names and addresses under
example domains, never fetched). Re-running is safe: ateliers are found by slug, threads by title, news
items by URL."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from maillage.core.actors import system
from maillage.core.models import Territory
from maillage.core.registry import DemoLoader
from maillage.events.models import Event
from maillage.events.models import Kind as EventKind
from maillage.plan.models import Link as PlanLink
from maillage.plan.models import Node as PlanNode
from maillage.plan.services import add_link as add_plan_link
from maillage.workspace import services
from maillage.workspace.models import Atelier, AtelierMeeting, AtelierMember, Thread

ATELIERS = [
    (
        "guide-des-acteurs-et-des-pratiques",
        "Guide des acteurs et des pratiques",
        "Co-construire le guide des acteurs de l'ESS du territoire et recueillir les **bonnes pratiques** "
        "(objectif 1 du contrat : identifier, structurer et animer le réseau).",
        Atelier.Policy.OPEN,
        ["manager_ressourcerie", "manager_scop", "manager_jardins"],
    ),
    (
        "evenementiel",
        "Événementiel",
        "Préparer les Rendez-vous de l'ESS, le mois de l'ESS et les rencontres avec les entreprises "
        "« classiques ».",
        Atelier.Policy.OPEN,
        ["manager_ressourcerie", "manager_jardins"],
    ),
    (
        "besoins-sociaux",
        "Besoins sociaux non ou insuffisamment satisfaits",
        "Repérer les besoins sociaux du territoire mal couverts et imaginer des réponses collectives.",
        Atelier.Policy.ON_REQUEST,
        ["manager_jardins"],
    ),
    (
        "finances-solidaires",
        "Finances solidaires",
        "Avec les acteurs financiers du territoire : financement des projets, épargne solidaire, "
        "réflexion autour d'une monnaie locale.",
        Atelier.Policy.ON_REQUEST,
        ["manager_scop"],
    ),
    (
        "iae-achats-responsables",
        "Groupe de travail IAE et achats responsables",
        "Avec les structures de l'insertion par l'activité économique : développer les achats responsables "
        "et de proximité, en interne de l'agglomération et à l'extérieur.",
        Atelier.Policy.ON_REQUEST,
        ["manager_jardins", "buyer"],
    ),
]

THREADS = [
    (
        "guide-des-acteurs-et-des-pratiques",
        "Quelles rubriques pour les fiches pratiques ?",
        [
            (
                "animator",
                "Bonjour à toutes et tous ! Pour la prochaine séance, proposons les rubriques d'une "
                "fiche pratique : *contexte*, *ce qui a marché*, *contacts*. Qu'en pensez-vous ?",
            ),
            (
                "manager_ressourcerie",
                "Bonne idée. J'ajouterais « ce que ça a coûté » : c'est la première "
                "question qu'on nous pose sur l'atelier de réparation.",
            ),
            (
                "manager_scop",
                "D'accord avec les deux. @les-jardins-de-la-siagne pourrait tester la fiche sur "
                "les paniers hebdomadaires ?",
            ),
        ],
    ),
    (
        "evenementiel",
        "Rendez-vous de l'ESS : thème du prochain trimestre",
        [
            (
                "animator",
                "Trois pistes pour les prochains Rendez-vous : l'économie circulaire, l'emploi des "
                "jeunes, les achats publics responsables. Votez dans vos réponses !",
            ),
            ("manager_jardins", "Les achats publics : nos paniers intéressent plusieurs cantines."),
        ],
    ),
    (
        "iae-achats-responsables",
        "Clauses sociales : retour sur le dernier marché de l'agglomération",
        [
            (
                "buyer",
                "Le marché d'entretien des espaces verts comprenait une clause d'insertion de 5 % des "
                "heures. Trois SIAE ont répondu ; nous ferons le bilan en septembre.",
            ),
            ("manager_jardins", "Merci ! Un allotissement plus fin nous aurait permis de répondre seuls."),
        ],
    ),
]

EXCHANGES = [
    (
        "manager_ressourcerie",
        Thread.Kind.SEEK,
        "Cherche un local de stockage à Grasse",
        "Nous cherchons 50 m² de stockage, même temporaire, pour les meubles collectés.",
    ),
    (
        "manager_scop",
        Thread.Kind.OFFER,
        "Propose une demi-journée de formation à l'isolation",
        "Nous pouvons former deux salariés en insertion aux bases de l'isolation thermique.",
    ),
]

# The watch's sources: names a reader of French ESS news would find believable, addresses under example
# domains (fictitious, never fetched).
NEWS_SOURCES = {
    "fil": ("Le Fil de l'ESS", "https://lefil-ess.example"),
    "azur": ("ESS Azur Infos", "https://ess-azur-infos.example"),
    "coop": ("La Gazette des coopératives", "https://gazette-cooperatives.example"),
    "finance": ("Finance solidaire Hebdo", "https://finance-solidaire-hebdo.example"),
    "achats": ("Acheteurs responsables, le carnet", "https://acheteurs-responsables.example"),
    "insertion": ("Le Mag de l'insertion", "https://mag-insertion.example"),
    "territoires": ("Territoires solidaires", "https://territoires-solidaires.example"),
}

NEWS = [
    (
        "Le mois de l'ESS revient en novembre",
        "Appel à initiatives ouvert aux acteurs du département.",
        ["événement", "mois de l'ESS"],
        3,
        "azur",
    ),
    (
        "Un guide des marchés réservés pour les acheteurs publics",
        "Une fiche claire sur l'article des marchés réservés aux SIAE et aux entreprises adaptées.",
        ["achats", "IAE"],
        6,
        "achats",
    ),
    (
        "Les monnaies locales complémentaires font le point",
        "Retour sur dix ans de monnaies locales en France.",
        ["finances solidaires", "monnaie locale"],
        9,
        "finance",
    ),
    (
        "Nouvel appel à projets pour l'économie circulaire",
        "Financement de ressourceries et de recycleries.",
        ["économie circulaire", "appel à projets"],
        12,
        "azur",
    ),
    (
        "Dispositif local d'accompagnement : les dates de l'année",
        "Le DLA accompagne les associations employeuses.",
        ["accompagnement", "DLA"],
        15,
        "fil",
    ),
    (
        "Épargne solidaire : les encours progressent encore",
        "Le baromètre annuel de la finance solidaire.",
        ["finances solidaires"],
        20,
        "finance",
    ),
    (
        "L'agrément ESUS expliqué en cinq questions",
        "Qui peut le demander, pour quoi faire.",
        ["ESUS"],
        26,
        "fil",
    ),
    (
        "Clauses sociales : un guide pour les collectivités",
        "Rédiger, suivre et évaluer une clause d'insertion.",
        ["achats", "clauses sociales"],
        33,
        "achats",
    ),
    (
        "Les jardins d'insertion, acteurs de l'alimentation locale",
        "Reportage dans trois chantiers.",
        ["IAE", "alimentation"],
        40,
        "insertion",
    ),
    (
        "Le SCOT et l'ESS : comment s'y inscrire ?",
        "Retour d'expérience d'un territoire voisin.",
        ["SCOT", "territoire"],
        48,
        "territoires",
    ),
    (
        "Speed-meeting SIAE et entreprises : mode d'emploi",
        "Organiser des rencontres d'égal à égal.",
        ["IAE", "événement"],
        55,
        "insertion",
    ),
    (
        "Coopératives d'activité et d'emploi : un modèle qui essaime",
        "Portrait de trois CAE.",
        ["coopératives"],
        62,
        "coop",
    ),
]


DEMO = system("données de démonstration")


@transaction.atomic
def load(*, today: dt.date, context: dict[str, Any], **_: Any) -> None:
    territory = Territory.objects.filter(slug="pays-de-grasse").first()
    people = context.get("demo_accounts", {})
    if territory is None:
        return
    now = timezone.now()
    animator = people.get("animator")
    for slug, name, purpose, policy, members in ATELIERS:
        atelier = Atelier.objects.filter(territory=territory, slug=slug).first() or services.create_atelier(
            actor=DEMO, territory=territory, name=name, purpose=purpose, policy=policy, slug=slug
        )
        if animator is not None:
            services.add_member(
                actor=DEMO, atelier=atelier, user=animator, role=AtelierMember.Role.COORDINATOR
            )
        for key in members:
            if key in people:
                services.add_member(actor=DEMO, atelier=atelier, user=people[key])
    for slug, title, posts in THREADS:
        atelier = Atelier.objects.get(territory=territory, slug=slug)
        thread = services.record_thread(
            actor=DEMO, territory=territory, atelier=atelier, title=title, author=people.get(posts[0][0])
        )
        for i, (key, body) in enumerate(posts):
            if key in people:
                services.record_post(
                    actor=DEMO,
                    thread=thread,
                    author=people[key],
                    body=body,
                    at=now - dt.timedelta(days=10 - 2 * i),
                )
    for key, kind, title, body in EXCHANGES:
        if key not in people:
            continue
        thread = services.record_thread(
            actor=DEMO, territory=territory, atelier=None, title=title, author=people[key], kind=kind
        )
        services.record_post(
            actor=DEMO, thread=thread, author=people[key], body=body, at=now - dt.timedelta(days=4)
        )
    for i, (title, summary, tags, days_ago, source_key) in enumerate(NEWS):
        published = now - dt.timedelta(days=days_ago)
        source, site = NEWS_SOURCES[source_key]
        services.record_news_item(
            actor=animator or DEMO,
            territory=territory,
            url=f"{site}/articles/{slugify(title)}",
            title=title,
            summary=summary,
            tags=tags,
            source=source,
            published_at=published,
            picked_at=published + dt.timedelta(hours=2) if i % 2 == 0 else None,
        )
    _attach_meetings(territory, animator, now)
    _link_plan_actions(territory, animator)


# The events demo's « réunions d'atelier » (by the atelier named in their title) → the demo atelier they
# belong to. Its « Emploi et insertion » and « Mobilité solidaire » meetings match no demo atelier.
MEETINGS = {"« Achats responsables »": "iae-achats-responsables"}
MINUTES = (
    "**Présents** : la coordination du groupe, cinq structures de l'insertion, le service achats de "
    "l'agglomération.\n\n"
    "**Point d'étape**\n\n"
    "- Le recensement des achats ouverts aux SIAE est fait pour l'entretien des espaces verts et la "
    "restauration.\n"
    "- Deux structures répondront ensemble au prochain marché réservé.\n\n"
    "**Suites à donner**\n\n"
    "- Rédiger une fiche « répondre à plusieurs à un marché réservé » pour le guide des pratiques.\n"
    "- Prochaine réunion : bilan des réponses groupées."
)


def _attach_meetings(territory: Territory, animator: Any, now: dt.datetime) -> None:
    """Tie the events demo's meetings to their atelier; the past ones get minutes (idempotent)."""
    for needle, slug in MEETINGS.items():
        atelier = Atelier.objects.filter(territory=territory, slug=slug).first()
        if atelier is None:
            continue
        events = Event.objects.filter(
            territory=territory, kind=EventKind.WORKSHOP_MEETING, title__contains=needle
        )
        for event in events:
            if AtelierMeeting.objects.filter(event=event).exclude(atelier=atelier).exists():
                continue
            meeting = services.link_meeting(actor=animator or DEMO, atelier=atelier, event=event)
            if event.end < now and not meeting.minutes:
                services.save_minutes(
                    actor=animator or DEMO,
                    meeting=meeting,
                    minutes=MINUTES,
                    at=event.end + dt.timedelta(days=1),
                )


# The plan's actions each atelier carries out (the seed's words): atelier slug → title fragment.
PLAN_NODES = {
    "guide-des-acteurs-et-des-pratiques": "guide « dynamique » des acteurs",
    "evenementiel": "Trophée des initiatives",
    "iae-achats-responsables": "achats responsables et de proximité",
    "besoins-sociaux": "besoins sociaux non ou insuffisamment satisfaits",
}


def _link_plan_actions(territory: Territory, animator: Any) -> None:
    """Point the plan's actions at the ateliers that carry them out (the plan loader ran before)."""
    if animator is None:
        return
    for slug, fragment in PLAN_NODES.items():
        atelier = Atelier.objects.filter(territory=territory, slug=slug).first()
        if atelier is None:
            continue
        nodes = PlanNode.objects.filter(
            version__contract__territory=territory, kind=PlanNode.Kind.ACTION, title__contains=fragment
        )
        for node in nodes:
            if not PlanLink.objects.filter(
                node=node, target_key="workspace.atelier", object_id=atelier.pk
            ).exists():
                add_plan_link(actor=animator, node=node, target_key="workspace.atelier", object_id=atelier.pk)


LOADER = DemoLoader(key="workspace", load=load, order=70)
