"""Demo of the directory (loader order 25, after accounts' 20): about 80 fictitious structures across the
Pays de Grasse communes — every ESS family, SIAE and adapted companies, a few classic companies and public
buyers — with sectors, practices, a few pending in the moderation queue, a moderated edit, a request to
manage a profile and an error report. Names, people and numbers are invented (the invented SIRETs of companies
and SIAE have valid keys, so that a claim by SIRET can be tried); slugs come
from the names; positions are set at creation (no geocoding queued). Re-running is safe.

The four structures the demo managers run come first (their slugs are used by other apps' demos).
A small Sirene-format pair to try the import is in `maillage/actors/data/demo-sirene-*.zip`.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.db import transaction
from django.utils.text import slugify
from stdnum import luhn

from maillage.actors import services
from maillage.actors.models import (
    EditProposal,
    ErrorReport,
    ManagementRequest,
    Membership,
    Practice,
    Structure,
)
from maillage.core.actors import system
from maillage.core.models import Territory

DEMO = system("données de démonstration")

DEMO_STRUCTURES = [
    # (slug, name, family, commune INSEE code, manager key in context["demo_accounts"], description, extra)
    (
        "la-ressourcerie-du-pays-de-grasse",
        "La Ressourcerie du Pays de Grasse",
        Structure.Family.ASSOCIATION,
        "06069",
        "manager_ressourcerie",
        "Collecte, répare et revend à petit prix les objets dont on ne veut plus ; ateliers de réparation.",
        {"inclusion_kind": "ACI", "sectors": ["reemploi"], "address": "12 chemin de la Blaque", "esus": True},
    ),
    (
        "scop-latelier-des-collines",
        "Scop L’Atelier des Collines",
        Structure.Family.COOPERATIVE,
        "06069",
        "manager_scop",
        "Coopérative de travaux d'isolation phonique et thermique.",
        {"legal_form": "5458", "sectors": ["batiment"], "workforce_band": "11"},
    ),
    (
        "les-jardins-de-la-siagne",
        "Les Jardins de la Siagne",
        Structure.Family.ASSOCIATION,
        "06007",
        "manager_jardins",
        "Chantier d'insertion en maraîchage biologique ; paniers hebdomadaires.",
        {"inclusion_kind": "ACI", "sectors": ["alimentation", "environnement"], "esus": True},
    ),
    (
        "service-des-achats-de-l-agglomeration",
        "Service des achats de l'agglomération",
        Structure.Family.HORS_ESS,
        "06069",
        "buyer",
        "Acheteur public : marchés réservés et clauses sociales.",
        {"legal_form": "7348"},
    ),
]

COMMUNES = [  # weighted: most structures are in the towns of the former Pôle Azur Provence
    "06069", "06069", "06069", "06069", "06069", "06069", "06084", "06084", "06084", "06090", "06090",
    "06108", "06007", "06095", "06095", "06140", "06118", "06130", "06026", "06137", "06154", "06058",
    "06003", "06116",
]  # fmt: skip

# (name pattern, family, legal form, inclusion kind, sectors, description)
KINDS = [
    ("Association {a} {b}", "association", "9220", "", ["vie_associative"],
     "Association d'habitants : animations de quartier, fêtes, **entraide** entre voisins."),
    ("Repair café {b}", "association", "9220", "", ["reemploi"],
     "Un samedi par mois, des bénévoles réparent avec vous vos appareils, vêtements et vélos."),
    ("Épicerie solidaire {b}", "association", "9220", "", ["alimentation", "social"],
     "Produits du quotidien à petit prix pour les familles orientées par les services sociaux."),
    ("Chantier d'insertion {a}", "association", "9221", "ACI", ["environnement"],
     "Entretien des espaces naturels et des restanques ; accompagnement vers l'emploi."),
    ("{a} Services", "association", "9222", "AI", ["emploi", "services_personne"],
     "Association intermédiaire : mise à disposition de personnel pour les particuliers et les communes."),
    ("{a} Intérim solidaire", "societe_ess", "5710", "ETTI", ["emploi"],
     "Entreprise de travail temporaire d'insertion : missions dans le bâtiment et la logistique."),
    ("Entreprise adaptée {b}", "societe_ess", "5710", "EA", ["proprete"],
     "Entreprise adaptée : propreté, conditionnement et blanchisserie."),
    ("ESAT {b}", "association", "9220", "ESAT", ["environnement", "alimentation"],
     "Établissement et service d'accompagnement par le travail : espaces verts, cuisine, sous-traitance."),
    ("Scop {a} {b}", "cooperative", "5458", "", ["batiment"],
     "Société coopérative de production : menuiserie et rénovation énergétique."),
    ("Scic {a}", "cooperative", "5560", "", ["energie"],
     "Société coopérative d'intérêt collectif : centrales solaires citoyennes sur les toits publics."),
    ("Coopérative {b}", "cooperative", "6317", "", ["alimentation"],
     "Coopérative agricole : plantes à parfum, huile d'olive et circuits courts."),
    ("Mutuelle {b}", "mutuelle", "8210", "", ["sante"],
     "Mutuelle de santé de proximité ; permanences d'information."),
    ("Fondation {a}", "fondation", "9300", "", ["social", "formation"],
     "Fondation : bourses d'études et soutien aux projets des jeunes du territoire."),
    ("Crèche parentale {b}", "association", "9220", "", ["services_personne"],
     "Crèche gérée par les parents : douze places, ouverture de 7 h 30 à 18 h 30."),
    ("Compagnie {a}", "association", "9220", "", ["culture"],
     "Compagnie de théâtre : spectacles, ateliers dans les écoles et les maisons de retraite."),
    ("GEIQ {a}", "association", "9223", "GEIQ", ["emploi", "batiment"],
     "Groupement d'employeurs pour l'insertion et la qualification dans le bâtiment."),
    ("{a} Mobilité", "association", "9220", "", ["mobilite"],
     "Garage solidaire et location de scooters pour aller travailler."),
    ("Cabinet {a} Conseil", "hors_ess", "5499", "", ["conseil"],
     "Entreprise de conseil engagée dans les achats responsables."),
]  # fmt: skip
WORDS_A = [
    "Horizons", "Tremplin", "Passerelle", "Colibri", "Olivier", "Mistral", "Lavande", "Azur", "Restanque",
    "Cigale", "Jasmin", "Canal", "Soleil", "Terrasses", "Baous", "Roquevignon", "Fontaine", "Cyprès",
]  # fmt: skip
WORDS_B = [
    "de la Siagne", "du Loup", "des Collines", "du Pays de Grasse", "des Parfums", "de Plascassier",
    "du Plan", "de Saint-Jacques", "des Aspres", "de la Paoute", "du Val", "de Magagnosc",
]  # fmt: skip
# A second sentence, so that no two descriptions read the same.
DETAILS = [
    "Fondée en {year}, elle compte {k} bénévoles et salariés.",
    "Accueil du mardi au samedi, de 9 h à 17 h.",
    "Ouverte à tous ; adhésion à prix libre.",
    "Elle travaille avec les écoles et les centres sociaux de {commune}.",
    "Membre du réseau local de l'ESS depuis {year}.",
    "Permanence le premier jeudi du mois à la mairie de {commune}.",
    "{k} personnes y ont trouvé un emploi l'an dernier.",
    "Projet soutenu par le Département et la Région.",
]
# Fictitious people (the structures' contact persons, never published): first and last names combined once.
FIRST_NAMES = [
    "Amandine", "Bastien", "Chloé", "Damien", "Élodie", "Fabrice", "Gaëlle", "Hugo", "Inès", "Julien",
    "Karima", "Loïc", "Maëlle", "Nicolas", "Océane", "Pascal", "Rachida", "Sylvain", "Tiphaine", "Yannick",
]  # fmt: skip
LAST_NAMES = [
    "Arnaud", "Bertrand", "Castel", "Delorme", "Estève", "Fabre", "Giraud", "Honnorat", "Isnard", "Jourdan",
    "Lambert", "Maurel", "Negre", "Olivier", "Pellegrin", "Roux", "Sauvan", "Tosello", "Vial", "Ughetto",
]  # fmt: skip
# SIAE and companies get a SIRET (fictitious, with valid keys) so that a claim by SIRET can be tried.
SIRET_FAMILIES = {"cooperative", "societe_ess", "hors_ess"}
SIRET_INCLUSION = {"ACI", "AI", "EI", "ETTI", "EITI", "EA", "ESAT", "GEIQ"}


def fictitious_siret(n: int) -> str:
    """An invented SIRET whose SIREN and SIRET keys are valid (Luhn)."""
    head = f"{90_000_000 + n * 7_919:08d}"
    siren = head + luhn.calc_check_digit(head)
    nic = f"{(n % 90) + 10:04d}"
    return siren + nic + luhn.calc_check_digit(siren + nic)


def _unique_name(rng: random.Random, pattern: str, used: set[str]) -> str:
    for _ in range(200):
        name = pattern.format(a=rng.choice(WORDS_A), b=rng.choice(WORDS_B))
        if name not in used:
            used.add(name)
            return name
    raise RuntimeError(f"no more demo names for {pattern!r}")  # pragma: no cover (lists are large enough)


PRACTICES = [
    ("Un conseil d'administration ouvert aux salariés", ["gouvernance"],
     "Deux sièges du conseil sont réservés aux salariés, élus chaque année."),
    ("Des réunions d'usagers chaque trimestre", ["usagers", "concertation"],
     "Les usagers donnent leur avis sur les horaires, les prix et les nouveaux services."),
    ("Acheter local en priorité", ["ancrage", "developpement_durable"],
     "Plus de la moitié des achats sont faits auprès de fournisseurs du Pays de Grasse."),
    ("Un écart de salaires de 1 à 3", ["salaires"],
     "Le salaire le plus élevé ne dépasse pas trois fois le plus bas."),
    ("Recruter sans CV", ["diversite"],
     "Les candidats passent une mise en situation plutôt qu'un entretien sur CV."),
    ("Zéro déchet à l'atelier", ["developpement_durable"],
     "Chutes de bois données aux écoles, tri en cinq flux, vaisselle réutilisable."),
    ("Une charte éthique des partenariats", ["ethique"],
     "Nous refusons le mécénat d'entreprises dont l'activité contredit notre objet."),
    ("Le budget discuté avec l'équipe", ["concertation", "gouvernance"],
     "Chaque automne, l'équipe prépare le budget de l'année avec le bureau."),
]  # fmt: skip


def _ensure(
    territory: Territory,
    slug: str,
    name: str,
    data: dict[str, Any],
    sectors: list[str],
    status: str,
    *,
    position: tuple[float, float] | None = None,
):
    structure = Structure.objects.filter(territory=territory, slug=slug).first()
    if structure is not None:
        return structure, False
    structure = services.create_structure(
        actor=DEMO,
        territory=territory,
        data={"name": name, **data},
        sectors=sectors,
        initial_status=status,
        position=position,
        slug=slug,
    )
    return structure, True


@transaction.atomic
def load(*, today: dt.date, context: dict[str, Any], **_: Any) -> None:
    territory = Territory.objects.filter(slug="pays-de-grasse").first()
    accounts = context.get("demo_accounts", {})
    if territory is None:
        return
    for slug, name, family, insee, manager_key, description, extra in DEMO_STRUCTURES:
        extra = dict(extra)
        sectors = extra.pop("sectors", [])
        structure, _ = _ensure(
            territory,
            slug,
            name,
            {"family": family, "commune": insee, "description": description, **extra},
            sectors,
            Structure.Status.PUBLISHED,
        )
        manager = accounts.get(manager_key)
        if manager is not None:
            services.add_membership(
                actor=DEMO,
                user=manager,
                structure=structure,
                role=Membership.Role.MANAGER,
                reason="Données de démonstration",
            )
    rng = random.Random(2013)
    created: list[Structure] = []
    communes = {c.insee_code: c for c in territory.communes.all()}
    used = {name for _, name, *_rest in DEMO_STRUCTURES}
    people = [(first, last) for first in FIRST_NAMES for last in LAST_NAMES]
    rng.shuffle(people)
    for n in range(80):
        pattern, family, legal, inclusion, sectors, description = KINDS[n % len(KINDS)]
        name = _unique_name(rng, pattern, used)
        status = Structure.Status.PENDING if n in (7, 23, 41, 66) else Structure.Status.PUBLISHED
        commune = communes.get(rng.choice(COMMUNES))
        commune_name = commune.name if commune else "Grasse"
        detail = rng.choice(DETAILS).format(
            year=rng.randint(1985, 2012), k=rng.randint(4, 60), commune=commune_name
        )
        first, last = people[n]
        slug = slugify(name)
        data = {
            "family": family,
            "legal_form": legal,
            "inclusion_kind": inclusion,
            "esus": bool(inclusion) and n % 3 == 0,
            "commune": commune.insee_code if commune else "",
            "postal_code": (commune.postal_codes or [""])[0] if commune else "",
            "workforce_band": rng.choice(["", "00", "01", "02", "03", "11", "12"]),
            "description": f"{description} {detail}",
            "address": f"{rng.randint(1, 90)} {rng.choice(['avenue', 'chemin', 'route', 'rue'])} "
            f"{rng.choice(['des Oliviers', 'de la Gare', 'du Moulin', 'des Écoles', 'de Cannes'])}",
            "public_phone": f"04 93 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
            "website": f"https://{slug}.exemple.org" if n % 4 == 0 else "",
            "labels": ["Réseau des ressourceries"] if "reemploi" in sectors else [],
            "contact_name": f"{first} {last}",
            "contact_email": f"{slugify(first)}.{slugify(last)}@{slug}.exemple.org",
        }
        if family in SIRET_FAMILIES or inclusion in SIRET_INCLUSION:
            data["siret"] = fictitious_siret(n)
        # scattered around the commune's centroid: placed at creation, so no geocoding is queued
        position = (
            (
                commune.latitude + rng.uniform(-0.012, 0.012),
                commune.longitude + rng.uniform(-0.016, 0.016),
            )
            if commune is not None and commune.latitude is not None
            else None
        )
        structure, _ = _ensure(territory, slug, name, data, sectors, status, position=position)
        created.append(structure)
    published = [s for s in created if s.status == Structure.Status.PUBLISHED]
    for i, (title, themes, body) in enumerate(PRACTICES * 3):
        structure = published[(i * 7) % len(published)]
        if not Practice.objects.filter(structure=structure, title=title).exists():
            services.save_practice(actor=DEMO, structure=structure, title=title, themes=themes, body=body)
    for slug, *_rest in DEMO_STRUCTURES[:3]:  # their practices, for the managers' demo
        structure = Structure.objects.get(territory=territory, slug=slug)
        title, themes, body = PRACTICES[len(slug) % len(PRACTICES)]
        if not structure.practices.exists():
            services.save_practice(actor=DEMO, structure=structure, title=title, themes=themes, body=body)
    # The moderation queue: a moderated edit, a request to manage a profile, an error report.
    jardins = Structure.objects.get(territory=territory, slug="les-jardins-de-la-siagne")
    if not EditProposal.objects.filter(structure=jardins).exists():
        services.record_edit_proposal(
            actor=DEMO,
            structure=jardins,
            author=accounts.get("manager_jardins"),
            changes={
                "public_phone": ["", "04 93 40 12 34"],
                "website": ["", "https://jardins-siagne.exemple.org"],
            },
        )
    scop = accounts.get("manager_scop")
    target = published[0]
    if scop is not None and not ManagementRequest.objects.filter(structure=target, user=scop).exists():
        services.record_management_request(
            actor=DEMO, structure=target, user=scop, message="Je suis aussi trésorier de cette association."
        )
    if not ErrorReport.objects.filter(structure=published[1]).exists():
        services.record_error_report(
            structure=published[1], message="Le numéro de téléphone indiqué n'est plus attribué."
        )
    context.setdefault("logins", []).append(
        "Annuaire : 84 structures (4 en attente de modération), un essai d'import Sirene dans "
        "maillage/actors/data/demo-sirene-*.zip (maillage import sirene …)."
    )
