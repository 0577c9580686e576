"""The demo plan (loader order 60): the seed's real action plan (`plan-actions-cldess-2012.txt`, May 2012).

Every objective, operational objective, action, means and schedule entry is entered as written in the
seed. The seed lists its actions per objective, not per operational objective; since the tree is typed,
each action hangs under the operational objective it serves (mapping below, documented in
docs/guide/plan-d-actions.md).

Timeline. The seed's calendar is mapped onto the demo contract's, relative to `DEMO_TODAY`:
`S = contract_start(today)` (14 months before today, first of a month) stands for « Juin 2012 », the launch
of the first actions. A seed month M of year Y becomes S + (Y·12 + M − (2012·12 + 6)) months, keeping the
label's precision: « Septembre 2012 » → S + 3 months (month), « Premier semestre 2013 » → the calendar
semester holding S + 7 months, « Deuxième semestre 2012 » → the semester holding S + 1 month, « d'ici fin
2012 », « Décembre », « Fin d'année » → S + 6 months (month), « En cours » → ongoing since S. The signature
(« Novembre 2012 ») is at S + 5 months; the contract lasts three years from the signature. The first annual
plan has S's year; the second (the seed's « plan d'actions annuel 2013 », shared at the December plenary)
is a copy with the next year.

The one structure the seed names by name (a Scop) is replaced by the demo's fictitious one. Re-running is
safe: a territory that already has a contract keeps it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from maillage.actors.models import Structure
from maillage.core.demo import contract_start
from maillage.core.models import Territory
from maillage.core.registry import registry
from maillage.plan import services
from maillage.plan.models import (
    PLENARY_TARGET,
    Contract,
    Evaluation,
    Means,
    Measurement,
    Node,
    PlanVersion,
    Precision,
)

M = Means.Kind
P = Precision
S = Node.Status


def add_months(date: dt.date, months: int) -> dt.date:
    index = date.year * 12 + date.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def seed_month(start: dt.date, year: int, month: int) -> dt.date:
    """The demo date of the seed's month (June 2012 is the contract start)."""
    return add_months(start, year * 12 + month - (2012 * 12 + 6))


# A schedule line: (the seed's text, the label kept — what, without the date, which the date and its precision
# now say —, seed year, seed month or None for « en cours », precision, until (year, month, precision)).
# « En cours et de Septembre 2012 au Premier semestre 2013 » gives two entries: « en cours » and the period.
Schedule = tuple[str, str, int | None, int | None, str, tuple[int, int, str] | None]

