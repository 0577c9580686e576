"""A manager's edit of a supplier offer waits for the moderation (the search keeps showing the accepted
offer); the moderation accepts or refuses with a reason, never its own edit. An answer carries a document
through core's upload checks, downloaded only by the buyer, the supplier and the animation."""

from __future__ import annotations

import io

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from pypdf import PdfWriter

from maillage.actors.models import Decision
from maillage.core.actors import SYSTEM
from maillage.procurement import services
from maillage.procurement.models import AnswerDocument, OfferProposal, Recipient
from tests.factories import MembershipFactory, UserFactory
from tests.procurement.factories import need, supplier

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def real_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


HTML_AS_PDF = b"<!DOCTYPE html><html><body><script>fetch('/x')</script>Devis</body></html>\n"


@pytest.fixture
def offer(structure):
    services.save_offer(
        actor=SYSTEM, structure=structure, offer_types=["services"], summary="Collecte de meubles."
    )
    return structure.supplier_offer


def search(client: Client) -> str:
    return client.get("/achats/fournisseurs/").content.decode()


def test_an_edit_waits_and_the_search_shows_the_accepted_offer_until_it_is_accepted(
    structure, manager, animator, offer, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        proposal = services.save_offer(
            actor=manager,
            structure=structure,
            offer_types=["goods"],
            summary="Vente de meubles rénovés.",
            staff=12,
        )
    assert isinstance(proposal, OfferProposal) and proposal.status == Decision.PENDING
    offer.refresh_from_db()
    assert offer.summary == "Collecte de meubles." and offer.offer_type_list == ["services"]
    assert [m.to for m in mail.outbox] == [[animator.email]]
    assert f"/achats/offres/propositions/{proposal.pk}/" in mail.outbox[0].body
    page = search(Client())
    assert "La Ressourcerie du Pays de Grasse" in page and "12 personnes" not in page
    with django_capture_on_commit_callbacks(execute=True):
        services.decide_offer_proposal(actor=animator, proposal=proposal, accept=True)
    offer.refresh_from_db()
    assert offer.summary == "Vente de meubles rénovés." and offer.offer_type_list == ["goods"]
    assert "12 personnes" in search(Client())
    assert [line.to_state for line in proposal.transitions.all()] == ["pending", "accepted"]
    assert manager.email in mail.outbox[-1].to


def test_a_refusal_needs_a_reason_and_keeps_the_offer(structure, manager, animator, offer):
    proposal = services.save_offer(actor=manager, structure=structure, offer_types=["goods"])
    with pytest.raises(ValidationError, match="pourquoi la modification est refusée"):
        services.decide_offer_proposal(actor=animator, proposal=proposal, accept=False)
    proposal.refresh_from_db()
    assert proposal.status == Decision.PENDING
    services.decide_offer_proposal(
        actor=animator, proposal=proposal, accept=False, reason="Biens non vendus."
    )
    proposal.refresh_from_db()
    offer.refresh_from_db()
    assert proposal.status == Decision.REFUSED and proposal.reason == "Biens non vendus."
    assert offer.offer_type_list == ["services"]
    with pytest.raises(ValidationError, match="déjà été traitée"):
        services.decide_offer_proposal(actor=animator, proposal=proposal, accept=True)


def test_nobody_moderates_their_own_edit(structure, animator, offer):
    MembershipFactory(user=animator, structure=structure, role="manager")
    proposal = services.save_offer(actor=animator, structure=structure, offer_types=["goods"])
    assert isinstance(proposal, OfferProposal)  # a manager's edit waits, even an animator's
    with pytest.raises(PermissionDenied, match="votre propre modification"):
        services.decide_offer_proposal(actor=animator, proposal=proposal, accept=True)
    response = client_for(animator).post(
        f"/achats/offres/propositions/{proposal.pk}/", {"decision": "accept"}
    )
    assert "Vous ne pouvez pas modérer votre propre modification" in response.content.decode()
    proposal.refresh_from_db()
    offer.refresh_from_db()
    assert proposal.status == Decision.PENDING and offer.offer_type_list == ["services"]


def test_an_unchanged_edit_is_refused_and_only_the_moderation_decides(
    structure, manager, member, manager_other, animator_other, offer
):
    with pytest.raises(ValidationError, match="Rien n'a changé"):
        services.save_offer(
            actor=manager, structure=structure, offer_types=["services"], summary="Collecte de meubles."
        )
    assert not OfferProposal.objects.exists()
    proposal = services.save_offer(actor=manager, structure=structure, offer_types=["goods"])
    again = services.save_offer(actor=manager, structure=structure, offer_types=["works"])
    assert again.pk == proposal.pk and OfferProposal.objects.count() == 1  # the waiting edit is replaced
    for who in (manager, member, manager_other, animator_other):
        with pytest.raises(PermissionDenied):
            services.decide_offer_proposal(actor=who, proposal=proposal, accept=True)
    assert OfferProposal.objects.get().status == Decision.PENDING


@pytest.fixture
def sent(territory, structure):
    seller = supplier(territory, name="Les Jardins de la Siagne")
    boss = UserFactory(email="lea.jardins@example.org")
    MembershipFactory(user=boss, structure=seller, role="manager")
    item = need(structure, status="sent")
    return Recipient.objects.get(need=item, structure=seller), boss


def test_an_answer_carries_a_private_document(sent, manager, animator, manager_other, animator_other):
    recipient, boss = sent
    services.answer_need(
        actor=boss,
        need=recipient.need,
        structure=recipient.structure,
        answer="interested",
        message="Devis joint.",
        document=SimpleUploadedFile("devis.pdf", real_pdf(), "application/pdf"),
    )
    document = AnswerDocument.objects.get()
    assert document.name == "devis.pdf" and "reponses" in document.file.name
    url = f"/achats/reponses/{recipient.pk}/documents/{document.pk}/"
    for who in (boss, manager, animator):
        response = client_for(who).get(url)
        assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    for who in (manager_other, animator_other):
        assert client_for(who).get(url).status_code == 404
    assert Client().get(url).status_code == 302
    page = client_for(manager).get(f"/achats/besoins/{recipient.need.pk}/").content.decode()
    assert "Télécharger devis.pdf" in page


def test_html_disguised_as_a_pdf_is_refused_and_nothing_changes(sent):
    recipient, boss = sent
    response = client_for(boss).post(
        f"/achats/reponses/{recipient.pk}/",
        {
            "answer": "interested",
            "message": "Devis joint.",
            "document": SimpleUploadedFile("devis.pdf", HTML_AS_PDF, "application/pdf"),
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors["document"]
    assert errors and all("PDF" in e or "page web" in e or "type" in e for e in errors), errors
    recipient.refresh_from_db()
    assert recipient.answer == "" and not AnswerDocument.objects.exists()
