"""The charter's demo (loader order 50, after the structures): the story of the seeds, on the demo clock.

- v1 drafted together and adopted two months into the contract, signed by most of the territory's ESS
  structures at a ceremony (a « Rendez-vous de la charte »);
- v2 adopted ten months into the contract (the entrepreneurs' club joined the writing): some structures
  have re-signed, the others show « signataire de la v1 — n'a pas encore signé la v2 »;
- v3 open for comments now, with comments and amendments (one accepted, one rejected, one awaiting).

The ceremony is an agenda event (a plénière in Grasse, created through the agenda's services) that the v1
signatures point to. Idempotent: nothing is created when the territory's charter already has versions
(only the ceremony is linked, if an older demo lacked it).
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction

from maillage.actors.models import Structure
from maillage.charter import services
from maillage.charter.models import CharterVersion
from maillage.core.actors import Actor, system
from maillage.core.demo import contract_start
from maillage.core.models import Commune, Territory
from maillage.events import services as event_services
from maillage.events.models import Event, Kind
from maillage.events.models import Status as EventStatus

PARIS = ZoneInfo("Europe/Paris")
# Who acts when the story has no person for a step (the v1 drafted before the animation had an account,
# the signatures of the ceremony): the platform, named in the history lines.
DEMO = system("données de démonstration")
CEREMONY_TITLE = "Rendez-vous de la charte"
CEREMONY_DESCRIPTION = (
    "Les structures de l'ESS du Pays de Grasse se réunissent pour adopter et signer ensemble la charte "
    "qu'elles ont rédigée en commun.\n\nLe club des entrepreneurs est invité."
)

V1_PREAMBLE = (
    "Nous, structures de l'économie sociale et solidaire du Pays de Grasse — associations, coopératives, "
    "mutuelles, fondations, entreprises d'insertion et sociétés de l'ESS —, avons écrit ensemble cette "
    "charte. Elle est datée et ne constitue pas un document figé : nous en reverrons régulièrement et "
    "collectivement les principes."
)

V1_ARTICLES = [
    (
        "Mettre la personne au centre",
        "Nos activités servent d'abord les personnes et le territoire. Le profit n'est pas notre but : quand "
        "il existe, il est réinvesti dans le projet ou partagé équitablement.",
    ),
    (
        "Décider ensemble",
        "Chaque structure signataire fait vivre une gouvernance démocratique : les salariés, les bénévoles "
        "et les usagers ont voix au chapitre. Nous rendons compte de nos décisions.",
    ),
    (
        "Coopérer plutôt que se concurrencer",
        "Nous nous faisons connaître les uns aux autres, partageons nos savoir-faire, nos locaux et nos "
        "réseaux, et répondons ensemble aux marchés quand c'est possible.",
    ),
    (
        "Agir ici, pour le territoire",
        "Nous créons des emplois non délocalisables dans les communes du Pays de Grasse et travaillons avec "
        "les collectivités, les habitants et les entreprises du territoire.",
    ),
    (
        "Ouvrir le chemin de l'emploi",
        "Nous accueillons celles et ceux qui sont éloignés de l'emploi, les accompagnons et les formons, en "
        "lien avec les structures de l'insertion par l'activité économique.",
    ),
    (
        "Faire connaître l'ESS",
        "Nous témoignons de nos pratiques lors des Rendez-vous de l'ESS, dans la lettre d'information et "
        "auprès des jeunes, pour faire connaître et reconnaître l'économie sociale et solidaire.",
    ),
]

V2_CHANGES = {
    "Coopérer plutôt que se concurrencer": (
        "Nous nous faisons connaître les uns aux autres, partageons nos savoir-faire, nos locaux, nos "
        "outils et nos réseaux, et répondons ensemble aux marchés publics et privés quand c'est possible."
    ),
}
V2_NEW = (
    "Construire des passerelles avec les entreprises",
    "Il n'y a pas deux économies qui s'affrontent. Avec le club des entrepreneurs, nous organisons des "
    "rencontres d'égal à égal, des échanges « vis ma vie » et des achats responsables entre nos structures "
    "et les entreprises classiques.",
)

# Fictitious signers (name, role in the structure).
SIGNERS = [
    ("Agnès Roux", "présidente"),
    ("Bruno Blanc", "directeur"),
    ("Chloé Giordano", "co-gérante"),
    ("Denis Martel", "trésorier"),
    ("Élodie Pellegrin", "directrice"),
    ("Farid Amrani", "président"),
]
RESIGNERS = [
    ("Hélène Fournier", "présidente"),
    ("Julien Moretti", "directeur"),
    ("Inès Carli", "co-présidente"),
]

V3_AMENDMENTS = [
    # (author key, article title, new text, rationale, decision: "accept" / "reject" / None, reason)
    (
        "manager_jardins",
        "Agir ici, pour le territoire",
        "Nous créons des emplois non délocalisables dans les communes du Pays de Grasse, privilégions les "
        "circuits courts et travaillons avec les collectivités, les habitants et les entreprises du "
        "territoire.",
        "Les circuits courts font partie de notre identité : autant l'écrire.",
        "accept",
        "Adopté lors de l'atelier du mois dernier.",
    ),
    (
        "manager_scop",
        "Décider ensemble",
        "Chaque structure signataire applique le principe « une personne, une voix ».",
        "Plus simple et plus clair.",
        "reject",
        "Toutes les structures signataires ne sont pas des coopératives : "
        "la formulation actuelle les inclut.",
    ),
    (
        "manager_ressourcerie",
        "Faire connaître l'ESS",
        "Nous témoignons de nos pratiques lors des Rendez-vous de l'ESS, dans la lettre d'information, "
        "auprès des jeunes et des établissements scolaires, et mesurons ensemble notre utilité sociale.",
        "Nous voulons aller vers les écoles et mesurer ce que nous apportons.",
        None,
        "",
    ),
]


def _at(version: CharterVersion, day: dt.date) -> None:
    """Date the last logged move of `version` on the demo clock (the log records the time of the load)."""
    services.date_last_move(actor=DEMO, version=version, day=day)


def _ceremony(territory: Territory, day: dt.date, animator: Actor) -> Event:
    """The v1 signing ceremony, an agenda event (plénière) in Grasse on the adoption day: found again
    when it exists, created through the agenda's services otherwise."""
    start = dt.datetime.combine(day, dt.time(18, 0), tzinfo=PARIS)
    event = Event.objects.filter(
        territory=territory, title=CEREMONY_TITLE, kind=Kind.PLENARY, start=start
    ).first()
    if event is not None:
        return event
    return event_services.create_event(
        actor=animator,
        territory=territory,
        status=EventStatus.PUBLISHED,
        title=CEREMONY_TITLE,
        description=CEREMONY_DESCRIPTION,
        kind=Kind.PLENARY,
        venue="Palais des congrès",
        commune=Commune.objects.filter(insee_code="06069").first(),
        start=start,
        end=start + dt.timedelta(hours=2, minutes=30),
        registration_open=False,
    )