# Each objective: title, operational objectives [(title, [actions])], means [(kind, text)], schedule.
# An action: (title, lead label, partners label, (status, progress) first year, (status, progress) now).
PLAN: list[dict[str, Any]] = [
    {
        "title": "Identifier, structurer et animer un réseau des acteurs de l'ESS à l'échelle du territoire",
        "operational": [
            (
                "Recenser les acteurs",
                [
                    (
                        "Construction et animation autour d'un outil : guide « dynamique » des acteurs, des "
                        "pratiques de l'ESS, du territoire et création d'un espace collaboratif",
                        "CMESS",
                        "Service informatique de l'agglomération, APEAS, Locavita",
                        (S.IN_PROGRESS, 70),
                        (S.DONE, 100),
                    ),
                ],
            ),
            ("Se doter d'un outil de communication, d'information, de veille et de prospective", []),
            (
                "Permettre aux acteurs de se connaître, de partager des problématiques et des projets",
                [
                    (
                        "Mise en place tous les mois d'un rendez-vous de découverte et "
                        "d'échanges sur site « Les "
                        "rendez-vous de l'ESS » (jour fixe à définir comme le premier vendredi "
                        "de chaque mois)",
                        "CMESS",
                        "Structures d'accueil des rendez-vous",
                        (S.IN_PROGRESS, 40),
                        (S.IN_PROGRESS, 75),
                    ),
                ],
            ),
        ],
        "means": [
            (M.ATELIER, "Mise en place d'un atelier « Guide des acteurs et des pratiques »"),
            (M.PARTNERSHIP, "Collaboration avec le service informatique de l'agglomération"),
            (M.DATABASE, "Base de données APEAS"),
            (M.PARTNERSHIP, "Projet vidéo avec Locavita"),
            (M.WORKING_TIME, "Dans le temps, un poste d'animateur (service civique)"),
            (M.WORKING_TIME, "Un programme trimestriel à construire et à communiquer (animation par CMESS)"),
        ],
        "schedule": [
            ("Juin 2012", "", 2012, 6, P.MONTH, None),
            (
                "1er Juin 2012 rencontre Scop « Le Calme » à confirmer",
                "Rencontre Scop « L'Atelier des Collines » à confirmer",
                2012,
                6,
                P.DAY,
                None,
            ),
        ],
    },
    {
        "title": "Faire connaître et reconnaître l'ESS sur le territoire, promouvoir et partager ses "
        "valeurs et ses pratiques",
        "operational": [
            (
                "Promouvoir en direction des services CAPAP, des institutions, des citoyens, des entreprises "
                "« traditionnelles », des politiques",
                [
                    (
                        "Participer aux campagnes de communication (mois de l'ESS, Assises régionales de "
                        "l'éducation au développement durable)",
                        "CMESS",
                        "Atelier « Evénementiel »",
                        (S.DONE, 100),
                        (S.IN_PROGRESS, 50),
                    ),
                ],
            ),
            (
                "S'inscrire dans une démarche de réflexion partagée autour de la RSE, RSo, de "
                "l'entreprenariat "
                "social…",
                [
                    (
                        "A l'échelle du territoire promouvoir une démarche permettant de "
                        "partager et valoriser les "
                        "critères d'utilité sociale, sociétale et environnementale de l'ESS et "
                        "se doter d'outils",
                        "CMESS",
                        "Evaléco",
                        (S.IN_PROGRESS, 30),
                        (S.IN_PROGRESS, 60),
                    ),
                    (
                        "Au niveau régional, participer aux travaux du Club des acteurs responsables",
                        "CMESS",
                        "Club des acteurs responsables (Région)",
                        (S.IN_PROGRESS, 50),
                        (S.IN_PROGRESS, 80),
                    ),
                ],
            ),
            (
                "Organiser la valorisation des initiatives responsables sur le territoire",
                [
                    (
                        "Concevoir une manifestation annuelle de type « Trophée des initiatives "
                        "responsables »",
                        "",
                        "Atelier spécifique",
                        (S.PLANNED, 0),
                        (S.IN_PROGRESS, 35),
                    ),
                ],
            ),
        ],
        "means": [
            (M.ATELIER, "Mise en place d'un atelier « Evénementiel »"),
            (M.PARTNERSHIP, "Poursuivre les travaux initiés par la collectivité avec Evaléco."),
            (M.OTHER, "Mise en place d'une Charte des acteurs de l'ESS sur le territoire"),
            (M.WORKING_TIME, "Temps de travail du CMESS"),
            (M.ATELIER, "Atelier spécifique"),
        ],
        "schedule": [
            ("Juin 2012", "", 2012, 6, P.MONTH, None),
            ("En cours", "", None, None, P.ONGOING, None),
            ("Premier semestre 2013", "", 2013, 1, P.SEMESTER, None),
        ],
    },
    {
        "title": "Renforcer les acteurs de l'ESS sur le territoire",
        "operational": [
            (
                "Renforcer l'autonomie financière",
                [
                    (
                        "Accompagner par l'information et la formation à la diversification des financements "
                        "(financements hybrides)",
                        "CMESS",
                        "",
                        (S.PLANNED, 0),
                        (S.IN_PROGRESS, 25),
                    ),
                    (
                        "Développer les démarches d'achats responsables et de proximité en "
                        "interne de la CAPAP et "
                        "à l'extérieur",
                        "",
                        "Structures de l'IAE, CLAIE, APEAS, AVISE",
                        (S.IN_PROGRESS, 20),
                        (S.IN_PROGRESS, 55),
                    ),
                ],
            ),
            (
                "Soutenir la professionnalisation des salariés et responsables",
                [
                    (
                        "Recensement des besoins de formation, accompagnement à la mise en "
                        "place de DLA collectifs "
                        "et individuels",
                        "CLAIE",
                        "CMESS",
                        (S.IN_PROGRESS, 50),
                        (S.DONE, 100),
                    ),
                ],
            ),
            (
                "Structurer un dispositif, des outils d'accueil et d'accompagnement de proximité",
                [
                    (
                        "Permanences du RLA et autres outils et partenariats (pourra à terme "
                        "évoluer vers un espace "
                        "dédié à l'ESS et des processus d'accompagnement à la pérennisation)",
                        "",
                        "Intermed",
                        (S.POSTPONED, 10),
                        (S.IN_PROGRESS, 30),
                    ),
                ],
            ),
        ],
        "means": [
            (M.WORKING_TIME, "Veille par le CMESS via le site collaboratif"),
            (M.WORKING_TIME, "Temps de travail du CMESS."),
            (M.PARTNERSHIP, "Relancer le groupe de travail avec les structures de l'IAE et la CLAIE"),
            (
                M.PARTNERSHIP,
                "Initier un groupe de travail avec les acheteurs des collectivités publiques "
                "(projet APEAS/AVISE)",
            ),
            (M.BUDGET, "Co-financement de formation de type DLA collectif"),
            (M.PARTNERSHIP, "Partenariats à organiser (dont rencontre avec « Intermed »)"),
        ],
        "schedule": [
            ("En cours et de Septembre 2012 au Premier semestre 2013", "", None, None, P.ONGOING, None),
            (
                "En cours et de Septembre 2012 au Premier semestre 2013",
                "",
                2012,
                9,
                P.MONTH,
                (2013, 1, P.SEMESTER),
            ),
        ],
    },
    {
        "title": "Soutenir le développement de l'ESS",
        "operational": [
            (
                "Favoriser la prise en compte de l'ESS comme axe de développement structurant du territoire",
                [
                    (
                        "Inscrire l'ESS comme pratique associée aux enjeux du futur SCOT (en "
                        "matière économique, "
                        "sociale, environnementale…)",
                        "CMESS",
                        "Service de l'aménagement de l'agglomération",
                        (S.IN_PROGRESS, 30),
                        (S.IN_PROGRESS, 65),
                    ),
                    (
                        "Accompagner à l'utilisation de fonds européens.",
                        "",
                        "",
                        (S.PLANNED, 0),
                        (S.POSTPONED, 0),
                    ),
                ],
            ),
            (
                "Soutenir l'ESS comme moyen d'innovation sociale",
                [
                    (
                        "Identifier les « Les besoins sociaux non ou insuffisamment satisfaits "
                        "sur le territoire »",
                        "",
                        "Atelier « Besoins sociaux non ou insuffisamment satisfaits sur le territoire »",
                        (S.IN_PROGRESS, 20),
                        (S.IN_PROGRESS, 60),
                    ),
                    ("Lancer un appel à projet annuel", "", "", (S.PLANNED, 0), (S.IN_PROGRESS, 20)),
                    (
                        "Doter le territoire d'un fonds d'initiative et de soutien à l'entreprenariat social",
                        "",
                        "Atelier « Finances solidaires », acteurs financiers du territoire",
                        (S.PLANNED, 0),
                        (S.PLANNED, 0),
                    ),
                ],
            ),
            (
                "Soutenir les coopérations entre CLDESS et territoires mobilisés sur des "
                "démarches similaires",
                [
                    (
                        "Identification, échanges de bonnes pratiques",
                        "CMESS",
                        "",
                        (S.IN_PROGRESS, 40),
                        (S.DONE, 100),
                    ),
                    ("Co construction de projets", "", "", (S.PLANNED, 0), (S.ABANDONED, 0)),
                ],
            ),
        ],
        "means": [
            (M.WORKING_TIME, "Temps de travail du CMESS."),
            (M.ATELIER, "Atelier « Besoins sociaux non ou insuffisamment satisfaits sur le territoire »"),
            (M.OTHER, "Construction partagée annuellement d'un cahier des charges"),
            (
                M.ATELIER,
                "Atelier « Finances solidaires » avec les acteurs financiers du territoire "
                "(réflexion également "
                "autour d'une monnaie locale)",
            ),
            (M.PARTNERSHIP, "Collaborations territoriales"),
        ],
        "schedule": [
            ("En cours à d'ici fin 2012", "", None, None, P.ONGOING, (2012, 12, P.MONTH)),
        ],
    },
]

