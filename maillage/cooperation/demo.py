"""The demo of cooperation (order 85, after the directory and the agenda): the second territory, « Vallée
du Loup », gets its own structures and practice sheets; each territory shares a few practices (and the Pays
de Grasse one upcoming Rendez-vous) with the other. Written through the services, idempotent."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from maillage.actors.models import Practice, Structure
from maillage.actors.services import create_structure, save_practice
from maillage.cooperation import services
from maillage.cooperation.models import Share
from maillage.core.actors import system
from maillage.core.models import Territory
from maillage.events.models import Event

DEMO = system("données de démonstration")

# (slug, name, family, commune INSEE code, description, practice title, themes, practice text). Fictitious.
LOUP_STRUCTURES = [
    (
        "epicerie-solidaire-de-la-haute-vallee",
        "Épicerie solidaire de la Haute Vallée",
        "association",
        "06003",
        "Une épicerie associative itinérante qui dessert les hameaux des Préalpes deux fois par semaine.",
        "Une tournée d'épicerie solidaire dans les hameaux",
        ["usagers", "ancrage"],
        "Un camion aménagé passe le mardi et le vendredi dans six hameaux ; les bénévoles prennent les "
        "commandes par téléphone la veille. Les producteurs de la vallée fixent eux-mêmes leurs prix.",
    ),
    (
        "scic-bois-du-loup",
        "SCIC Bois du Loup",
        "cooperative",
        "06028",
        "Une coopérative qui valorise le bois des forêts communales (bois bûche, plaquettes, menuiserie).",
        "Associer les communes au sociétariat d'une SCIC",
        ["gouvernance", "developpement_durable"],
        "Les trois communes sont sociétaires, aux côtés des salariés, des forestiers et des clients. Le "
        "collège des collectivités pèse 20 % des voix : assez pour peser, pas assez pour décider seul.",
    ),
    (
        "atelier-velo-de-seranon",
        "Atelier vélo de Séranon",
        "association",
        "06134",
        "Un atelier d'autoréparation de vélos et de prêt de vélos à assistance électrique.",
        "Prêter des vélos électriques pour aller travailler",
        ["usagers", "developpement_durable"],
        "Des vélos à assistance électrique prêtés un mois, gratuitement, aux personnes qui reprennent un "
        "emploi sans voiture ; l'atelier forme à l'entretien et aide à financer un achat ensuite.",
    ),
    (
        "entraide-paysanne-des-prealpes",
        "Entraide paysanne des Préalpes",
        "association",
        "06003",
        "Un groupement d'employeurs agricoles qui partage des salariés entre fermes de montagne.",
        "",
        [],
        "",
    ),
]
GRASSE_SHARED_PRACTICES = 2  # the first practices of the Pays de Grasse guide, by title


@transaction.atomic
def load(*, today: dt.date, context: dict[str, Any], **_: Any) -> None:
    grasse = context.get("territory") or Territory.objects.filter(slug="pays-de-grasse").first()
    loup = context.get("other_territory") or Territory.objects.filter(slug="vallee-du-loup").first()
    if grasse is None or loup is None:
        return
    for slug, name, family, insee, description, title, themes, body in LOUP_STRUCTURES:
        structure = Structure.objects.filter(territory=loup, slug=slug).first()
        if structure is None:
            structure = create_structure(
                actor=DEMO,
                territory=loup,
                data={"name": name, "family": family, "commune": insee, "description": description},
                slug=slug,
            )
        if title and not Practice.objects.filter(structure=structure, title=title).exists():
            practice = save_practice(actor=DEMO, structure=structure, title=title, themes=themes, body=body)
            if slug != "atelier-velo-de-seranon":  # one practice stays unshared: the animation's choice
                services.share_item(actor=DEMO, territory=loup, practice=practice)
    for practice in Practice.objects.public(grasse)[:GRASSE_SHARED_PRACTICES]:
        if not Share.objects.filter(practice=practice).exists():
            services.share_item(actor=DEMO, territory=grasse, practice=practice)
    event = Event.objects.public_agenda(grasse).upcoming().first()
    if event is not None and not Share.objects.filter(event=event).exists():
        services.share_item(actor=DEMO, territory=grasse, event=event)
