"""Shortlists: a buyer keeps suppliers in named lists, renames, exports and deletes them, and sends a need to
one (each supplier recorded and mailed once, a reserved need still closed to non-eligible structures); another
buyer is refused, in French, with nothing changed."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from maillage.procurement import services
from maillage.procurement.models import Need, Recipient, Shortlist
from tests.factories import MembershipFactory, UserFactory
from tests.procurement.factories import need, supplier

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def sellers(territory):
    return [
        supplier(territory, name="Les Jardins de la Siagne", inclusion_kind="ACI"),
        supplier(territory, name="Atelier du Moulin", sectors=("culture",)),
    ]


def test_a_buyer_keeps_renames_and_deletes_a_shortlist(structure, manager, sellers):
    shortlist = services.create_shortlist(
        actor=manager, buyer=structure, name="  Espaces   verts ", suppliers=[s.pk for s in sellers]
    )
    assert shortlist.name == "Espaces verts" and shortlist.entries.count() == 2
    assert services.add_to_shortlist(actor=manager, shortlist=shortlist, suppliers=[sellers[0].pk]) == 0
    services.rename_shortlist(actor=manager, shortlist=shortlist, name="Entretien des écoles")
    services.remove_from_shortlist(actor=manager, shortlist=shortlist, structure_id=sellers[1].pk)
    assert list(shortlist.entries.values_list("structure__name", flat=True)) == ["Les Jardins de la Siagne"]
    services.delete_shortlist(actor=manager, shortlist=shortlist)
    assert not Shortlist.objects.exists()


@pytest.mark.parametrize(
    ("name", "ids", "message"),
    [
        ("", None, "Donnez un nom à la liste."),
        ("Espaces verts", [], "Cochez au moins un fournisseur"),
        ("x" * 121, None, "au plus 120 caractères"),
    ],
)
def test_a_bad_shortlist_is_refused_in_french(structure, manager, sellers, name, ids, message):
    with pytest.raises(ValidationError, match=message):
        services.create_shortlist(
            actor=manager,
            buyer=structure,
            name=name,
            suppliers=[s.pk for s in sellers] if ids is None else ids,
        )
    assert not Shortlist.objects.exists()


def test_another_buyer_cannot_use_a_shortlist(structure, manager, manager_other, sellers):
    shortlist = services.create_shortlist(
        actor=manager, buyer=structure, name="Mes jardiniers", suppliers=[sellers[0].pk]
    )
    other_buyer = manager_other.memberships.get().structure
    other_need = need(other_buyer, status="validated", sectors=["culture"], offer_type="goods")
    for call in (
        lambda: services.rename_shortlist(actor=manager_other, shortlist=shortlist, name="Volée"),
        lambda: services.delete_shortlist(actor=manager_other, shortlist=shortlist),
        lambda: services.send_to_shortlist(actor=manager_other, need=other_need, shortlist=shortlist),
    ):
        with pytest.raises(PermissionDenied, match="un autre acheteur"):
            call()
    shortlist.refresh_from_db()
    assert shortlist.name == "Mes jardiniers" and not Recipient.objects.filter(need=other_need).exists()
    client = client_for(manager_other)
    assert client.get(f"/achats/listes/{shortlist.pk}/").status_code == 404
    assert client.post(f"/achats/listes/{shortlist.pk}/", {"action": "delete"}).status_code == 404
    assert Shortlist.objects.filter(pk=shortlist.pk).exists()


def test_sending_a_need_to_a_shortlist_records_and_mails_each_supplier_once(
    structure, manager, sellers, django_capture_on_commit_callbacks
):
    for seller in sellers:
        MembershipFactory(user=UserFactory(), structure=seller, role="manager")
    item = need(structure, status="validated", sectors=["culture"], offer_type="goods")
    shortlist = services.create_shortlist(
        actor=manager, buyer=structure, name="Tous", suppliers=[s.pk for s in sellers]
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        sent = services.send_to_shortlist(actor=manager, need=item, shortlist=shortlist)
    assert {r.structure for r in sent} == set(sellers)
    assert all(r.sent_at and r.parts for r in sent)
    assert Need.objects.get(pk=item.pk).status == "sent"
    mails = len(mail.outbox)
    assert mails == 2
    with (
        pytest.raises(ValidationError, match="tous l'ont déjà reçu"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.send_to_shortlist(actor=manager, need=item, shortlist=shortlist)
    assert Recipient.objects.filter(need=item).count() == 2 and len(mail.outbox) == mails


def test_a_reserved_need_never_reaches_a_non_eligible_shortlisted_supplier(structure, manager, sellers):
    item = need(structure, status="validated", reserved="L2113-13")
    shortlist = services.create_shortlist(
        actor=manager, buyer=structure, name="Tous", suppliers=[s.pk for s in sellers]
    )
    sent = services.send_to_shortlist(actor=manager, need=item, shortlist=shortlist)
    assert [r.structure.name for r in sent] == ["Les Jardins de la Siagne"]
    assert not Recipient.objects.filter(structure=sellers[1]).exists()


def test_the_shortlist_pages_keep_export_and_send(structure, manager, sellers):
    client = client_for(manager)
    search = client.get("/achats/fournisseurs/?offer_type=services").content.decode()
    assert "Garder Les Jardins de la Siagne dans une liste" in search
    response = client.post(
        "/achats/listes/",
        {"suppliers": [sellers[0].pk], "name": "Espaces verts", "buyer": structure.pk},
        follow=True,
    )
    assert "La liste « Espaces verts » est créée avec 1 fournisseur(s)." in response.content.decode()
    shortlist = Shortlist.objects.get()
    export = client.get(f"/achats/listes/{shortlist.pk}/?format=csv")
    assert export["Content-Type"].startswith("text/csv")
    assert "Les Jardins de la Siagne" in export.content.decode("utf-8-sig")
    empty = client.post("/achats/listes/", {"name": "Vide", "buyer": structure.pk})
    assert "Cochez au moins un fournisseur de la recherche." in empty.content.decode()
    assert Shortlist.objects.count() == 1
    item = need(structure, status="validated")
    sent = client.post(
        f"/achats/listes/{shortlist.pk}/", {"action": "send", "send-need": item.pk}, follow=True
    )
    assert "est envoyé à 1 fournisseur(s) de la liste" in sent.content.decode()
    assert Recipient.objects.filter(need=item).count() == 1
    renamed = client.post(f"/achats/listes/{shortlist.pk}/", {"action": "rename", "rename-name": ""})
    assert "obligatoire" in renamed.content.decode()
