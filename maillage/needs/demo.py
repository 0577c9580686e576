"""The needs register's demo (loader order 72, after the plan and the workspace's ateliers): about 25 needs
across the Pays de Grasse, in every state, with supports, testimonies, merges, structures answering them, and
plan actions pointing at some of them — the story of objective 4 and of its atelier « Besoins sociaux non ou
insuffisamment satisfaits », whose member qualifies some needs. Written through the services, then spread over
the months before (`backdate_need`); idempotent (nothing happens once the territory has needs)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from maillage.actors.models import Structure
from maillage.core.actors import Actor, system
from maillage.core.models import Commune, Territory
from maillage.core.registry import registry
from maillage.needs import services
from maillage.needs.models import Need, NeedCategory, NeedStatus
from maillage.needs.permissions import ATELIER_GROUP, can_qualify
from maillage.plan import services as plan_services
from maillage.plan.models import Node

DEMO = system("données de démonstration")
NEEDS_ATELIER = "besoins-sociaux"
CITIZEN_FORM = system("formulaire public")

# (key, category, title, description, communes (INSEE), public, evidence, final state, supporters)
NEEDS: list[tuple[str, str, str, str, list[str], str, str, str, int]] = [
    (
        "bus-dimanche",
        "mobilite",
        "Pas de bus le dimanche vers l'hôpital de Grasse",
        "Les familles des patients hospitalisés ne peuvent pas se rendre à l'hôpital le dimanche "
        "sans voiture.",
        ["06069", "06095", "06137"],
        "Proches de patients sans voiture",
        "Réseau Sillages : aucune ligne le dimanche sur 3 lignes sur 4 (fiche horaires 2025).",
        "addressing",
        7,
    ),
    (
        "navette-hameaux",
        "mobilite",
        "Aucune navette entre les hameaux de Saint-Vallier et le bourg",
        "Les personnes âgées des hameaux dépendent de voisins pour faire leurs courses.",
        ["06130"],
        "Personnes âgées isolées",
        "",
        "qualified",
        4,
    ),
    (
        "transport-haut-pays",
        "mobilite",
        "Se déplacer dans le haut pays sans voiture",
        "Entre Séranon, Valderoure et Saint-Auban, un seul car par jour vers Grasse.",
        ["06134", "06154", "06116"],
        "Habitants du haut pays",
        "Horaires Zou ! 2025 : un aller-retour par jour.",
        "reported",
        3,
    ),
    (
        "covoiturage-haut-pays",
        "mobilite",
        "Covoiturage du haut pays vers Grasse",
        "Un car par jour ne suffit pas pour aller travailler à Grasse.",
        ["06134"],
        "Actifs du haut pays",
        "",
        "duplicate:transport-haut-pays",
        1,
    ),
    (
        "logement-saisonniers",
        "logement",
        "Logements pour les saisonniers de la parfumerie",
        "Les saisonniers de la cueillette du jasmin et de la rose ne trouvent pas de logement abordable.",
        ["06069", "06084"],
        "Travailleurs saisonniers",
        "Témoignages recueillis au Rendez-vous de l'ESS.",
        "qualified",
        5,
    ),
    (
        "logement-jeunes",
        "logement",
        "Pas de logement temporaire pour les jeunes en apprentissage",
        "Les apprentis venus d'ailleurs dorment parfois dans leur voiture pendant les semaines en "
        "entreprise.",
        ["06069"],
        "Apprentis de 16 à 25 ans",
        "Mission locale : 14 demandes sans solution en 2025.",
        "addressing",
        6,
    ),
    (
        "epicerie-solidaire-siagne",
        "alimentation",
        "Une épicerie solidaire dans la vallée de la Siagne",
        "L'épicerie solidaire la plus proche est à Grasse, à 40 minutes en bus.",
        ["06090", "06108", "06007"],
        "Ménages aux revenus modestes",
        "CCAS de Pégomas : 120 foyers aidés.",
        "met",
        8,
    ),
    (
        "cantine-bio",
        "alimentation",
        "Des produits locaux dans les cantines des petits villages",
        "Les petites communes n'ont pas les volumes pour passer des marchés avec les producteurs locaux.",
        ["06026", "06137", "06140"],
        "Enfants des écoles, producteurs",
        "",
        "partly_met",
        3,
    ),
    (
        "paniers-haut-pays",
        "alimentation",
        "Paniers de légumes livrés dans le haut pays",
        "Aucun point de retrait de paniers au-delà de Saint-Vallier-de-Thiey.",
        ["06116", "06003"],
        "Habitants du haut pays",
        "",
        "reported",
        2,
    ),
    (
        "medecin-haut-pays",
        "sante",
        "Plus de médecin généraliste à Saint-Auban",
        "Le dernier médecin est parti ; le plus proche est à 45 minutes.",
        ["06116", "06024", "06002"],
        "Tous les habitants",
        "ARS : zone d'intervention prioritaire.",
        "qualified",
        9,
    ),
    (
        "sante-mentale-jeunes",
        "sante",
        "Écoute et soins pour la santé mentale des jeunes",
        "Six mois d'attente au centre médico-psychologique pour un premier rendez-vous.",
        ["06069"],
        "Jeunes de 12 à 25 ans",
        "",
        "reported",
        4,
    ),
    (
        "isolement-aines",
        "isolement",
        "Rompre l'isolement des aînés l'hiver",
        "Les visites de bénévoles s'arrêtent l'hiver, faute de bénévoles mobiles dans les villages.",
        ["06058", "06063", "06045"],
        "Personnes âgées vivant seules",
        "",
        "addressing",
        5,
    ),
    (
        "isolement-aidants",
        "isolement",
        "Du répit pour les aidants familiaux",
        "Les aidants d'un proche dépendant n'ont aucune solution de relais pour souffler quelques heures.",
        ["06084", "06095"],
        "Aidants familiaux",
        "Enquête de la plateforme de répit : 60 % n'ont jamais de relais.",
        "qualified",
        6,
    ),
    (
        "emploi-femmes",
        "emploi",
        "Retour à l'emploi des mères isolées",
        "Sans solution de garde, les formations proposées sont inaccessibles.",
        ["06069", "06090"],
        "Mères isolées",
        "",
        "partly_met",
        3,
    ),
    (
        "emploi-seniors",
        "emploi",
        "Accompagner les demandeurs d'emploi de plus de 55 ans",
        "Les dispositifs d'insertion visent surtout les jeunes.",
        ["06069"],
        "Demandeurs d'emploi seniors",
        "",
        "reported",
        2,
    ),
    (
        "insertion-chantier",
        "emploi",
        "Un chantier d'insertion en espaces naturels",
        "Des débroussaillements nécessaires, des personnes éloignées de l'emploi : aucun chantier "
        "ne fait le lien.",
        ["06130", "06118"],
        "Personnes éloignées de l'emploi",
        "",
        "met",
        4,
    ),
    (
        "garde-horaires",
        "garde-enfants",
        "Garde d'enfants en horaires décalés",
        "Les salariés de l'hôpital et de la parfumerie commencent à 6 h : aucune crèche n'ouvre "
        "avant 7 h 30.",
        ["06069", "06084"],
        "Parents en horaires décalés",
        "",
        "addressing",
        7,
    ),
    (
        "garde-horaires-bis",
        "garde-enfants",
        "Crèche ouverte tôt le matin",
        "Impossible de faire garder mon fils avant 7 h 30 alors que je commence à 6 h.",
        ["06069"],
        "Parents",
        "",
        "duplicate:garde-horaires",
        2,
    ),
    (
        "periscolaire-village",
        "garde-enfants",
        "Accueil du mercredi dans les petits villages",
        "Pas d'accueil de loisirs le mercredi à Cabris ni à Spéracèdes.",
        ["06026", "06137"],
        "Enfants de 3 à 11 ans",
        "",
        "reported",
        1,
    ),
    (
        "numerique-demarches",
        "numerique",
        "Aide aux démarches en ligne",
        "Les démarches de la CAF et de France Travail sont en ligne ; beaucoup ne savent pas les faire.",
        ["06069", "06095", "06140"],
        "Personnes éloignées du numérique",
        "",
        "addressing",
        6,
    ),
    (
        "numerique-reseau",
        "numerique",
        "Pas de réseau mobile à Andon",
        "Les zones blanches empêchent le télétravail et les appels d'urgence.",
        ["06003"],
        "Habitants d'Andon",
        "",
        "out_of_scope",
        2,
    ),
    (
        "numerique-doublon",
        "numerique",
        "Quelqu'un pour m'aider à remplir mon dossier en ligne",
        "Je n'arrive pas à faire ma demande de retraite sur internet.",
        ["06095"],
        "Retraités",
        "",
        "duplicate:numerique-demarches",
        1,
    ),
    (
        "culture-haut-pays",
        "culture",
        "Du spectacle vivant dans le haut pays",
        "Aucune salle ni programmation au-delà de Saint-Vallier ; les tournées s'arrêtent à Grasse.",
        ["06134", "06154"],
        "Habitants du haut pays",
        "",
        "qualified",
        3,
    ),
    (
        "culture-jeunes",
        "culture",
        "Un lieu pour les pratiques musicales des jeunes",
        "Les groupes de jeunes n'ont aucun local de répétition à Mouans-Sartoux et alentour.",
        ["06084", "06090"],
        "Jeunes musiciens",
        "",
        "reported",
        2,
    ),
    (
        "reparation-velos",
        "mobilite",
        "Un atelier de réparation de vélos",
        "Les vélos donnés à la ressourcerie ne trouvent personne pour les remettre en état.",
        ["06069"],
        "Cyclistes, personnes sans voiture",
        "",
        "met",
        3,
    ),
    (
        "citoyen-attente",
        "isolement",
        "Un café des habitants à Pégomas",
        "Un lieu pour se retrouver, sans obligation de consommer.",
        ["06090"],
        "Habitants",
        "",
        "unconfirmed",
        0,
    ),
]

ANSWERS = {
    NeedStatus.QUALIFIED: "Besoin qualifié par l'atelier « Besoins sociaux » : il est retenu pour "
    "l'appel à projets.",
    NeedStatus.ADDRESSING: "Des structures du territoire y travaillent : voir « Qui y répond ».",
    NeedStatus.MET: "Une réponse existe désormais sur le territoire : merci à toutes les personnes "
    "qui l'ont signalé.",
    NeedStatus.PARTLY_MET: "Une première réponse existe, encore insuffisante : le besoin reste suivi.",
    NeedStatus.OUT_OF_SCOPE: "La couverture mobile relève de l'État et des opérateurs : le besoin "
    "est transmis à la "
    "commune, hors du champ de l'ESS.",
}
PATH = {
    NeedStatus.REPORTED: [],
    NeedStatus.QUALIFIED: [NeedStatus.QUALIFIED],
    NeedStatus.ADDRESSING: [NeedStatus.QUALIFIED, NeedStatus.ADDRESSING],
    NeedStatus.MET: [NeedStatus.QUALIFIED, NeedStatus.ADDRESSING, NeedStatus.MET],
    NeedStatus.PARTLY_MET: [NeedStatus.QUALIFIED, NeedStatus.ADDRESSING, NeedStatus.PARTLY_MET],
    NeedStatus.OUT_OF_SCOPE: [NeedStatus.OUT_OF_SCOPE],
}
TESTIMONIES = [
    "Je vis la même chose depuis deux ans.",
    "Ma voisine aussi : nous nous arrangeons comme nous pouvons.",
    "",
    "C'est pour cela que j'ai failli refuser un emploi.",
]


# How long ago (days) a need in each final state was reported, and how long ago its last move was: met needs
# are the oldest stories, fresh reports the newest (the row's index adds a few days, so dates differ).
AGES: dict[str, tuple[int, int]] = {
    NeedStatus.MET: (330, 45),
    NeedStatus.PARTLY_MET: (300, 30),
    NeedStatus.ADDRESSING: (240, 20),
    NeedStatus.OUT_OF_SCOPE: (200, 150),
    NeedStatus.QUALIFIED: (150, 25),
    "duplicate": (30, 8),
    NeedStatus.REPORTED: (50, 3),
    NeedStatus.UNCONFIRMED: (2, 2),
}


def _backdate(made: dict[str, Need], now: dt.datetime) -> None:
    for index, (key, *_rest) in enumerate(NEEDS):
        final = _rest[6].split(":", 1)[0]
        reported_days, last_days = AGES[final]
        # A few days' jitter, never so much that a date would fall in the future.
        jitter = min(3 * (index % 7), reported_days // 4)
        reported_at = now - dt.timedelta(days=reported_days - jitter, hours=2 * (index % 5))
        last_at = now - dt.timedelta(days=max(1, last_days - (index % 4)))
        services.backdate_need(actor=DEMO, need=made[key], reported_at=reported_at, last_at=last_at)


def _supporters(people: dict[str, Any]) -> list[Any]:
    return [user for key, user in sorted(people.items()) if key not in ("animator", "animator_other")]


def _link_plan(territory: Territory, animator: Actor, needs: list[Need]) -> None:
    """The plan's action « Identifier les besoins sociaux… » points at the needs its atelier qualified."""
    actions = Node.objects.filter(
        version__contract__territory=territory, title__icontains="besoins sociaux non ou insuffisamment"
    ).order_by("-version__year", "pk")
    node = actions.first()
    if node is None:
        return
    for need in needs:
        plan_services.add_link(actor=DEMO, node=node, target_key="need", object_id=need.pk)


