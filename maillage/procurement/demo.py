"""Demo of responsible procurement (loader order 60, after the directory's 25 and the charter's 50).

The agglomeration's purchasing service (Nadia Benali, the demo buyer) and a town, Mouans-Sartoux (Julien
Roux), are buyers. The directory's ESS structures describe their offers (types from their sectors, perimeter,
staff, a few client references). Twelve needs go through every status — drafts, submitted, validated, sent
(with « intéressé » and « pas intéressé » answers), closed — and two closed ones led to contracts (a reserved
green-space contract for an insertion workshop; a cleaning contract with social-clause hours). Last year's
purchase ledger of the agglomeration is imported from a CSV built here. Nadia keeps a shortlist of
green-space suppliers; one supplier joined a quote to its answer; a supplier's offer edit waits for the
animation. Everything goes through the services;
re-running does nothing once the needs exist.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from maillage.accounts import services as account_services
from maillage.accounts.demo import DEMO_PASSWORD
from maillage.actors import services as actor_services
from maillage.actors.demo import fictitious_siret
from maillage.actors.models import Membership, Structure
from maillage.core.actors import system
from maillage.core.models import Commune, Territory
from maillage.procurement import services
from maillage.procurement.models import Need, Recipient

DEMO = system("données de démonstration")
TOWN_SLUG = "ville-de-mouans-sartoux-commande-publique"
SECTOR_TYPES = {
    "batiment": ["works"],
    "energie": ["works", "services"],
    "emploi": ["staffing"],
    "proprete": ["services"],
    "environnement": ["services"],
    "alimentation": ["goods"],
    "reemploi": ["goods", "services"],
    "services_personne": ["services"],
    "mobilite": ["services"],
    "culture": ["services"],
    "conseil": ["services"],
    "formation": ["services"],
}

# (key, buyer, kind, offer type, title, sectors, commune, reserved, clause hours, final status)
NEEDS = [
    (
        "espaces",
        "agglo",
        "quote",
        "services",
        "Entretien des espaces verts des zones d'activités",
        ["environnement"],
        "06069",
        "L2113-13",
        0,
        "awarded",
    ),
    (
        "nettoyage",
        "agglo",
        "tender",
        "services",
        "Nettoyage des locaux du siège de l'agglomération",
        ["proprete"],
        "06069",
        "",
        1200,
        "awarded",
    ),
    (
        "repas",
        "town",
        "quote",
        "goods",
        "Fruits et légumes bio pour la cantine scolaire",
        ["alimentation"],
        "06084",
        "",
        0,
        "sent",
    ),
    (
        "mobilier",
        "agglo",
        "quote",
        "goods",
        "Mobilier de bureau de réemploi pour la médiathèque",
        ["reemploi"],
        "06069",
        "",
        0,
        "sent",
    ),
    (
        "conditionnement",
        "agglo",
        "quote",
        "services",
        "Mise sous pli des courriers aux usagers",
        ["proprete"],
        "06069",
        "L2113-12",
        0,
        "sent",
    ),
    (
        "renovation",
        "town",
        "tender",
        "works",
        "Isolation thermique de l'école des Orres",
        ["batiment"],
        "06084",
        "",
        800,
        "sent",
    ),
    (
        "interim",
        "agglo",
        "sourcing",
        "staffing",
        "Renforts d'été pour les déchetteries",
        ["emploi"],
        "06069",
        "",
        400,
        "validated",
    ),
    (
        "solaire",
        "town",
        "sourcing",
        "works",
        "Centrale solaire sur le toit du gymnase",
        ["energie"],
        "06084",
        "",
        0,
        "validated",
    ),
    (
        "velos",
        "agglo",
        "quote",
        "services",
        "Entretien de la flotte de vélos de service",
        ["mobilite"],
        "06069",
        "",
        0,
        "submitted",
    ),
    (
        "spectacle",
        "town",
        "quote",
        "services",
        "Spectacle de fin d'année pour les écoles",
        ["culture"],
        "06084",
        "",
        0,
        "submitted",
    ),
    (
        "formation",
        "agglo",
        "quote",
        "services",
        "Formation des agents aux achats responsables",
        ["formation", "conseil"],
        "",
        "",
        0,
        "draft",
    ),
    (
        "traiteur",
        "town",
        "quote",
        "goods",
        "Buffet de la fête des associations",
        ["alimentation"],
        "06084",
        "",
        0,
        "draft",
    ),
]
CPV = {"espaces": "77310000-6", "nettoyage": "90910000-9"}


def _town(territory: Territory, context: dict[str, Any]) -> tuple[Structure, Any]:
    user = account_services.ensure_account(
        actor=DEMO,
        email="julien.mairie@demo.maillage.fr",
        password=DEMO_PASSWORD,
        first_name="Julien",
        last_name="Roux",
    )
    context.setdefault("logins", []).append(
        "Acheteur (Ville de Mouans-Sartoux) : julien.mairie@demo.maillage.fr"
    )
    town = Structure.objects.filter(territory=territory, slug=TOWN_SLUG).first()
    if town is None:
        commune = Commune.objects.filter(insee_code="06084").first()
        town = actor_services.create_structure(
            actor=DEMO,
            territory=territory,
            slug=TOWN_SLUG,
            data={
                "name": "Ville de Mouans-Sartoux — commande publique",
                "family": "hors_ess",
                "legal_form": "7210",
                "siret": fictitious_siret(1200),
                "commune": commune,
                "description": "Service de la commande publique de la commune : cantine, écoles, bâtiments.",
            },
            initial_status="published",
            position=(commune.latitude, commune.longitude) if commune else None,
        )
    actor_services.add_membership(actor=DEMO, user=user, structure=town, role=Membership.Role.MANAGER)
    return town, user


def _offers(territory: Territory, buyers: set[int], rng: random.Random) -> None:
    suppliers = Structure.objects.filter(territory=territory, status="published").exclude(pk__in=buyers)
    for structure in suppliers.prefetch_related("sectors").order_by("pk"):
        types = sorted({t for s in structure.sectors.all() for t in SECTOR_TYPES.get(s.sector, [])})
        if not types:
            continue
        perimeter = rng.choice(["department", "department", "radius", "france"])
        services.save_offer(
            actor=DEMO,
            structure=structure,
            offer_types=types,
            perimeter=perimeter,
            radius_km=40 if perimeter == "radius" else None,
            staff=rng.choice([2, 5, 8, 12, 25, 40]),
            turnover_band=rng.choice(["lt100k", "lt500k", "lt2m"]),
            summary=f"{structure.name} répond aux acheteurs du pays de Grasse.",
        )
        for year in range(rng.choice([0, 0, 1, 2, 3])):
            services.add_reference(
                actor=DEMO,
                structure=structure,
                client=rng.choice(
                    ["Commune de Grasse", "Département des Alpes-Maritimes", "Hôpital de Grasse"]
                ),
                year=2020 + year,
                text="Prestation réalisée dans les délais, reconduite l'année suivante.",
            )


def _ledger(agglo: Structure, year: int, rng: random.Random) -> None:
    known = list(
        Structure.objects.filter(territory=agglo.territory).exclude(siret="").exclude(pk=agglo.pk)[:25]
    )
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(["siret", "fournisseur", "montant", "date", "objet", "heures_insertion", "code_commune"])
    for n in range(80):
        day = dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(360))
        if known and n % 3 == 0:
            s = rng.choice(known)
            writer.writerow(
                [
                    s.siret,
                    s.name,
                    f"{rng.randrange(500, 40000)},00",
                    f"{day:%d/%m/%Y}",
                    "Prestation",
                    rng.choice([0, 0, 35, 120]),
                    "",
                ]
            )
        else:
            writer.writerow(
                [
                    fictitious_siret(1000 + n),
                    f"Entreprise {n + 1}",
                    f"{rng.randrange(200, 90000)},00",
                    f"{day:%d/%m/%Y}",
                    "Fournitures",
                    0,
                    rng.choice(["06069", "06088", "13055", ""]),
                ]
            )
    services.import_ledger(actor=DEMO, buyer=agglo, year=year, data=out.getvalue().encode("utf-8"))


def _answer(need: Need, rng: random.Random) -> None:
    for n, recipient in enumerate(Recipient.objects.filter(need=need).order_by("rank")[:4]):
        interested = n % 3 != 2
        services.answer_need(
            actor=DEMO,
            need=need,
            structure=recipient.structure,
            answer="interested" if interested else "not_interested",
            message="Déjà réalisé pour une commune voisine ; devis sous huit jours." if interested else "",
            reason="" if interested else "Notre équipe est complète jusqu'à l'automne.",
        )


def load(*, today: dt.date, context: dict[str, Any], **_: Any) -> None:
    territory = Territory.objects.filter(slug="pays-de-grasse").first()
    agglo = Structure.objects.filter(slug="service-des-achats-de-l-agglomeration").first()
    if territory is None or agglo is None or Need.objects.filter(territory=territory).exists():
        return
    rng = random.Random(15)
    town, _user = _town(territory, context)
    _offers(territory, {agglo.pk, town.pk}, rng)
    buyers = {"agglo": agglo, "town": town}
    communes = {c.insee_code: c for c in Commune.objects.filter(territories=territory)}
    for key, buyer, kind, offer_type, title, sectors, commune, reserved, hours, final in NEEDS:
        need = services.create_need(
            actor=DEMO,
            buyer=buyers[buyer],
            today=today,
            kind=kind,
            offer_type=offer_type,
            title=title,
            description=f"{title}. Le cahier des charges précise le rythme, les lieux et les attentes.\n\n"
            "Les structures de l'ESS du territoire sont encouragées à répondre, seules ou en groupement.",
            sectors=sectors,
            commune=communes.get(commune),
            reserved=reserved,
            clause_hours=hours,
            amount_min=Decimal(5000),
            amount_max=Decimal(60000),
            deadline=today + dt.timedelta(days=30),
            anonymous=buyer == "agglo",
        )
        if final == "draft":
            continue
        services.submit_need(actor=DEMO, need=need, today=today)
        if final == "submitted":
            continue
        services.validate_need(actor=DEMO, need=need)
        if final == "validated":
            continue
        try:
            services.send_next_batch(actor=DEMO, need=need)
        except ValidationError:  # a demo directory without a matching supplier: the need stays validated
            continue
        _answer(need, rng)
        if final == "awarded":
            winner = Recipient.objects.filter(need=need, answer="interested").order_by("rank").first()
            if winner is not None:
                services.record_outcome(
                    actor=DEMO,
                    need=need,
                    contract_followed=True,
                    supplier=winner.structure,
                    amount=Decimal(38000 if key == "espaces" else 52000),
                    clause_hours=hours or 600,
                    notified_on=today - dt.timedelta(days=3),
                    duration_months=24,
                    cpv=CPV[key],
                    today=today,
                )
    _ledger(agglo, today.year - 1, rng)
    _shortlist_document_and_proposal(territory, agglo)


def _shortlist_document_and_proposal(territory: Territory, agglo: Structure) -> None:
    """Nadia keeps the green-space suppliers she found in a list; one supplier joined its quote to its
    answer; a supplier's manager rewrote its offer, waiting for the animation's reading."""
    green = (
        Structure.objects.filter(
            territory=territory,
            supplier_offer__isnull=False,
            sectors__sector__in=["environnement", "proprete"],
        )
        .exclude(pk=agglo.pk)
        .distinct()
        .order_by("name")[:4]
    )
    if green:
        services.create_shortlist(
            actor=DEMO, buyer=agglo, name="Espaces verts et propreté", suppliers=[s.pk for s in green]
        )
    answered = (
        Recipient.objects.filter(need__buyer=agglo, answer="interested", need__status="sent")
        .order_by("need__pk", "rank")
        .first()
    )
    if answered is not None:
        services.answer_need(
            actor=DEMO,
            need=answered.need,
            structure=answered.structure,
            answer="interested",
            message=answered.message,
            document=SimpleUploadedFile(
                "devis-indicatif.txt",
                "Devis indicatif : 4 passages par an, 6 salariés en insertion, 9 800 € HT.".encode(),
                "text/plain",
            ),
        )
    manager = (
        Membership.objects.filter(
            structure__territory=territory,
            structure__supplier_offer__isnull=False,
            role=Membership.Role.MANAGER,
        )
        .exclude(structure_id=agglo.pk)
        .select_related("structure__supplier_offer", "user")
        .order_by("structure__name")
        .first()
    )
    if manager is not None:
        offer = manager.structure.supplier_offer
        services.record_offer_proposal(
            actor=DEMO,
            structure=manager.structure,
            author=manager.user,
            data={
                "offer_types": offer.offer_types,
                "summary": f"{offer.summary} Nouveau : un atelier de réparation ouvert aux collectivités.",
                "perimeter": offer.perimeter,
                "radius_km": offer.radius_km,
                "communes": [],
                "staff": offer.staff,
                "turnover_band": offer.turnover_band,
                "labels": list(offer.labels),
            },
        )