# « Feuille de route deuxième semestre 2012 »: each line becomes a milestone of the action it concerns
# (objective index, operational index, action index, label, seed month or None for the whole semester).
ROADMAP: list[tuple[int, int, int, str, int | None]] = [
    (1, 1, 0, "Poursuivre les travaux initiés par la collectivité avec Evaléco", None),
    (1, 1, 1, "Participer au Club des acteurs responsables Région", None),
    (2, 0, 1, "Travail en interne CAPAP sur les achats responsables", None),
    (2, 1, 0, "Questionnement des acteurs sur leurs besoins en formation (collective DLA)", None),
    (3, 2, 0, "Développement des coopérations entre CLDESS et territoires", None),
    (3, 0, 0, "Poursuivre le travail sur les enjeux du SCOT", None),
    (0, 2, 0, "Lancement des « Rendez-vous de l'ESS »", 6),
    (0, 0, 0, "Atelier « Guide des acteurs et des pratiques » (co construction du site collaboratif)", 6),
    (2, 1, 0, "Lancement formation collective DLA porté par la CLAIE (cofinancement)", 6),
    (1, 0, 0, "Atelier « Evénementiel »", 6),
    (2, 0, 1, "Groupe de travail l'IAE–achats responsables", 9),
    (2, 2, 0, "Permanences RLA et autres partenariats à organiser", 9),
    (3, 1, 0, "Atelier « Besoins sociaux non ou insuffisamment satisfaits sur le territoire »", 12),
    (3, 1, 2, "Atelier « Finances solidaires » avec les acteurs financiers du territoire", 12),
]

