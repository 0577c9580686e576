"""Matching (eligibility in the query, the explained score), batched sending without duplicates, answers."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from maillage.actors.taxonomy import INCLUSION_KINDS
from maillage.core.actors import SYSTEM
from maillage.notifications.models import Notification
from maillage.procurement import services
from maillage.procurement.matching import PART_MAX, eligible_suppliers, ranked_matches
from maillage.procurement.models import Recipient
from maillage.procurement.taxonomy import RESERVED_KINDS, Reserved, reservations_of
from tests.factories import MembershipFactory, UserFactory
from tests.procurement.factories import far_commune, need, supplier

pytestmark = pytest.mark.django_db

ALL_KINDS = ["", *INCLUSION_KINDS]


def test_eligibility_is_derived_from_the_inclusion_groups():
    assert RESERVED_KINDS[Reserved.L2113_12] == {"EA", "ESAT"}
    assert RESERVED_KINDS[Reserved.L2113_13] == {"ACI", "AI", "EI", "ETTI", "EITI"}
    assert reservations_of("GEIQ") == [] and reservations_of("") == []


@pytest.mark.parametrize("reserved", ["L2113-12", "L2113-13"])
def test_a_reserved_need_never_reaches_a_non_eligible_structure(structure, reserved):
    """One supplier of every inclusion kind (and none): only the kinds the article names are matched, sent,
    and counted — whatever their score."""
    territory = structure.territory
    for kind in ALL_KINDS:
        supplier(territory, name=f"Fournisseur {kind or 'sans agrément'}", inclusion_kind=kind, staff=50)
    item = need(structure, status="validated", reserved=reserved)
    eligible = {s.inclusion_kind for s in eligible_suppliers(item)}
    assert eligible == RESERVED_KINDS[reserved]
    assert {m.structure.inclusion_kind for m in ranked_matches(item, limit=100)} == RESERVED_KINDS[reserved]
    services.send_next_batch(actor=SYSTEM, need=item, size=100)
    sent = set(Recipient.objects.filter(need=item).values_list("structure__inclusion_kind", flat=True))
    assert sent == RESERVED_KINDS[reserved]


def test_an_open_need_reaches_every_kind(structure):
    for kind in ALL_KINDS:
        supplier(structure.territory, name=f"Fournisseur {kind or 'sans agrément'}", inclusion_kind=kind)
    item = need(structure, status="validated")
    assert {s.inclusion_kind for s in eligible_suppliers(item)} == set(ALL_KINDS)


def test_the_score_is_explained_part_by_part(structure):
    territory = structure.territory
    best = supplier(territory, name="Jardins du Loup", staff=15)
    services.add_reference(actor=SYSTEM, structure=best, client="Grasse", year=2023, text="Tonte")
    weaker = supplier(
        territory, name="Atelier bois", sectors=("batiment",), offer_types=("services",), staff=None
    )
    item = need(structure, status="validated", commune=territory.communes.first())
    matches = ranked_matches(item)
    assert [m.structure for m in matches] == [best, weaker]
    top = {p["key"]: p for p in matches[0].parts}
    assert set(top) == set(PART_MAX) and matches[0].score == sum(p["points"] for p in top.values())
    assert (
        top["sector"]["points"] == 35
        and top["sector"]["why"] == "Secteur commun : Espaces verts et environnement."
    )
    assert top["distance"]["points"] == 20 and "À 0 km" in top["distance"]["why"]
    assert top["capacity"]["points"] == 10 and top["references"]["points"] == 3
    low = {p["key"]: p for p in matches[1].parts}
    assert low["sector"]["points"] == 0 and low["sector"]["why"] == "Aucun secteur commun."
    assert low["capacity"]["why"] == "Effectif non renseigné."


def test_the_perimeter_is_enforced_in_the_query(structure):
    territory = structure.territory
    toulon = far_commune(territory)
    supplier(territory, name="Local dans un rayon", perimeter="radius", radius_km=20)
    national = supplier(territory, name="Partout en France", perimeter="france")
    department = supplier(territory, name="Département 06", perimeter="department")
    item = need(structure, status="validated", commune=toulon)
    assert set(eligible_suppliers(item)) == {national}
    item_grasse = need(structure, status="validated", commune=territory.communes.get(insee_code="06069"))
    assert department in set(eligible_suppliers(item_grasse))


def test_batches_never_mail_a_supplier_twice(structure):
    territory = structure.territory
    suppliers = [supplier(territory, name=f"Fournisseur {n}") for n in range(5)]
    for s in suppliers:
        MembershipFactory(user=UserFactory(email=f"gestion{s.pk}@example.org"), structure=s, role="manager")
    item = need(structure, status="validated")
    first = services.send_next_batch(actor=SYSTEM, need=item, size=3)
    second = services.send_next_batch(actor=SYSTEM, need=item, size=3)
    assert len(first) == 3 and len(second) == 2
    assert not {r.structure_id for r in first} & {r.structure_id for r in second}
    with pytest.raises(ValidationError, match="tous ont déjà reçu ce besoin"):
        services.send_next_batch(actor=SYSTEM, need=item)
    assert Recipient.objects.filter(need=item).count() == 5
    assert Notification.objects.filter(kind="procurement_need_received").count() == 5
    item.refresh_from_db()
    assert item.status == "sent"


def test_a_structure_without_a_manager_is_mailed_at_its_public_address(
    structure, django_capture_on_commit_callbacks
):
    supplier(structure.territory, name="Sans compte", public_email="contact@sans-compte.example")
    item = need(structure, status="validated")
    with django_capture_on_commit_callbacks(execute=True):
        services.send_next_batch(actor=SYSTEM, need=item)
    recipient = Recipient.objects.get(need=item)
    assert recipient.sent_at is not None
    assert recipient.mail_state == "sent" and recipient.mail_label == "envoyé"
    [message] = [m for m in mail.outbox if "contact@sans-compte.example" in m.to]
    assert "demandez la gestion de la fiche" in message.body
    assert Notification.objects.count() == 0


def test_a_need_not_validated_cannot_be_sent(structure, manager):
    supplier(structure.territory, name="Fournisseur")
    item = need(structure, status="submitted")
    with pytest.raises(ValidationError, match="Seul un besoin validé"):
        services.send_next_batch(actor=manager, need=item)
    assert not Recipient.objects.exists()


def test_a_supplier_answers_and_the_buyer_is_told(structure, manager):
    seller = supplier(structure.territory, name="Jardins solidaires")
    boss = UserFactory(email="jardins@example.org")
    MembershipFactory(user=boss, structure=seller, role="manager")
    item = need(structure, status="sent")
    with pytest.raises(ValidationError, match="Présentez en quelques lignes"):
        services.answer_need(actor=boss, need=item, structure=seller, answer="interested", message=" ")
    recipient = services.answer_need(
        actor=boss, need=item, structure=seller, answer="interested", message="Devis sous huit jours."
    )
    assert recipient.answer == "interested" and recipient.answered_by == boss
    told = Notification.objects.get(kind="procurement_answer_received")
    assert told.user == manager and "Jardins solidaires a répondu" in told.title


def test_a_supplier_answering_a_need_not_sent_to_it_is_refused(structure):
    sent_to = supplier(structure.territory, name="Reçu")
    other = supplier(structure.territory, name="Pas reçu", sectors=("culture",), offer_types=("goods",))
    boss = UserFactory(email="pasrecu@example.org")
    MembershipFactory(user=boss, structure=other, role="manager")
    item = need(structure, status="sent")
    assert list(Recipient.objects.filter(need=item).values_list("structure", flat=True)) == [sent_to.pk]
    with pytest.raises(PermissionDenied, match="n'a pas été envoyé à cette structure"):
        services.answer_need(
            actor=boss, need=item, structure=other, answer="interested", message="Nous aussi !"
        )
    assert not Recipient.objects.filter(structure=other).exists()


def test_a_member_who_is_not_a_manager_cannot_answer(structure, member):
    buyer = supplier(structure.territory, name="Acheteur", sectors=("culture",), offer_types=("goods",))
    services.save_offer(actor=SYSTEM, structure=structure, offer_types=["services"], perimeter="france")
    item = need(buyer, status="sent", sectors=[])
    with pytest.raises(PermissionDenied):
        services.answer_need(
            actor=member, need=item, structure=structure, answer="not_interested", reason="Non"
        )
    assert Recipient.objects.get(need=item, structure=structure).answer == ""
