"""The seed's real action plan (`plan-actions-cldess-2012.txt`, May 2012), as data: objectives, operational
objectives, actions with their statuses, means, schedule, roadmap milestones, indicators. Loaded by `demo.py`
(through the plan's services), whose docstring says how the seed's calendar maps onto the demo's.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from maillage.plan.models import Means, Node, Precision

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