# Indicators: (objective index, operational index or None, action index or None, title, unit, baseline,
# target, metric key or "", manual values by seed (year, month)).
# The plan's actions (17 in the seed): the target of « Actions du plan réalisées » is all of them, never more.
ACTION_COUNT = sum(len(actions) for objective in PLAN for _title, actions in objective["operational"])

INDICATORS: list[tuple[int, int | None, int | None, str, str, int, int, str, list[tuple[int, int, int]]]] = [
    (
        0,
        0,
        0,
        "Structures recensées dans le guide des acteurs",
        "structures",
        0,
        150,
        # Computed from the directory (its published records): the plan says what the directory lists. No
        # history: the demo's records are all created on the day it loads.
        "actors.structures_published",
        [],
    ),
    (
        0,
        2,
        0,
        "Rendez-vous de l'ESS tenus",
        "rendez-vous",
        0,
        30,
        "",
        [(2012, 9, 3), (2012, 12, 6), (2013, 3, 9), (2013, 6, 12)],
    ),
    (
        1,
        None,
        None,
        "Signataires de la charte des acteurs de l'ESS",
        "structures",
        0,
        40,  # replaced by the territory's count of ESS structures when it has some (every one signs)
        "charter_signatories",  # computed from the charter: the plan says what the charter page says
        [(2012, 9, 0), (2013, 1, 0), (2013, 4, 0), (2013, 7, 0)],  # the days its history is computed for
    ),
    (
        2,
        1,
        0,
        "Structures accompagnées par un DLA collectif",
        "structures",
        0,
        12,
        "",
        [(2012, 12, 5), (2013, 6, 9)],
    ),
    (3, 1, 1, "Projets soutenus par l'appel à projets", "projets", 0, 5, "", [(2013, 6, 2)]),
    (0, None, None, "Actions du plan réalisées", "actions", 0, ACTION_COUNT, "plan.actions_done", []),
]


