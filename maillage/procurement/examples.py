"""Objects the registry's example-URL builders need, made through the services and idempotent
within a test database: the other manager's structure is a buyer (a validated need « A », a draft need « C »
with a document, a ledger line, a need « B » sent to the example structure); the example structure is a
supplier (its offer)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from maillage.core.actors import system
from maillage.core.registry import ExampleContext
from maillage.procurement import services
from maillage.procurement.models import Need, OfferProposal, Recipient, Shortlist, SupplierOffer

EXAMPLES = system("exemples du registre")


def _need(buyer: Any, title: str, **extra: Any) -> Need:
    need = Need.objects.filter(buyer=buyer, title=title).first()
    if need is None:
        need = services.create_need(
            actor=EXAMPLES,
            buyer=buyer,
            kind="quote",
            offer_type="services",
            title=title,
            description="Entretien des espaces verts de trois écoles.",
            deadline=timezone.localdate() + dt.timedelta(days=30),
            **extra,
        )
    return need


def example_procurement(ctx: ExampleContext) -> dict[str, Any]:
    structure = ctx.structure
    other_manager = ctx.users["manager_other"]
    assert other_manager is not None
    other = other_manager.memberships.get().structure
    if not SupplierOffer.objects.filter(structure=structure).exists():
        services.save_offer(
            actor=EXAMPLES, structure=structure, offer_types=["services"], perimeter="france", staff=4
        )
    need_a = _need(other, "Besoin A")
    if need_a.status == "draft":
        services.submit_need(actor=EXAMPLES, need=need_a)
        services.validate_need(actor=EXAMPLES, need=need_a)
    need_c = _need(other, "Besoin C")
    if not need_c.attachments.exists():
        services.add_attachment(
            actor=EXAMPLES,
            need=need_c,
            file=SimpleUploadedFile("cahier.txt", b"Cahier des charges : tonte, taille.", "text/plain"),
        )
    need_b = _need(other, "Besoin B")
    if need_b.status == "draft":
        services.submit_need(actor=EXAMPLES, need=need_b)
        services.validate_need(actor=EXAMPLES, need=need_b)
        services.send_next_batch(actor=EXAMPLES, need=need_b)
    received = Recipient.objects.get(need=need_b, structure=structure)
    if not other.purchase_lines.exists():
        services.add_purchase(
            actor=EXAMPLES,
            buyer=other,
            year=timezone.localdate().year - 1,
            siret="73282932000074",
            amount=Decimal("1200.00"),
            supplier_name="Fournisseur exemple",
        )
    shortlist = Shortlist.objects.filter(buyer=other, name="Liste exemple").first()
    if shortlist is None:
        shortlist = services.create_shortlist(
            actor=EXAMPLES, buyer=other, name="Liste exemple", suppliers=[structure.pk]
        )
    proposal = OfferProposal.objects.filter(structure=structure).first()
    if proposal is None:
        proposal = services.record_offer_proposal(
            actor=EXAMPLES,
            structure=structure,
            author=None,
            data={"offer_types": ",goods,", "perimeter": "france", "summary": "Nouvelle offre"},
        )
    if not received.documents.exists():
        services.answer_need(
            actor=EXAMPLES,
            need=need_b,
            structure=structure,
            answer="interested",
            message="Nous pouvons le faire.",
            document=SimpleUploadedFile("devis.txt", b"Devis : 1 200 euros HT.", "text/plain"),
        )
    return {
        "need_a": need_a,
        "need_b": need_b,
        "need_c": need_c,
        "received": received,
        "buyer": other,
        "shortlist": shortlist,
        "proposal": proposal,
        "document": received.documents.get(),
    }