@transaction.atomic
def load(*, today: dt.date, context: dict[str, Any], **_: Any) -> None:
    territory = Territory.objects.filter(slug="pays-de-grasse").first()
    if territory is None:
        return
    accounts = context.get("demo_accounts", {})
    animator: Actor = accounts.get("animator") or DEMO
    existing_v1 = CharterVersion.objects.filter(charter__territory=territory, number=1).first()
    if existing_v1 is not None:
        # Already loaded: only make sure the v1 ceremony is an agenda event its signatures point to
        # (a database demoed before the ceremony became an event).
        if existing_v1.adopted_on:
            ceremony = _ceremony(territory, existing_v1.adopted_on, animator)
            services.attach_ceremony(
                actor=DEMO, version=existing_v1, day=existing_v1.adopted_on, ceremony=ceremony
            )
        return
    start = contract_start(today)
    services.rename_charter(
        actor=DEMO, territory=territory, title="Charte des acteurs de l'ESS du Pays de Grasse"
    )

    # v1: written together, adopted at the ceremony.
    v1 = services.create_version(actor=DEMO, territory=territory, title="Charte fondatrice")
    _at(v1, start + dt.timedelta(days=10))
    services.update_version(actor=DEMO, version=v1, title="Charte fondatrice", preamble=V1_PREAMBLE)
    for title, body in V1_ARTICLES:
        services.save_article(actor=DEMO, version=v1, title=title, body=body)
    opened = start + dt.timedelta(days=31)
    adopted = start + dt.timedelta(days=66)
    services.transition_version(actor=animator, version=v1, to_status="open", today=opened)
    _at(v1, opened)
    services.transition_version(
        actor=animator,
        version=v1,
        to_status="adopted",
        today=adopted,
        note="Adoptée au Rendez-vous de la charte",
    )
    _at(v1, adopted)
    structures = list(
        Structure.objects.filter(territory=territory, status=Structure.Status.PUBLISHED)
        .exclude(family=Structure.Family.HORS_ESS)
        .order_by("name")
    )
    ceremony = _ceremony(territory, adopted, animator)
    # Most structures sign at the ceremony; every fifth one has not signed yet.
    signers = [s for i, s in enumerate(structures) if i % 5 != 4] or structures
    for i, structure in enumerate(signers):
        name, role = SIGNERS[i % len(SIGNERS)]
        services.sign_charter(
            actor=DEMO,
            version=v1,
            structure=structure,
            signer_name=name,
            signer_role=role,
            commitment=True,
            signed_on=adopted,
            ceremony=ceremony,
        )

    # v2: the entrepreneurs' club joined; adopted ten months in; half of the signatories re-signed.
    v2 = services.create_version(actor=animator, territory=territory, title="Ouverture aux entreprises")
    _at(v2, start + dt.timedelta(days=240))
    for article in v2.articles.all():
        if article.title in V2_CHANGES:
            services.save_article(
                actor=animator,
                version=v2,
                article=article,
                title=article.title,
                body=V2_CHANGES[article.title],
            )
    services.save_article(actor=animator, version=v2, title=V2_NEW[0], body=V2_NEW[1])
    v2_open = start + dt.timedelta(days=270)
    v2_adopted = start + dt.timedelta(days=305)
    services.transition_version(actor=animator, version=v2, to_status="open", today=v2_open)
    _at(v2, v2_open)
    services.transition_version(
        actor=animator, version=v2, to_status="adopted", today=v2_adopted, invite=False
    )
    _at(v2, v2_adopted)
    for i, structure in enumerate(signers[: max(1, len(signers) // 2)]):
        name, role = RESIGNERS[i % len(RESIGNERS)]
        services.sign_charter(
            actor=DEMO,
            version=v2,
            structure=structure,
            signer_name=name,
            signer_role=role,
            commitment=True,
            signed_on=min(today, v2_adopted + dt.timedelta(days=7 + 9 * i)),
        )

    # v3: open for comments now, with amendments.
    v3 = services.create_version(actor=animator, territory=territory, title="Révision annuelle")
    _at(v3, today - dt.timedelta(days=40))
    v3_open = today - dt.timedelta(days=25)
    services.transition_version(actor=animator, version=v3, to_status="open", today=v3_open)
    _at(v3, v3_open)
    if animator is DEMO:
        return
    articles = {a.title: a for a in v3.articles.all()}
    supporters = [accounts.get(k) for k in ("manager_ressourcerie", "manager_scop", "manager_jardins")]
    for author_key, title, text, rationale, decision, reason in V3_AMENDMENTS:
        author = accounts.get(author_key)
        if author is None or title not in articles:
            continue
        amendment = services.propose_amendment(
            actor=author, version=v3, article_id=articles[title].pk, text=text, rationale=rationale
        )
        for supporter in supporters:
            if supporter is not None and supporter != author:
                services.support_amendment(actor=supporter, amendment=amendment)
        if decision == "accept":
            services.accept_amendment(actor=animator, amendment=amendment, reason=reason)
        elif decision == "reject":
            services.reject_amendment(actor=animator, amendment=amendment, reason=reason)
    commenter = accounts.get("manager_jardins")
    if commenter is not None and "Construire des passerelles avec les entreprises" in articles:
        services.comment_article(
            actor=commenter,
            article=articles["Construire des passerelles avec les entreprises"],
            body="Le speed-meeting SIAE / entreprises de novembre a très bien marché : "
            "refaisons-le chaque année.",
        )