def _date(start: dt.date, year: int | None, month: int | None) -> dt.date | None:
    return None if year is None or month is None else seed_month(start, year, month)


@transaction.atomic
def load(*, today: dt.date, context: dict[str, Any], **_: Any) -> None:
    territory = Territory.objects.filter(slug="pays-de-grasse").first()
    if territory is None or Contract.objects.filter(territory=territory).exists():
        return
    start = contract_start(today)
    signed = seed_month(start, 2012, 11)
    animator = context.get("demo_accounts", {}).get("animator")
    contract = services.save_contract(
        actor=None,
        territory=territory,
        data={
            "title": "Contrat local de développement de l'économie sociale et solidaire du Pays de Grasse",
            "summary": (
                "Un plan d'actions pluriannuel, qui repose sur les travaux du territoire et aborde l'ESS à "
                "travers ses pratiques à l'échelle du territoire. Il est structuré autour de 4 objectifs "
                "globaux, déclinés en objectifs opérationnels qui donnent lieu à des propositions d'actions "
                "(caractère non exhaustif et évolutif). Plan d'actions validé avec les acteurs le "
                f"{add_months(start, -1):%d/%m/%Y}."
            ),
            "parties": "Communauté d'agglomération du Pays de Grasse\nRégion Provence-Alpes-Côte d'Azur",
            "signed_on": signed,
            "starts_on": start,
            "ends_on": add_months(signed, 36) - dt.timedelta(days=1),
            "animator": animator if animator is not None and animator.is_animator_of(territory) else None,
            "animator_label": "Chargée de mission ESS de l'agglomération (CMESS)",
        },
    )
    first = services.create_version(
        actor=None, contract=contract, year=start.year, title=f"Plan d'actions {start.year}"
    )
    actions = _load_tree(first, start)
    _load_milestones(actions, start)
    _set_statuses(actions, which=0, at=seed_month(start, 2012, 12))
    second = services.copy_version(actor=None, version=first, year=start.year + 1)
    second_actions = {key: Node.objects.get(version=second, ref=node.ref) for key, node in actions.items()}
    _set_statuses(second_actions, which=1, at=min(add_months(start, 13), today))
    _load_indicators(first, second, start, today)
    _load_evaluation(first, start, context)
    lead = Structure.objects.filter(territory=territory, slug="la-ressourcerie-du-pays-de-grasse").first()
    if lead is not None:
        rendezvous = second_actions[(0, 2, 0)]
        rendezvous.partners.add(lead)
    context.setdefault("plan", {})["contract"] = contract


def _load_tree(version: PlanVersion, start: dt.date) -> dict[tuple[int, int, int], Node]:
    actions: dict[tuple[int, int, int], Node] = {}
    for o_index, objective in enumerate(PLAN):
        o_node, _ = services.create_node(
            actor=None,
            version=version,
            data={"kind": Node.Kind.OBJECTIVE, "number": str(o_index + 1), "title": objective["title"]},
        )
        for kind, text in objective["means"]:
            services.add_means(actor=None, node=o_node, kind=kind, description=text)
        for _seed_text, label, year, month, precision, until in objective["schedule"]:
            date = _date(start, year, month) if precision != P.ONGOING else start
            services.add_schedule_entry(
                actor=None,
                node=o_node,
                label=label,
                date=date,
                precision=precision,
                until=_date(start, until[0], until[1]) if until else None,
                until_precision=until[2] if until else P.MONTH,
            )
        for oo_index, (oo_title, oo_actions) in enumerate(objective["operational"]):
            oo_node, _ = services.create_node(
                actor=None,
                version=version,
                data={
                    "kind": Node.Kind.OPERATIONAL,
                    "parent": o_node,
                    "number": f"{o_index + 1}.{oo_index + 1}",
                    "title": oo_title,
                },
            )
            for a_index, (title, lead_label, partners_label, _first, _now) in enumerate(oo_actions):
                a_node, _ = services.create_node(
                    actor=None,
                    version=version,
                    data={
                        "kind": Node.Kind.ACTION,
                        "parent": oo_node,
                        "number": f"{o_index + 1}.{oo_index + 1}.{a_index + 1}",
                        "title": title,
                        "lead_label": lead_label,
                        "partners_label": partners_label,
                        "starts_on": start,
                    },
                )
                actions[(o_index, oo_index, a_index)] = a_node
    return actions


