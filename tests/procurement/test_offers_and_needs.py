"""Supplier offers and needs: who may write them, the need's machine and log, French refusals with nothing
written."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from maillage.core.actors import SYSTEM
from maillage.core.machines import TransitionError, history
from maillage.procurement import services
from maillage.procurement.models import ClientReference, Need, NeedAttachment, NeedTransition, SupplierOffer
from tests.procurement.factories import need, need_data, supplier

pytestmark = pytest.mark.django_db


def test_a_manager_saves_the_offer_and_a_reference(structure, manager, animator):
    proposal = services.save_offer(
        actor=manager,
        structure=structure,
        offer_types=["goods", "services"],
        perimeter="radius",
        radius_km=30,
        staff=12,
        labels=["Ecocert", " "],
    )
    assert not SupplierOffer.objects.exists()  # a manager's edit waits for the moderation
    services.decide_offer_proposal(actor=animator, proposal=proposal, accept=True)
    offer = SupplierOffer.objects.get(structure=structure)
    assert (
        offer.offer_type_list == ["goods", "services"]
        and offer.radius_km == 30
        and offer.labels == ["Ecocert"]
    )
    services.add_reference(
        actor=manager, structure=structure, client="Ville de Grasse", year=2024, text="Tonte"
    )
    assert ClientReference.objects.filter(offer=offer).count() == 1
    offer.refresh_from_db()
    assert offer.references_count == 1
    services.remove_reference(actor=manager, reference=offer.references.get())
    offer.refresh_from_db()
    assert offer.references_count == 0


@pytest.mark.parametrize("who", ["member", "manager_other", "animator_other"])
def test_only_managers_and_the_animation_edit_an_offer(request, structure, who):
    with pytest.raises(PermissionDenied, match="gestionnaires de la structure"):
        services.save_offer(actor=request.getfixturevalue(who), structure=structure, offer_types=["goods"])
    assert not SupplierOffer.objects.exists()


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"offer_types": []}, "offer_types", "au moins un type d'offre"),
        ({"offer_types": ["weapons"]}, "offer_types", "au moins un type d'offre"),
        ({"perimeter": "radius"}, "radius_km", "rayon entre 1 et 1 000 km"),
        ({"perimeter": "communes"}, "communes", "au moins une commune"),
        ({"staff": -1}, "staff", "négatif"),
    ],
)
def test_a_bad_offer_is_refused_in_french(structure, manager, kwargs, field, message):
    data = {"offer_types": ["goods"]} | kwargs
    with pytest.raises(ValidationError) as exc:
        services.save_offer(actor=manager, structure=structure, **data)
    assert message in " ".join(exc.value.message_dict[field])
    assert not SupplierOffer.objects.exists()


def test_a_reference_in_the_future_is_refused(structure, manager):
    services.save_offer(actor=SYSTEM, structure=structure, offer_types=["goods"])
    with pytest.raises(ValidationError, match="L'année doit être comprise"):
        services.add_reference(actor=manager, structure=structure, client="X", year=2999, text="Y")
    assert not ClientReference.objects.exists()


def test_a_need_goes_through_its_statuses_with_a_log(structure, manager, animator):
    item = services.create_need(actor=manager, buyer=structure, **need_data())
    services.submit_need(actor=manager, need=item)
    services.validate_need(actor=animator, need=item)
    supplier(structure.territory, name="Jardins solidaires")
    services.send_next_batch(actor=manager, need=item)
    services.close_need(actor=manager, need=item)
    assert [(log.from_state, log.to_state) for log in history(item)] == [
        ("", "draft"),
        ("draft", "submitted"),
        ("submitted", "validated"),
        ("validated", "sent"),
        ("sent", "closed"),
    ]
    assert NeedTransition.objects.filter(need=item, to_state="validated").get().actor == animator


def test_the_animation_sends_a_need_back_with_a_reason(structure, manager, animator):
    item = need(structure, status="submitted")
    with pytest.raises(ValidationError):
        services.return_need(actor=animator, need=item, note=" ")
    services.return_need(actor=animator, need=item, note="Précisez le lieu.")
    item.refresh_from_db()
    assert item.status == "draft" and list(history(item))[-1].note == "Précisez le lieu."


def test_a_buyer_cannot_validate_its_own_need(structure, manager):
    item = need(structure, status="submitted")
    with pytest.raises(PermissionDenied, match="Seule l'animation"):
        services.validate_need(actor=manager, need=item)
    item.refresh_from_db()
    assert item.status == "submitted"


def test_a_move_the_machine_does_not_allow_is_refused(structure, animator):
    item = need(structure)
    with pytest.raises(TransitionError):
        services.validate_need(actor=animator, need=item)
    assert Need.objects.get().status == "draft"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"deadline": dt.date(2020, 1, 1)}, "deadline", "déjà passée"),
        (
            {"amount_min": Decimal(5000), "amount_max": Decimal(1000)},
            "amount_max",
            "supérieur ou égal au montant minimum",
        ),
        ({"amount_min": Decimal(-1)}, "amount_min", "négatif"),
        ({"title": " "}, "title", "Donnez un titre"),
        ({"sectors": ["inconnu"]}, "sectors", "secteurs parmi la liste"),
        ({"reserved": "L9999"}, "reserved", "marché réservé"),
        ({"kind": "enchere"}, "kind", "type de besoin"),
    ],
)
def test_a_bad_need_is_refused_in_french_and_nothing_is_written(
    structure, manager, overrides, field, message
):
    with pytest.raises(ValidationError) as exc:
        services.create_need(actor=manager, buyer=structure, **need_data(**overrides))
    assert message in " ".join(exc.value.message_dict[field])
    assert not Need.objects.exists() and not NeedTransition.objects.exists()


def test_a_start_before_the_deadline_is_refused(structure, manager):
    deadline = timezone.localdate() + dt.timedelta(days=10)
    with pytest.raises(ValidationError, match="commencer avant la date limite"):
        services.create_need(
            actor=manager,
            buyer=structure,
            **need_data(deadline=deadline, start_date=deadline - dt.timedelta(days=1)),
        )


def test_a_member_who_is_not_a_manager_cannot_post_a_need(structure, member):
    with pytest.raises(PermissionDenied, match="gestionnaires de la structure acheteuse"):
        services.create_need(actor=member, buyer=structure, **need_data())
    assert not Need.objects.exists()


def test_an_attachment_goes_through_the_upload_checks(structure, manager, settings):
    item = need(structure)
    services.add_attachment(
        actor=manager, need=item, file=SimpleUploadedFile("cdc.txt", b"Cahier des charges")
    )
    forged = SimpleUploadedFile("cdc.pdf", b"MZ\x90\x00 not a pdf at all", content_type="application/pdf")
    with pytest.raises(ValidationError):
        services.add_attachment(actor=manager, need=item, file=forged)
    settings.MAILLAGE_UPLOAD_MAX_BYTES = 10
    with pytest.raises(ValidationError):
        services.add_attachment(actor=manager, need=item, file=SimpleUploadedFile("big.txt", b"x" * 100))
    assert NeedAttachment.objects.count() == 1


def test_a_need_past_its_deadline_cannot_be_submitted(structure):
    item = need(structure)
    with pytest.raises(ValidationError, match="date limite de réponse est passée"):
        services.submit_need(actor=SYSTEM, need=item, today=item.deadline + dt.timedelta(days=1))
    assert Need.objects.get().status == "draft"
