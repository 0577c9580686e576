"""The default grid shipped with Maillage, in French: the 8 themes of the CSESS guide of good practices
(the keys of `actors.taxonomy.PRACTICE_THEMES`), each with a few questions. The « développement durable »
theme carries the environment detail (energy, waste, mobility, local purchases).

Each question: (code, kind, label, guidance, options). Codes are stable across versions: next year's grid
pre-fills the question of the same code with this year's answer.
"""

from __future__ import annotations

from typing import Any

LEVELS_PRACTICE = ["Pas encore", "En réflexion", "En partie", "Oui, pleinement"]
LEVELS_FREQUENCY = ["Jamais", "Rarement", "Chaque année", "Plusieurs fois par an"]

TITLE = "Grille d'auto-évaluation de l'utilité sociale"
INTRODUCTION = (
    "Cette grille reprend les huit thèmes du guide des bonnes pratiques des entreprises de l'ESS "
    "(Conseil supérieur de l'ESS, loi du 31 juillet 2014). Répondez pour l'année écoulée ; vos réponses "
    "restent privées : seuls les membres de votre structure les lisent, et le territoire n'en publie que "
    "des résultats agrégés sur au moins 5 structures."
)

THEMES: list[dict[str, Any]] = [
    {
        "key": "gouvernance",
        "guidance": "Qui décide, comment, et qui peut participer aux instances.",
        "questions": [
            (
                "ag-participation",
                "scale",
                "Les membres participent-ils activement à l'assemblée générale ?",
                "Quorum atteint, débats, votes réels.",
                {"levels": LEVELS_PRACTICE},
            ),
            (
                "femmes-gouvernance",
                "number",
                "Part des femmes dans l'instance de direction (CA, conseil de surveillance…)",
                "En pourcentage des membres de l'instance.",
                {"unit": "%", "min_value": 0, "max_value": 100, "score_zero": 0, "score_full": 50},
            ),
            (
                "renouvellement-instances",
                "yesno",
                "Les mandats des administrateurs sont-ils limités ou renouvelés régulièrement ?",
                "",
                {},
            ),
        ],
    },
    {
        "key": "concertation",
        "guidance": "Comment salariés, bénévoles et usagers sont associés aux choix stratégiques.",
        "questions": [
            (
                "projet-strategique",
                "scale",
                "Le projet stratégique est-il élaboré avec les salariés et les bénévoles ?",
                "",
                {"levels": LEVELS_PRACTICE},
            ),
            (
                "consultation-salaries",
                "scale",
                "À quelle fréquence les salariés sont-ils consultés sur les orientations ?",
                "",
                {"levels": LEVELS_FREQUENCY},
            ),
        ],
    },
    {
        "key": "ancrage",
        "guidance": "Les liens avec le territoire, ses acteurs et ses habitants.",
        "questions": [
            (
                "achats-locaux",
                "number",
                "Part des achats réalisés auprès de fournisseurs du territoire",
                "En pourcentage du montant total des achats.",
                {"unit": "%", "min_value": 0, "max_value": 100, "score_zero": 0, "score_full": 80},
            ),
            (
                "partenariats-locaux",
                "scale",
                "Coopérez-vous avec d'autres acteurs du territoire (mutualisation, projets communs) ?",
                "",
                {"levels": LEVELS_PRACTICE},
            ),
            (
                "reseaux",
                "yesno",
                "La structure participe-t-elle à un réseau ou à une instance de l'ESS du territoire ?",
                "Le Rendez-vous de l'ESS, un atelier du contrat, une fédération…",
                {},
            ),
        ],
    },
    {
        "key": "salaires",
        "guidance": "L'écart des rémunérations, la qualité de l'emploi, la formation.",
        "questions": [
            (
                "ecart-salaires",
                "number",
                "Écart entre la rémunération la plus haute et la plus basse",
                "Rapport entre les deux salaires annuels bruts (1 si tous sont payés pareil).",
                {
                    "unit": "fois",
                    "min_value": 1,
                    "max_value": 100,
                    "score_zero": 10,
                    "score_full": 1,
                    "required": False,
                },
            ),
            (
                "formation",
                "scale",
                "Les salariés ont-ils accès à la formation professionnelle ?",
                "",
                {"levels": LEVELS_PRACTICE},
            ),
            (
                "cdi",
                "number",
                "Part des contrats à durée indéterminée",
                "En pourcentage des salariés.",
                {
                    "unit": "%",
                    "min_value": 0,
                    "max_value": 100,
                    "score_zero": 0,
                    "score_full": 100,
                    "required": False,
                },
            ),
        ],
    },
    {
        "key": "usagers",
        "guidance": "La place des usagers et la réponse aux besoins que personne ne couvre.",
        "questions": [
            (
                "avis-usagers",
                "scale",
                "Recueillez-vous l'avis des usagers ou des bénéficiaires ?",
                "",
                {"levels": LEVELS_FREQUENCY},
            ),
            (
                "besoins-non-couverts",
                "yesno",
                "Votre activité répond-elle à un besoin non couvert sur le territoire ?",
                "",
                {},
            ),
            (
                "accessibilite-tarifs",
                "scale",
                "Vos services sont-ils accessibles aux personnes à faibles "
                "revenus (tarifs adaptés, gratuité) ?",
                "",
                {"levels": LEVELS_PRACTICE},
            ),
        ],
    },
    {
        "key": "diversite",
        "guidance": "Égalité femmes-hommes, diversité, lutte contre les discriminations.",
        "questions": [
            (
                "egalite-salariale",
                "yesno",
                "L'égalité salariale entre femmes et hommes est-elle vérifiée chaque année ?",
                "",
                {},
            ),
            (
                "recrutement-inclusif",
                "scale",
                "Recrutez-vous des personnes éloignées de l'emploi ou en situation de handicap ?",
                "",
                {"levels": LEVELS_PRACTICE},
            ),
        ],
    },
    {
        "key": "developpement_durable",
        "guidance": "Le détail environnemental : énergie, déchets, mobilité.",
        "questions": [
            (
                "dechets",
                "scale",
                "Triez-vous et réduisez-vous vos déchets ?",
                "",
                {"levels": LEVELS_PRACTICE},
            ),
            (
                "energie",
                "scale",
                "Suivez-vous et réduisez-vous vos consommations d'énergie ?",
                "",
                {"levels": LEVELS_PRACTICE},
            ),
            (
                "mobilite",
                "yesno",
                "Encouragez-vous les déplacements à pied, à vélo, en transport en commun ou en covoiturage ?",
                "",
                {},
            ),
            (
                "action-environnement",
                "text",
                "Une action environnementale dont vous êtes fiers",
                "Facultatif : quelques lignes.",
                {"required": False},
            ),
        ],
    },
    {
        "key": "ethique",
        "guidance": "Transparence, usage des excédents, déontologie.",
        "questions": [
            (
                "comptes-publies",
                "yesno",
                "Vos comptes annuels et votre rapport d'activité sont-ils publiés ?",
                "",
                {},
            ),
            (
                "excedents",
                "scale",
                "Les excédents sont-ils réinvestis dans le projet ?",
                "",
                {"levels": LEVELS_PRACTICE},
            ),
            ("charte-ethique", "yesno", "Avez-vous une charte éthique ou un code de déontologie ?", "", {}),
        ],
    },
]