PATHS: dict[str, tuple[str, ...]] = {
    S.PLANNED: (),
    S.IN_PROGRESS: (S.IN_PROGRESS,),
    S.DONE: (S.IN_PROGRESS, S.DONE),
    S.POSTPONED: (S.POSTPONED,),
    S.ABANDONED: (S.ABANDONED,),
}


def _set_statuses(actions: dict[tuple[int, int, int], Node], *, which: int, at: dt.date) -> None:
    moment = timezone.make_aware(dt.datetime.combine(at, dt.time(10)))
    for (o, oo, a), node in actions.items():
        wanted, progress = PLAN[o]["operational"][oo][1][a][3 + which]
        node.refresh_from_db()
        if node.status != wanted:
            if node.status in (S.DONE, S.POSTPONED, S.ABANDONED) and wanted not in services.allowed_statuses(
                node
            ):
                path: tuple[str, ...] = (
                    (S.IN_PROGRESS, wanted) if wanted != S.IN_PROGRESS else (S.IN_PROGRESS,)
                )
            else:
                path = PATHS[wanted] if node.status == S.PLANNED else (wanted,)
            for step in path:
                if step != node.status:
                    node = services.change_status(
                        actor=None, node=node, to_status=step, note="Point d'étape de l'animation", at=moment
                    )
        if node.status != S.DONE:
            services.set_progress(actor=None, node=node, progress=progress)
        elif node.ends_on is None:
            services.update_node(actor=None, node=node, data={"ends_on": at})


def _load_milestones(actions: dict[tuple[int, int, int], Node], start: dt.date) -> None:
    for o, oo, a, label, month in ROADMAP:
        node = actions[(o, oo, a)]
        if month is None:
            services.add_milestone(
                actor=None, node=node, title=label, date=seed_month(start, 2012, 7), precision=P.SEMESTER
            )
        else:
            services.add_milestone(
                actor=None, node=node, title=label, date=seed_month(start, 2012, month), precision=P.MONTH
            )
    for node in actions.values():
        dated = [m.date for m in node.milestones.all() if m.precision == P.MONTH]
        if dated and min(dated) > node.starts_on:
            services.update_node(actor=None, node=node, data={"starts_on": min(dated)})
        for milestone in node.milestones.all():
            if milestone.date < add_months(start, 6):
                milestone.reached_on = milestone.date
                milestone.save(update_fields=["reached_on"])


def _load_indicators(first: PlanVersion, second: PlanVersion, start: dt.date, today: dt.date) -> None:
    end = first.contract.ends_on
    territory = first.contract.territory
    ess_structures = (
        Structure.objects.filter(territory=territory, status=Structure.Status.PUBLISHED)
        .exclude(family=Structure.Family.HORS_ESS)
        .count()
    )
    for o, oo, a, title, unit, baseline, target, metric_key, values in INDICATORS:
        if metric_key and metric_key not in registry.metrics:
            continue
        if metric_key == "charter_signatories" and ess_structures:
            target = ess_structures
        for version in (first, second):
            objective = version.nodes.filter(kind=Node.Kind.OBJECTIVE).order_by("position", "pk")[o]
            node = objective
            if oo is not None:
                node = objective.children.order_by("position", "pk")[oo]
                if a is not None:
                    node = node.children.order_by("position", "pk")[a]
            indicator = services.add_indicator(
                actor=None,
                node=node,
                title=title,
                unit=unit,
                baseline=Decimal(baseline),
                target=Decimal(target),
                target_date=end,
                metric_key=metric_key,
            )
            if metric_key:
                continue  # computed below, from the module that owns the figure
            for year, month, value in values:
                date = seed_month(start, year, month)
                if date > today:
                    continue
                Measurement.objects.create(
                    indicator=indicator, date=date, value=Decimal(value), source=Measurement.Source.MANUAL
                )
        if metric_key:
            # A history computed as the daily job would have: on the seed's dates, then today.
            for year, month, _value in values:
                date = seed_month(start, year, month)
                if date <= today:
                    services.compute_measurements(territory=territory, today=date)
            services.compute_measurements(territory=territory, today=today)


