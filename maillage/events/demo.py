"""Demo agenda (loader order 40, after the structures): the monthly « Rendez-vous de l'ESS » on first Fridays
at 18:00, each date hosted by another demo structure (past dates with attendance and a report, coming dates
open for registration), réunions d'atelier, and a « Mois de l'ESS » campaign in November. Dates are relative
to DEMO_TODAY; people are fictitious. Re-running is safe (nothing is created twice)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from maillage.actors.models import Structure
from maillage.core.actors import Actor, system
from maillage.core.demo import contract_start
from maillage.core.models import Commune, Territory
from maillage.events import services
from maillage.events.models import Campaign, Event, Kind, OnHoliday, Series, Status
from maillage.events.recurrence import PARIS

SERIES_TITLE = "Les Rendez-vous de l'ESS"
PEOPLE = [
    ("Amandine Roux", "Les Jardins de la Siagne"), ("Bruno Carles", "Scop L'Atelier des Collines"),
    ("Chloé Martin", "La Ressourcerie du Pays de Grasse"), ("Driss Benali", "Mutuelle des Collines"),
    ("Élodie Faure", "Association Parfums Solidaires"), ("Fabrice Lenoir", ""),
    ("Gaëlle Simon", "Épicerie solidaire du Plan"), ("Hugo Perret", "Service des achats de l'agglomération"),
    ("Inès Garnier", "Cap Emploi Ouest"), ("Julien Morel", "Scop L'Atelier des Collines"),
    ("Karima Haddad", "Les Jardins de la Siagne"), ("Louis Ferrand", ""),
    ("Manon Blanc", "La Ressourcerie du Pays de Grasse"),
    ("Nicolas Rey", "Club des entrepreneurs du Pays de Grasse"),
]  # fmt: skip
REPORTS = [
    "Visite des ateliers, puis échanges sur la mutualisation des locaux et des véhicules entre structures.",
    "Présentation du dispositif local d'accompagnement (DLA) ; "
    "trois structures souhaitent être accompagnées.",
    "Atelier sur les marchés réservés : l'agglomération présente ses prochains achats ouverts aux SIAE.",
    "Échanges sur le recrutement en insertion ; une fiche de bonnes pratiques sera rédigée.",
]


def _first_friday(year: int, month: int) -> dt.date:
    day = dt.date(year, month, 1)
    return day + dt.timedelta(days=(4 - day.weekday()) % 7)


DEMO = system("données de démonstration")


def _register(
    actor: Actor, event: Event, people: list[tuple[str, str]], *, attended_ratio: float = 0.0
) -> None:
    for index, (name, structure_name) in enumerate(people):
        email = (
            name.lower()
            .replace(" ", ".")
            .replace("é", "e")
            .replace("ë", "e")
            .replace("è", "e")
            .replace("ï", "i")
            .replace("ç", "c")
            + "@exemple.org"
        )
        services.record_registration(
            actor=actor,
            event=event,
            email=email,
            name=name,
            structure_name=structure_name,
            at=event.start - dt.timedelta(days=7),
            attended=index < int(len(people) * attended_ratio),
        )


def _report(actor: Actor, event: Event, report: str, published: dt.datetime) -> None:
    services.save_report(actor=actor, event=event, report=report, publish=True, now=published)


@transaction.atomic
def load(*, today: dt.date, context: dict[str, Any], **_: Any) -> None:
    territory = Territory.objects.filter(slug="pays-de-grasse").first()
    if territory is None or Series.objects.filter(territory=territory, title=SERIES_TITLE).exists():
        return
    now = dt.datetime.combine(today, dt.time(10, 0), tzinfo=PARIS)
    accounts = context.get("demo_accounts", {})
    animator = accounts.get("animator") or DEMO
    hosts = list(
        Structure.objects.filter(territory=territory, status=Structure.Status.PUBLISHED)
        .exclude(family=Structure.Family.HORS_ESS)
        .order_by("pk")
    )
    grasse = Commune.objects.filter(insee_code="06069").first()
    start_month = contract_start(today)
    launch = start_month.replace(
        month=start_month.month % 12 + 1, year=start_month.year + (start_month.month == 12)
    )
    first = dt.datetime.combine(_first_friday(launch.year, launch.month), dt.time(18, 0), tzinfo=PARIS)
    series = services.create_series(
        actor=animator,
        territory=territory,
        rrule="FREQ=MONTHLY;BYDAY=1FR",
        first_start=first,
        duration=dt.timedelta(hours=2),
        hosts=hosts[:1],
        on_holiday=OnHoliday.SKIP,  # no Rendez-vous on 1 January
        now=now,
        title=SERIES_TITLE,
        description=(
            "Tous les mois, un rendez-vous de découverte et d'échanges **sur site**, "
            "chez un acteur de l'ESS du "
            "territoire : visite, présentation, puis temps d'échange convivial.\n\nOuvert à tous, gratuit."
        ),
        kind=Kind.RENDEZ_VOUS,
        venue="Chez la structure d'accueil",
        commune=grasse,
        capacity=30,
        accessibility="Lieu accessible en fauteuil roulant ; parking à proximité.",
    )
    services.rotate_hosts(actor=animator, series=series, hosts=hosts)
    occurrences = list(series.occurrences.order_by("start"))
    for index, event in enumerate(occurrences):
        host = hosts[index % len(hosts)] if hosts else None
        if event.end < now:
            count = 8 + (index * 3) % 7
            _register(animator, event, PEOPLE[:count], attended_ratio=0.8)
            report = (
                f"{REPORTS[index % len(REPORTS)]}\n\n"
                f"Merci à {host.name if host else 'la structure'} pour son accueil."
            )
            _report(animator, event, report, event.end + dt.timedelta(days=3))
        elif event.start < now + dt.timedelta(days=62):
            _register(animator, event, PEOPLE[: 4 + index % 5])
    # Réunions d'atelier (single events): two past with reports, two ahead.
    workshops = [
        (-45, "Réunion de l'atelier « Achats responsables »"),
        (-12, "Réunion de l'atelier « Emploi et insertion »"),
        (9, "Réunion de l'atelier « Achats responsables »"),
        (23, "Réunion de l'atelier « Mobilité solidaire »"),
    ]
    for offset, title in workshops:
        day = today + dt.timedelta(days=offset)
        start = dt.datetime.combine(day, dt.time(9, 30), tzinfo=PARIS)
        if start > now:
            services.create_event(
                actor=animator,
                territory=territory,
                hosts=hosts[1:2],
                status=Status.PUBLISHED,
                title=title,
                kind=Kind.WORKSHOP_MEETING,
                description="Réunion de travail de l'atelier : point d'étape, suites à donner, "
                "prochaines actions.",
                start=start,
                end=start + dt.timedelta(hours=2),
                venue="Maison de l'ESS",
                address="12 boulevard du Jeu de Ballon",
                commune=grasse,
                capacity=15,
                visibility="members",
            )
            continue
        event = services.create_event(
            actor=animator,
            territory=territory,
            status=Status.PUBLISHED,
            title=title,
            kind=Kind.WORKSHOP_MEETING,
            start=start,
            end=start + dt.timedelta(hours=2),
            venue="Maison de l'ESS",
            commune=grasse,
            capacity=15,
            visibility="members",
        )
        _register(animator, event, PEOPLE[4:10], attended_ratio=1.0)
        _report(
            animator, event, "Point d'étape et prochaines actions de l'atelier.", start + dt.timedelta(days=2)
        )
    # The « Mois de l'ESS » in November (this year's if not over, else next year's).
    year = today.year if today.month <= 11 else today.year + 1
    campaign = Campaign.objects.filter(territory=territory, slug=f"mois-de-l-ess-{year}").first()
    if campaign is None:
        campaign = services.create_campaign(
            actor=animator,
            territory=territory,
            slug=f"mois-de-l-ess-{year}",
            title=f"Mois de l'ESS {year}",
            description="En novembre, les acteurs de l'ESS ouvrent leurs portes : "
            "visites, ateliers, projections.",
            starts_on=dt.date(year, 11, 1),
            ends_on=dt.date(year, 11, 30),
        )
    campaign_events = [
        (5, "Portes ouvertes de la ressourcerie", 0, True),
        (14, "Ciné-débat : travailler autrement", 1, True),
        (21, "Visite des jardins d'insertion", 2, True),
        (26, "Atelier réparation de vélos", 0, False),  # a proposal waiting for the animator
    ]
    for day, title, host_index, validated in campaign_events:
        start = dt.datetime.combine(dt.date(year, 11, day), dt.time(14, 0), tzinfo=PARIS)
        held = start <= now  # already held: published, with attendance and a short report
        event = services.create_event(
            actor=animator,
            territory=territory,
            hosts=hosts[host_index : host_index + 1],
            status=Status.PUBLISHED if validated else Status.DRAFT,
            title=title,
            kind=Kind.CAMPAIGN,
            description="Dans le cadre du Mois de l'ESS.",
            start=start,
            end=start + dt.timedelta(hours=3),
            venue=hosts[host_index].name if len(hosts) > host_index else "Grasse",
            commune=grasse,
            capacity=25,
            campaign=campaign,
        )
        if validated:
            services.validate_campaign_event(actor=animator, event=event, accept=True)
        if held:
            _register(animator, event, PEOPLE[2:12], attended_ratio=0.7)
            _report(
                animator,
                event,
                "Une belle affluence et de nombreuses questions sur l'emploi dans l'ESS.",
                start + dt.timedelta(days=1),
            )
    context.setdefault("logins", []).append(
        f"Agenda : {len(occurrences)} Rendez-vous de l'ESS, Mois de l'ESS {year}"
    )
