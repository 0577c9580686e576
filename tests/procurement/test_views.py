"""Pages of procurement through the test client: the supplier search's reserved facet and export, a buyer's
need page with the explained scores, the answer page refusing a structure the need was not sent to, the
offer form's French errors, personal data."""

from __future__ import annotations

import pytest
from django.test import Client

from maillage.core.actors import SYSTEM
from maillage.procurement import services
from maillage.procurement.models import Need, OfferProposal, Recipient, Shortlist, SupplierOffer
from maillage.procurement.services import privacy
from tests.factories import MembershipFactory, UserFactory
from tests.procurement.factories import need, need_data, supplier

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_supplier_search_filters_on_reserved_eligibility_and_exports(structure):
    supplier(structure.territory, name="Chantier des Baous", inclusion_kind="ACI")
    supplier(structure.territory, name="ESAT du Plan", inclusion_kind="ESAT")
    response = Client().get("/achats/fournisseurs/?reserved=L2113-13")
    body = response.content.decode()
    assert "Chantier des Baous" in body and "ESAT du Plan" not in body
    export = Client().get("/achats/fournisseurs/?reserved=L2113-12&format=csv")
    assert export.status_code == 200
    text = export.content.decode("utf-8-sig")
    assert "ESAT du Plan" in text and "Chantier des Baous" not in text


def test_the_buyer_sees_each_recipient_with_the_parts_of_its_score(structure, member):
    supplier(structure.territory, name="Jardins solidaires")
    item = need(structure, status="sent")
    body = client_for(member).get(f"/achats/besoins/{item.pk}/").content.decode()
    assert "Jardins solidaires" in body and "Secteur commun : Espaces verts et environnement." in body
    assert "1 envoyé(s), 0 ouvert(s)" in body


def test_a_manager_of_another_structure_cannot_answer_for_it(structure):
    sent_to = supplier(structure.territory, name="Reçu")
    item = need(structure, status="sent")
    recipient = Recipient.objects.get(need=item, structure=sent_to)
    stranger = UserFactory(email="intrus@example.org")
    MembershipFactory(user=stranger, structure=supplier(structure.territory, name="Intrus"), role="manager")
    client = client_for(stranger)
    assert client.get(f"/achats/reponses/{recipient.pk}/").status_code == 404
    response = client.post(f"/achats/reponses/{recipient.pk}/", {"answer": "interested", "message": "Moi !"})
    assert response.status_code == 404
    recipient.refresh_from_db()
    assert recipient.answer == "" and recipient.opened_at is None


def test_the_need_form_shows_the_french_error_and_writes_nothing(structure, manager):
    data = need_data(deadline="2020-01-01") | {"buyer": structure.pk, "sectors": ["environnement"]}
    response = client_for(manager).post("/achats/besoins/nouveau/", data)
    assert response.status_code == 200
    assert "La date limite de réponse est déjà passée" in response.content.decode()
    assert not Need.objects.exists()


def test_the_offer_form_saves_and_refuses_in_french(structure, manager):
    client = client_for(manager)
    url = f"/achats/offre/{structure.slug}/"
    bad = client.post(url, {"form": "offer", "offer_types": ["goods"], "perimeter": "radius"})
    assert "Indiquez un rayon entre 1 et 1 000 km." in bad.content.decode()
    good = client.post(
        url, {"form": "offer", "offer_types": ["goods"], "perimeter": "department", "staff": "4"}
    )
    assert good.status_code == 302
    assert not SupplierOffer.objects.filter(structure=structure).exists()  # waits for the moderation
    page = client.get(url).content.decode()
    assert "attend la relecture de l'animation" in page
    assert OfferProposal.objects.get(structure=structure).data["staff"] == 4


def test_personal_data_is_exported_and_unlinked(structure, manager):
    seller = supplier(structure.territory, name="Jardins")
    boss = UserFactory(email="j@example.org")
    MembershipFactory(user=boss, structure=seller, role="manager")
    item = services.create_need(actor=manager, buyer=structure, **need_data())
    services.submit_need(actor=SYSTEM, need=item)
    services.validate_need(actor=SYSTEM, need=item)
    services.send_next_batch(actor=SYSTEM, need=item)
    services.answer_need(actor=boss, need=item, structure=seller, answer="not_interested", reason="Complet")
    assert privacy.export_person(manager)["besoins_rediges"][0]["titre"] == item.title
    assert privacy.export_person(boss)["reponses"][0]["motif"] == "Complet"
    services.create_shortlist(actor=manager, buyer=structure, name="Jardiniers", suppliers=[seller.pk])
    services.save_offer(actor=boss, structure=seller, offer_types=["goods"])
    assert privacy.export_person(manager)["listes_de_fournisseurs"][0]["nom"] == "Jardiniers"
    assert privacy.export_person(boss)["modifications_d_offre_proposees"][0]["statut"] == "en attente"
    privacy.erase_person(boss)
    privacy.erase_person(manager)
    assert Need.objects.get().author is None and Recipient.objects.get().answered_by is None
    assert Shortlist.objects.get().author is None and OfferProposal.objects.get().author is None