def _plenary_event(territory: Territory, plenary: dt.date) -> int | None:
    """The agenda event the demo plenary is, among the registry link target's choices: a « plénière » if
    the agenda has one, else the event closest to the plenary's month (the events demo creates no plenary,
    so it is the December Rendez-vous de l'ESS). Read through the registry (content type): plan imports no
    events code."""
    target = registry.link_targets.get(PLENARY_TARGET)
    if target is None:
        return None
    ids = [pk for pk, _ in target.choices(territory)]
    app_label, model = target.model.split(".", 1)
    model_class = ContentType.objects.get_by_natural_key(app_label, model.lower()).model_class()
    if not ids or model_class is None:
        return None

    def rank(obj: Any) -> tuple[bool, int]:
        start = getattr(obj, "start", None)
        day = timezone.localtime(start).date() if start is not None else dt.date.min
        return (getattr(obj, "kind", "") != "pleniere", abs((day - plenary).days))

    return min(model_class._default_manager.filter(pk__in=ids), key=rank).pk


def _load_evaluation(first: PlanVersion, start: dt.date, context: dict[str, Any]) -> None:
    """The first evaluation (« Décembre – Premier temps d'évaluation en plénière – Partage du plan d'actions
    annuel 2013 »): a partner's comment, the animator's conclusions, adopted and frozen."""
    plenary = seed_month(start, 2012, 12)
    evaluation = services.open_evaluation(
        actor=None, version=first, consultation_ends_on=timezone.localdate() + dt.timedelta(days=1)
    )
    manager = context.get("demo_accounts", {}).get("manager_ressourcerie")
    structure = Structure.objects.filter(
        territory=first.contract.territory, slug="la-ressourcerie-du-pays-de-grasse"
    ).first()
    if (
        manager is not None
        and structure is not None
        and manager.memberships.filter(structure=structure).exists()
    ):
        services.add_evaluation_comment(
            actor=manager,
            evaluation=evaluation,
            structure=structure,
            text="Les Rendez-vous de l'ESS nous ont fait rencontrer trois partenaires. "
            "Nous souhaitons qu'ils passent aussi dans les villages du haut pays.",
        )
    services.conclude_evaluation(
        actor=None,
        evaluation=evaluation,
        conclusions="Un premier semestre riche : le guide des acteurs est en ligne, les Rendez-vous de l'ESS "
        "ont lieu chaque mois et la formation collective DLA a démarré. Les permanences du RLA ont pris du "
        "retard faute de lieu ; l'appel à projets et le fonds d'initiative restent à construire.",
        next_year_changes="- Reprendre les permanences du RLA avec un lieu dédié.\n"
        "- Lancer le premier appel à projets annuel.\n- Organiser des Rendez-vous hors de Grasse.",
        plenary_label=f"Premier temps d'évaluation en plénière ({plenary:%m/%Y}) – Partage du plan d'actions "
        f"annuel {first.year + 1}",
        plenary_event=_plenary_event(first.contract.territory, plenary),
    )
    services.adopt_evaluation(
        actor=None,
        evaluation=evaluation,
        at=timezone.make_aware(dt.datetime.combine(plenary + dt.timedelta(days=14), dt.time(18))),
    )
    Evaluation.objects.filter(pk=evaluation.pk).update(consultation_ends_on=plenary - dt.timedelta(days=7))