def load(*, territory: Territory | None = None, today: Any = None, context: dict[str, Any], **_: Any) -> None:
    territory = Territory.objects.filter(slug="pays-de-grasse").first()
    if territory is None or Need.objects.filter(territory=territory).exists():
        return
    people: dict[str, Any] = context.get("demo_accounts", {})
    animator: Actor = people.get("animator") or DEMO
    services.ensure_categories(actor=DEMO, territory=territory)
    # The workspace's demo (order 70) made the atelier « Besoins sociaux… »: its members qualify needs too.
    if NEEDS_ATELIER in dict(registry.groups(ATELIER_GROUP, territory)):
        services.set_needs_atelier(actor=DEMO, territory=territory, slug=NEEDS_ATELIER)
    atelier_person = people.get("manager_jardins")
    qualifier = atelier_person if atelier_person and can_qualify(atelier_person, territory) else animator
    categories = {c.slug: c for c in NeedCategory.objects.filter(territory=territory)}
    communes = {c.insee_code: c for c in Commune.objects.filter(territories=territory)}
    structures = list(Structure.objects.filter(territory=territory, status="published").order_by("name")[:12])
    supporters = _supporters(people)
    made: dict[str, Need] = {}
    for index, (key, cat, title, description, codes, public, evidence, final, count) in enumerate(NEEDS):
        fields = {
            "territory": territory,
            "title": title,
            "description": description,
            "category": categories[cat],
            "communes": [communes[c] for c in codes if c in communes],
            "public_concerned": public,
            "evidence": evidence,
        }
        if not fields["communes"]:
            fields.update(latitude=43.66, longitude=6.92)
        if index % 3 == 0 or final == "unconfirmed":
            need = services.request_need(
                actor=CITIZEN_FORM, email=f"habitant.{key}@demo.maillage.fr", anonymous=True, **fields
            )
            if final != "unconfirmed":
                need = services.confirm_need(territory=territory, payload={"t": territory.pk, "n": need.pk})
        else:
            reporter = supporters[index % len(supporters)] if supporters else DEMO
            need = services.report_need(actor=reporter, anonymous=index % 2 == 0, **fields)
        made[key] = need
        for n, person in enumerate(supporters[:count]):
            if person.pk == need.reporter_id:
                continue
            services.support_need(actor=person, need=need, testimony=TESTIMONIES[n % len(TESTIMONIES)])
        for extra in range(max(0, count - len(supporters))):
            services.request_support(
                actor=CITIZEN_FORM, need=need, email=f"soutien{extra}.{key}@demo.maillage.fr"
            )
            support = need.supports.get(email=f"soutien{extra}.{key}@demo.maillage.fr")
            services.confirm_support(territory=territory, payload={"t": territory.pk, "s": support.pk})
        if final in PATH:
            for step in PATH[final]:
                synthesis = (
                    f"{description} Public : {public.lower() or 'à préciser'}. Le besoin est confirmé par "
                    f"{count} soutien(s) et par l'atelier."
                    if step == NeedStatus.QUALIFIED
                    else None
                )
                if step == NeedStatus.ADDRESSING and structures:
                    for offset in range(1 + index % 2):
                        services.link_structure(
                            actor=animator,
                            need=need,
                            structure=structures[(index + offset) % len(structures)],
                        )
                by_atelier = step == NeedStatus.QUALIFIED and index % 2 == 1
                services.move_need(
                    actor=qualifier if by_atelier else animator,
                    need=need,
                    to_status=step,
                    answer=ANSWERS[step],
                    synthesis=synthesis,
                )
    for key, need in made.items():
        final = next(row[7] for row in NEEDS if row[0] == key)
        if final.startswith("duplicate:"):
            services.merge_needs(
                actor=animator,
                duplicate=need,
                into=made[final.split(":", 1)[1]],
                answer="Ce besoin rejoint un besoin déjà signalé : les soutiens y sont reportés.",
            )
    _link_plan(territory, animator, [made[k] for k in ("bus-dimanche", "logement-jeunes", "garde-horaires")])
    now = timezone.make_aware(dt.datetime.combine(today, dt.time(10))) if isinstance(today, dt.date) else None
    _backdate(made, now or timezone.now())
