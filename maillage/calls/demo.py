"""The calls' demo (loader order 70, after the structures, the accounts and the charter): this year's call
« Entreprendre autrement en Pays de Grasse », its specification co-written by the atelier (v1 adopted: four
articles, three commented), its criteria (the CSESS themes, two of them weighted 2), twelve applications at
every stage, a jury of four with one declared conflict, the deliberation and five grants with their first
payments; the fund's endowments. All through the services.

Idempotent: nothing is written when the territory already has a call for this year.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction

from maillage.actors.demo import fictitious_siret
from maillage.actors.models import Membership, Structure
from maillage.calls import services
from maillage.calls.models import Application, Call
from maillage.core.actors import Actor, system
from maillage.core.models import Territory

PARIS = ZoneInfo("Europe/Paris")
DEMO = system("données de démonstration")

# The articles of the specification, as the atelier « Entreprendre autrement » wrote them.
SPECIFICATION: list[tuple[str, str]] = [
    (
        "Pourquoi cet appel",
        "Le contrat local de développement de l'ESS du Pays de Grasse s'est donné pour objectif de « lancer "
        "un appel à projet annuel » et de doter le territoire d'un fonds d'initiative et de soutien à "
        "l'entrepreneuriat social. Ce cahier des charges a été écrit en commun par l'atelier « Entreprendre "
        "autrement », puis adopté.",
    ),
    (
        "Projets attendus",
        "- des activités nouvelles qui répondent à un besoin social non couvert du territoire (mobilité des\n"
        "  personnes âgées, alimentation de qualité, réemploi, garde d'enfants en horaires décalés) ;\n"
        "- portées par une structure de l'ESS du Pays de Grasse, seule ou en coopération ;\n"
        "- créant ou consolidant des emplois non délocalisables.",
    ),
    (
        "Ce que finance le fonds",
        "Le démarrage du projet : études, premiers équipements, premiers salaires. La subvention ne dépasse "
        "pas 10 000 € ni la moitié du budget du projet ; elle est versée à 70 % à la signature de la "
        "convention et à 30 % à la remise du rapport d'activité.",
    ),
    (
        "Calendrier",
        "Dépôt des candidatures en ligne jusqu'à la date limite, instruction de l'éligibilité par "
        "l'animation, jury (élus, acteurs de l'ESS, club des entrepreneurs), annonce des lauréats au "
        "Rendez-vous de l'ESS.",
    ),
]

# Comments of the atelier's members, each on one article (by its position).
SPEC_COMMENTS: list[tuple[str, int, str]] = [
    (
        "manager_jardins",
        2,
        "Pourrait-on préciser que les projets portés à plusieurs structures sont bienvenus ?",
    ),
    ("manager_scop", 4, "Le club des entrepreneurs souhaite être représenté au jury."),
    (
        "manager_jardins",
        3,
        "Un acompte plus élevé aiderait les petites associations qui n'ont pas de trésorerie.",
    ),
]

# (title, requested amount, co-funder, what happens to it)
PROJECTS = [
    ("Atelier vélo solidaire de Grasse", 9000, "Fondation de France", "selected"),
    ("Cantine de quartier aux produits locaux", 10000, "Région Sud", "selected"),
    ("Garde d'enfants en horaires décalés", 8000, "CAF des Alpes-Maritimes", "selected"),
    ("Transport solidaire des aînés du Haut-Pays", 7500, "Département des Alpes-Maritimes", "selected"),
    ("Recyclerie du bâtiment", 9500, "ADEME", "selected"),
    ("Épicerie sociale itinérante", 6000, "Fondation de France", "rejected"),
    ("Conciergerie d'entreprises", 5000, "Club des entrepreneurs", "rejected"),
    ("Tiers-lieu numérique de Peymeinade", 7000, "Région Sud", "ineligible"),
    ("Jardins d'insertion de la Siagne", 6500, "Département des Alpes-Maritimes", "incomplete"),
    ("Repair café mobile", 3000, "Commune de Grasse", "submitted"),
    ("Coopérative de parfumeurs artisans", 10000, "", "draft"),
    ("Laverie solidaire", 4000, "", "draft"),
]
DOUBLED = {"Ancrage territorial": 2, "Lien avec les usagers et réponse aux besoins non couverts": 2}
GRANTS = {0: 9000, 1: 10000, 2: 7000, 3: 7500, 4: 8000}
# The base mark of each eligible application, in PROJECTS order: distinct, so that the ranking has no tie and
# the five laureates are its first five.
CRITERIA_SCORES = (9, 8, 7, 6, 5, 3, 4, 4, 6, 5)


def _manager_of(structure: Structure, fallback: Actor) -> Actor:
    membership = Membership.objects.filter(structure=structure, role="manager").select_related("user").first()
    return membership.user if membership else fallback


def _budget(amount: int, funder: str) -> list[dict[str, Any]]:
    lines: list[dict[str, Any]] = [
        {"kind": "expense", "label": "Salaires et charges (première année)", "amount": amount * 2},
        {"kind": "expense", "label": "Équipement", "amount": amount},
    ]
    if funder:
        lines.append({"kind": "income", "label": "Subvention", "funder": funder, "amount": amount * 2 - 500})
        lines.append({"kind": "income", "label": "Fonds propres", "funder": "", "amount": 500})
    return lines


def load(*, today: dt.date, context: dict[str, Any], **_: Any) -> None:
    territory = Territory.objects.filter(slug="pays-de-grasse").first()
    year = today.year
    if territory is None or Call.objects.filter(territory=territory, year=year).exists():
        return
    accounts = context.get("demo_accounts", {})
    animator: Actor = accounts.get("animator") or DEMO
    structures = list(
        Structure.objects.filter(territory=territory, status=Structure.Status.PUBLISHED)
        .exclude(family=Structure.Family.HORS_ESS)
        .order_by("pk")[: len(PROJECTS)]
    )
    if len(structures) < len(PROJECTS):
        return
    with transaction.atomic():
        _story(territory, today, animator, structures, accounts)


def _story(
    territory: Territory, today: dt.date, animator: Actor, structures: list[Structure], accounts: dict
) -> None:
    year = today.year
    opens = today - dt.timedelta(days=120)
    deadline = dt.datetime.combine(today - dt.timedelta(days=60), dt.time(12, 0), tzinfo=PARIS)
    for source, amount in (("Communauté d'agglomération du Pays de Grasse", 40000), ("Région Sud", 20000)):
        services.add_endowment(actor=animator, territory=territory, year=year, source=source, amount=amount)
    call = services.create_call(
        actor=animator,
        territory=territory,
        year=year,
        title=f"Entreprendre autrement en Pays de Grasse — {year}",
    )
    # The atelier asked for more weight on the unmet needs and the territory: re-weighted before any score.
    services.set_criteria(
        actor=animator,
        call=call,
        criteria=[(c.label, DOUBLED.get(c.label, 1)) for c in call.criteria.all()],
    )
    services.update_call_terms(
        actor=animator,
        call=call,
        title=call.title,
        summary="L'appel à projets annuel du contrat local de développement de l'ESS : jusqu'à 10 000 € pour "
        "démarrer une activité qui répond à un besoin social non couvert du territoire.",
        envelope=Decimal(45000),
        ceiling=Decimal(10000),
        opens_on=opens,
        deadline=deadline,
        jury_on=today - dt.timedelta(days=30),
        results_on=today - dt.timedelta(days=20),
        checklist=[
            "Le projet se déroule dans le Pays de Grasse",
            "La structure est à jour de ses obligations sociales et fiscales",
        ],
        questions=[
            "À quel besoin social non couvert le projet répond-il ?",
            "Quels emplois le projet crée-t-il ou consolide-t-il ?",
        ],
        grantor_name="Communauté d'agglomération du Pays de Grasse",
        grantor_siret=fictitious_siret(999),
    )
    spec = services.start_specification(actor=animator, call=call)
    articles = [
        services.save_spec_article(actor=animator, specification=spec, title=title, body=body)
        for title, body in SPECIFICATION
    ]
    services.transition_specification(actor=animator, specification=spec, to="open")
    for key, position, body in SPEC_COMMENTS:
        if key in accounts:
            services.comment_spec_article(actor=accounts[key], article=articles[position - 1], body=body)
    services.transition_specification(actor=animator, specification=spec, to="adopted")
    services.transition_call(actor=animator, call=call, to="open")

    before = deadline - dt.timedelta(days=5)
    apps: list[Application] = []
    for i, (structure, (title, amount, funder, _fate)) in enumerate(zip(structures, PROJECTS, strict=True)):
        manager = _manager_of(structure, DEMO)
        app = services.start_application(
            actor=manager, call=call, structure=structure, title=title, now=before
        )
        app = services.save_application(
            actor=manager,
            application=app,
            title=title,
            summary=f"{structure.name} propose : {title[0].lower()}{title[1:]}.",
            requested_amount=amount,
            answers=dict.fromkeys(call.questions, "Voir le dossier joint et la présentation du projet."),
            checklist=list(call.checklist),
            budget=_budget(amount, funder),
        )
        apps.append(app)
        if PROJECTS[i][3] != "draft":
            services.submit_application(actor=manager, application=app, now=before + dt.timedelta(hours=i))
    services.transition_call(actor=animator, call=call, to="closed")

    for app, (_t, _a, _f, fate) in zip(apps, PROJECTS, strict=True):
        if fate in ("selected", "rejected"):
            services.decide_eligibility(
                actor=animator, application=app, eligible=True, reason="Dossier complet et éligible."
            )
        elif fate == "ineligible":
            services.decide_eligibility(
                actor=animator,
                application=app,
                eligible=False,
                reason="Le projet se déroule hors du Pays de Grasse.",
            )
        elif fate == "incomplete":
            services.request_piece(
                actor=animator,
                application=app,
                piece="Le dernier bilan comptable approuvé",
                due_on=today + dt.timedelta(days=10),
                today=today,
            )

    _jury(call, apps, accounts)
    amounts = {apps[i].pk: amount for i, amount in GRANTS.items()}
    grants = services.deliberate(
        actor=animator,
        call=call,
        amounts=amounts,
        minutes="Le jury s'est réuni à Grasse. Sept candidatures éligibles ont été examinées ; "
        "cinq projets sont retenus dans la limite de l'enveloppe. Un membre du jury a déclaré un lien "
        "avec une structure candidate "
        "et n'a pas noté son dossier.",
        decided_on=today - dt.timedelta(days=20),
        conditions="Convention signée ; rapport d'activité et comptes à remettre.",
    )
    for n, grant in enumerate(grants):
        first = grant.instalments.first()
        services.record_payment(
            actor=animator,
            grant=grant,
            amount=first.amount,
            paid_on=today - dt.timedelta(days=10),
            reference=f"MDT-{year}-{n + 1:03d}",
        )


def _jury(call: Call, apps: list[Application], accounts: dict) -> None:
    people = [(key, accounts.get(key)) for key in ("buyer", "moderator", "manager_scop", "manager_jardins")]
    jurors = []
    for key, user in people:
        if user is None:
            continue
        name = f"{user.first_name} {user.last_name}".strip() or key
        juror = services.invite_juror(actor=DEMO, call=call, email=user.email, name=name)
        jurors.append(services.answer_invitation(actor=user, juror=juror, accept=True))
    reviewable = [a for a in apps if a.pk and Application.objects.get(pk=a.pk).status == "eligible"]
    for juror in jurors:
        ties: dict[int, str] = {}
        if juror.user == accounts.get("buyer"):
            ties = {reviewable[1].structure_id: "ancienne salariée de la structure"}  # the declared conflict
        services.declare_conflicts(actor=juror.user, juror=juror, ties=ties)
        for rank, app in enumerate(reviewable):
            if (
                app.structure_id in ties
                or Membership.objects.filter(user=juror.user, structure=app.structure).exists()
            ):
                continue
            base = CRITERIA_SCORES[rank % len(CRITERIA_SCORES)]
            scores = {
                c.pk: (max(0, min(10, base - (c.position + juror.pk) % 3 + 1)), "")
                for c in call.criteria.all()
            }
            services.score_application(actor=juror.user, juror=juror, application=app, scores=scores)
