"""Demo of the lettre (loader order 75, after the workspace's news): three past issues, sent one month
apart, composed from the registry's blocks as they would have been, and a few confirmed subscribers (the
demo accounts). Re-running is safe: issues are found by number, subscribers by address."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from maillage.core.actors import system
from maillage.core.models import Territory
from maillage.core.registry import DemoLoader
from maillage.newsletter import services
from maillage.newsletter.rendering import EDITORIAL_PROVIDER

ISSUES = [
    (
        1,
        "Le contrat est signé : au travail !",
        "Le contrat local de développement de l'ESS est signé. Cette lettre vous racontera, chaque mois, "
        "ce que font les acteurs du territoire et les ateliers qui se mettent en place : **rejoignez-les** !",
        90,
    ),
    (
        2,
        "Les ateliers démarrent",
        "Les ateliers « Guide des acteurs et des pratiques » et « Événementiel » se sont réunis. "
        "Prochaine étape : le groupe de travail sur l'IAE et les achats responsables.",
        60,
    ),
    (
        3,
        "Achats responsables : les premières clauses sociales",
        "L'agglomération a publié son premier marché avec une clause d'insertion. "
        "Retrouvez dans cette lettre la veille du mois et les prochains rendez-vous.",
        30,
    ),
]


# Past issues carry only what can be composed as of their date: the editorial and the news then picked
# (other providers describe the present: upcoming events, latest signatories).
PAST_PROVIDERS = (EDITORIAL_PROVIDER, "workspace.news")
DEMO = system("données de démonstration")


@transaction.atomic
def load(*, today: dt.date, context: dict[str, Any], **_: Any) -> None:
    territory = Territory.objects.filter(slug="pays-de-grasse").first()
    if territory is None:
        return
    now = timezone.now()
    for number, title, editorial, days_ago in ISSUES:
        sent_at = now - dt.timedelta(days=days_ago)
        since = sent_at - dt.timedelta(days=30)
        services.record_issue(
            actor=DEMO,
            territory=territory,
            number=number,
            title=title,
            editorial=editorial,
            providers=list(PAST_PROVIDERS),
            blocks=services.compose_blocks(territory, list(PAST_PROVIDERS), editorial, since, until=sent_at),
            since=since,
            sent_at=sent_at,
        )
    for person in context.get("demo_accounts", {}).values():
        services.record_subscriber(
            actor=DEMO, territory=territory, email=person.email, consent_text=services.CONSENT_TEXT
        )
    context.setdefault("logins", []).append(
        "Lettre d'information « La Maille » : 3 anciens numéros sur /lettre/numeros/, "
        "gestion sur /lettre/gestion/"
    )


LOADER = DemoLoader(key="newsletter", load=load, order=75)
