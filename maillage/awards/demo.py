"""The Trophée's demo (loader order 75, after the structures, the accounts and the calls): last year's
edition with three categories, nine nominees (one proposed by another structure, which accepted), a jury of
three (one tied to a nominee by membership, which the querysets keep apart), 64 confirmed public votes,
the ceremony in the agenda and the published winners; this year's edition open for nominations, with a
proposal waiting for its structure's consent. All through the services, the votes through the real
confirmation path (signed link, then confirmation).

Idempotent: nothing is written when the territory already has last year's edition.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction

from maillage.actors.models import Membership, Structure
from maillage.awards import services
from maillage.awards.models import Edition, Nomination
from maillage.awards.selectors import category_ranking
from maillage.awards.services.votes import vote_token
from maillage.core.actors import Actor, system
from maillage.core.models import Commune, Territory

PARIS = ZoneInfo("Europe/Paris")
DEMO = system("données de démonstration")
VOTER = system("lien de vote (démonstration)")

CATEGORIES = [
    ("Transition écologique", "Réemploi, alimentation locale, mobilité douce, sobriété."),
    ("Inclusion et solidarité", "Emploi des personnes qui en sont éloignées, lien social, accès aux droits."),
    (
        "Coopération et territoire",
        "Les projets menés à plusieurs structures, avec les communes et les entreprises.",
    ),
]
INITIATIVES = [
    "La recyclerie mobile des villages",
    "Des paniers bio pour les familles modestes",
    "Le vélo-école des quartiers",
    "Un chantier d'insertion dans les jardins",
    "Le café des aidants",
    "La conciergerie solidaire de la zone d'activités",
    "Le pôle de coopération du Haut-Pays",
    "Une cuisine partagée pour les associations",
    "Le groupement d'employeurs des producteurs",
]
# Votes per nominee, by category (64 in all): the public's choice differs from the jury's in one category.
VOTES = [(9, 5, 3), (4, 11, 6), (8, 7, 11)]


def _manager_of(structure: Structure) -> Any:
    membership = Membership.objects.filter(structure=structure, role="manager").select_related("user").first()
    return membership.user if membership else None


def load(*, today: dt.date, context: dict[str, Any], **_: Any) -> None:
    territory = Territory.objects.filter(slug="pays-de-grasse").first()
    if territory is None or Edition.objects.filter(territory=territory, year=today.year - 1).exists():
        return
    accounts = context.get("demo_accounts", {})
    animator: Actor = accounts.get("animator") or DEMO
    structures = list(
        Structure.objects.filter(territory=territory, status=Structure.Status.PUBLISHED)
        .exclude(family=Structure.Family.HORS_ESS)
        .order_by("-pk")[:12]
    )
    if len(structures) < 12:
        return
    with transaction.atomic():
        _last_year(territory, today, animator, structures[:9], accounts)
        _this_year(territory, today, animator, structures, accounts)


def _last_year(
    territory: Territory, today: dt.date, animator: Actor, structures: list, accounts: dict
) -> None:
    year = today.year - 1
    edition = services.create_edition(
        actor=animator,
        territory=territory,
        year=year,
        title=f"Trophée des initiatives responsables {year}",
        summary="La troisième édition du Trophée : neuf initiatives en lice, un jury de trois personnes et "
        "le vote des habitants.",
        categories=CATEGORIES,
    )
    services.transition_edition(actor=animator, edition=edition, to="nominations")
    categories = list(edition.categories.all())
    proposer = accounts.get("manager_scop")
    for i, structure in enumerate(structures):
        manager = _manager_of(structure)
        by = manager or DEMO
        if i == 4 and proposer is not None and manager is not None and _manager_of(structures[0]) != proposer:
            by = proposer  # proposed by another structure's manager, then accepted by its own
        nomination = services.nominate(
            actor=by,
            category=categories[i // 3],
            structure=structure,
            initiative=INITIATIVES[i],
            pitch=f"{structure.name} : {INITIATIVES[i][0].lower()}{INITIATIVES[i][1:]}, "
            "lancée il y a deux ans avec les habitants et les partenaires du territoire.",
        )
        if nomination.status == "pending":
            services.answer_consent(actor=manager, nomination=nomination, accept=True)
    commune = Commune.objects.filter(insee_code="06069").first()
    start = dt.datetime.combine(today - dt.timedelta(days=300), dt.time(18, 30), tzinfo=PARIS)
    services.schedule_ceremony(
        actor=animator, edition=edition, start=start, venue="Palais des congrès", commune=commune
    )
    services.transition_edition(actor=animator, edition=edition, to="voting")
    jurors = []
    for key in ("moderator", "buyer", "manager_jardins"):
        if key in accounts:
            jurors.append(services.add_juror(actor=animator, edition=edition, email=accounts[key].email))
    criteria = list(edition.criteria.all())
    for juror in jurors:
        for n, nomination in enumerate(Nomination.objects.accepted().filter(category__edition=edition)):
            if Membership.objects.filter(user=juror.user, structure=nomination.structure).exists():
                continue  # tied by membership: the querysets keep it apart, the juror does not score it
            base = 9 - (n % 3) * 2
            marks = {c.pk: max(0, min(10, base - (c.position + juror.pk) % 2)) for c in criteria}
            services.score_nomination(actor=juror.user, juror=juror, nomination=nomination, scores=marks)
    voter = 0
    for category, counts in zip(categories, VOTES, strict=True):
        for nomination, count in zip(category.nominations.order_by("pk"), counts, strict=True):
            for _ in range(count):
                voter += 1
                token = vote_token(nomination, f"habitant.{voter}@exemple-vote.fr")
                services.confirm_vote(actor=VOTER, token=token)
    services.transition_edition(actor=animator, edition=edition, to="closed")
    choices = {}
    for category in categories:
        rows = category_ranking(category, None)
        choices[category.pk] = rows[0].nomination.pk
    services.publish_results(actor=animator, edition=edition, jury_choices=choices)


def _this_year(
    territory: Territory, today: dt.date, animator: Actor, structures: list, accounts: dict
) -> None:
    edition = services.create_edition(
        actor=animator,
        territory=territory,
        year=today.year,
        title=f"Trophée des initiatives responsables {today.year}",
        summary="Les candidatures sont ouvertes : portez votre structure candidate ou proposez "
        "une initiative qui vous a marqué.",
        categories=CATEGORIES,
    )
    services.transition_edition(actor=animator, edition=edition, to="nominations")
    categories = list(edition.categories.all())
    for i, structure in enumerate(structures[9:12]):
        manager = _manager_of(structure)
        services.nominate(
            actor=manager or DEMO,
            category=categories[i],
            structure=structure,
            initiative=f"L'initiative {structure.name}",
            pitch="Candidature déposée par la structure.",
        )
    proposer = accounts.get("manager_jardins")
    target = next(
        (s for s in structures[:9] if _manager_of(s) is not None and _manager_of(s) != proposer), None
    )
    if proposer is not None and target is not None:
        services.nominate(
            actor=proposer,
            category=categories[2],
            structure=target,
            initiative="Le prêt de matériel entre associations",
            pitch="Proposée par Les Jardins de la Siagne, qui en profitent chaque semaine.",
        )
    commune = Commune.objects.filter(insee_code="06069").first()
    start = dt.datetime.combine(today + dt.timedelta(days=75), dt.time(18, 30), tzinfo=PARIS)
    services.schedule_ceremony(
        actor=animator, edition=edition, start=start, venue="Palais des congrès", commune=commune
    )
