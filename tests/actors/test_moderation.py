"""The moderator role moderates the directory: the queue, proposed edits, claims, and the mails they send."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from maillage.actors import services
from maillage.actors.models import EditProposal, ManagementRequest, Membership, Structure
from tests.conftest import with_totp
from tests.factories import StructureFactory, TerritoryRoleFactory, UserFactory


@pytest.fixture
def moderator(territory):
    user = UserFactory(email="moderatrice@example.org", first_name="Mona", last_name="Dératrice")
    TerritoryRoleFactory(user=user, territory=territory, role="moderator")
    return with_totp(user)


@pytest.fixture
def moderated(territory):
    territory.settings = {"moderate_manager_edits": True}
    territory.save()
    return territory


def test_moderator_opens_the_moderation_page_and_sees_it_in_the_menu(moderator, member, client):
    client.force_login(moderator)
    response = client.get("/structures/moderation/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Modération de l'annuaire" in page
    # imports stay with the animation
    assert "/structures/import/" not in page
    home = client.get("/structures/").content.decode()
    assert 'href="/structures/moderation/"' in home
    client.force_login(member)
    assert client.get("/structures/moderation/").status_code == 403
    assert 'href="/structures/moderation/"' not in client.get("/structures/").content.decode()


def test_moderator_accepts_a_proposed_edit_and_the_proposer_is_mailed(
    moderated, moderator, manager, structure, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        proposal = services.update_structure(actor=manager, structure=structure, data={"name": "Nouveau nom"})
    assert isinstance(proposal, EditProposal)
    assert ["moderatrice@example.org"] in [m.to for m in mail.outbox]
    mail.outbox.clear()
    client.force_login(moderator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/structures/moderation/modification/{proposal.pk}/", {"accept": "1"})
    assert response.status_code == 302
    structure.refresh_from_db()
    assert structure.name == "Nouveau nom"
    [sent] = mail.outbox
    assert sent.to == ["gestionnaire@example.org"]
    assert "acceptées" in sent.body and "Nouveau nom" in sent.subject


def test_refused_edit_is_mailed_too(
    moderated, moderator, manager, structure, django_capture_on_commit_callbacks
):
    proposal = services.update_structure(actor=manager, structure=structure, data={"name": "Autre"})
    with django_capture_on_commit_callbacks(execute=True):
        services.decide_edit_proposal(actor=moderator, proposal=proposal, accept=False)
    assert mail.outbox[-1].to == ["gestionnaire@example.org"]
    assert "pas été retenues" in mail.outbox[-1].body


def test_member_cannot_decide_a_proposed_edit(moderated, manager, member, structure):
    proposal = services.update_structure(actor=manager, structure=structure, data={"name": "Autre"})
    with pytest.raises(PermissionDenied):
        services.decide_edit_proposal(actor=member, proposal=proposal, accept=True)


def test_moderator_publishes_a_pending_record(
    territory, moderator, client, django_capture_on_commit_callbacks
):
    person = UserFactory(email="porteur@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        pending = services.create_structure(actor=person, territory=territory, data={"name": "Projet"})
    assert ["moderatrice@example.org"] in [m.to for m in mail.outbox]
    client.force_login(moderator)
    client.post(f"/structures/moderation/fiche/{pending.pk}/", {"to": "published"})
    pending.refresh_from_db()
    assert pending.status == Structure.Status.PUBLISHED


def test_claim_notifies_managers_and_moderators_and_the_moderator_decides(
    territory, manager, moderator, structure, client, django_capture_on_commit_callbacks
):
    person = UserFactory(email="tresoriere@example.org", first_name="Théa")
    client.force_login(person)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/structures/{structure.slug}/demander-la-gestion/", {"message": "Je suis trésorière"})
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == ["gestionnaire@example.org", "moderatrice@example.org"]
    assert all("Théa" in m.body and person.email not in m.body for m in mail.outbox)
    mail.outbox.clear()
    request = ManagementRequest.objects.get(user=person)
    client.force_login(moderator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/structures/moderation/demande/{request.pk}/", {"accept": "1"})
    assert Membership.objects.get(user=person, structure=structure).role == "manager"
    assert mail.outbox[-1].to == ["tresoriere@example.org"]


def test_claim_on_a_record_without_manager_reaches_the_moderation(
    territory, moderator, animator, django_capture_on_commit_callbacks
):
    orphan = StructureFactory(territory=territory, name="Sans gestionnaire")
    with django_capture_on_commit_callbacks(execute=True):
        services.request_management(actor=UserFactory(), structure=orphan)
    # Each member of the moderation hears it as their own notification (and may mute or digest it).
    assert sorted(m.to for m in mail.outbox) == [["animatrice@example.org"], ["moderatrice@example.org"]]
    assert all("/structures/moderation/" in m.body for m in mail.outbox)


def test_a_moderator_who_chose_never_gets_no_mail_but_still_the_notification(
    territory, moderator, animator, django_capture_on_commit_callbacks
):
    from maillage.actors.services import notices
    from maillage.notifications import services as notifications
    from maillage.notifications.models import Notification

    notifications.set_preferences(actor=moderator, choices={notices.KIND_PENDING: "never"})
    person = UserFactory(email="porteuse@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        pending = services.create_structure(actor=person, territory=territory, data={"name": "Projet muet"})
    assert [m.to for m in mail.outbox] == [["animatrice@example.org"]]
    assert "Projet muet" in mail.outbox[0].subject
    notice = Notification.objects.get(user=moderator, kind=notices.KIND_PENDING)
    assert notice.title == "Nouvelle fiche à vérifier : « Projet muet »" and notice.actor == person
    assert pending.status == Structure.Status.PENDING


def test_an_error_report_reaches_each_moderator_as_a_visitor_notification(
    territory, moderator, structure, django_capture_on_commit_callbacks
):
    from maillage.notifications.models import Notification

    with django_capture_on_commit_callbacks(execute=True):
        services.report_error(structure=structure, message="Le numéro de téléphone a changé.")
    [sent] = mail.outbox
    assert sent.to == ["moderatrice@example.org"] and "téléphone a changé" in sent.body
    notice = Notification.objects.get(user=moderator)
    assert notice.actor is None and notice.actor_label.startswith("Visiteur")


def test_another_member_cannot_decide_a_claim(territory, member, structure):
    request = services.request_management(actor=UserFactory(), structure=structure)
    with pytest.raises(PermissionDenied):
        services.decide_management_request(actor=member, request=request, accept=True)


def test_a_siret_typed_with_spaces_finds_the_existing_record(territory, client):
    existing = StructureFactory(territory=territory, name="Coopérative des Collines", siret="73282932000074")
    client.force_login(UserFactory())
    response = client.post(
        "/structures/inscrire/",
        {"name": "Coopérative des Collines", "family": "cooperative", "siret": "732 829 320 00074"},
    )
    html = response.content.decode()
    assert "Cette structure a déjà une fiche" in html
    assert f"/structures/{existing.slug}/demander-la-gestion/" in html


def test_the_claim_mail_links_managers_to_a_page_they_can_open(
    territory, moderator, manager, structure, client, django_capture_on_commit_callbacks
):
    person = UserFactory(email="tresoriere@example.org", first_name="Théa", last_name="Sorière")
    with django_capture_on_commit_callbacks(execute=True):
        services.request_management(actor=person, structure=structure, message="Je tiens les comptes")
    to_manager = next(m for m in mail.outbox if m.to == ["gestionnaire@example.org"])
    to_moderation = next(m for m in mail.outbox if m.to == ["moderatrice@example.org"])
    claims_path = f"/structures/{structure.slug}/demandes-de-gestion/"
    assert claims_path in to_manager.body and "/structures/moderation/" not in to_manager.body
    assert "/structures/moderation/" in to_moderation.body
    client.force_login(manager)
    assert client.get("/structures/moderation/").status_code == 403
    page = client.get(claims_path)
    assert page.status_code == 200
    assert "Théa Sorière" in page.content.decode() and "Je tiens les comptes" in page.content.decode()
    assert "Demandes de gestion (1)" in client.get(f"/structures/{structure.slug}/").content.decode()
    request = ManagementRequest.objects.get(user=person)
    response = client.post(f"/structures/moderation/demande/{request.pk}/", {"accept": "1"})
    assert response.status_code == 302 and response["Location"] == claims_path
    assert Membership.objects.get(user=person, structure=structure).role == "manager"


def test_the_claims_page_is_closed_to_others(territory, member, structure, client):
    client.force_login(member)
    assert client.get(f"/structures/{structure.slug}/demandes-de-gestion/").status_code == 403


def test_the_moderation_decisions_share_one_view(territory, moderator, member, client):
    pending = StructureFactory(territory=territory, name="En attente", status=Structure.Status.PENDING)
    client.force_login(member)
    assert client.post(f"/structures/moderation/fiche/{pending.pk}/", {"to": "published"}).status_code == 403
    client.force_login(moderator)
    response = client.post(f"/structures/moderation/fiche/{pending.pk}/", {"to": "archived"}, follow=True)
    assert "« En attente » : archivée." in response.content.decode()
    response = client.post(f"/structures/moderation/fiche/{pending.pk}/", {"to": "refused"}, follow=True)
    assert "Cette action n&#x27;est pas possible pour cette fiche." in response.content.decode()


def test_moderator_archives_a_published_structure_from_its_profile_and_publishes_it_again(
    moderator, manager, structure, client
):
    """The profile carries the moderation's archive form (a closed structure leaves the directory at once),
    shown to the moderation only; an archived record can be published again from the same place."""
    assert structure.status == Structure.Status.PUBLISHED
    client.force_login(manager)
    assert "Archiver la fiche" not in client.get(f"/structures/{structure.slug}/").content.decode()
    client.force_login(moderator)
    page = client.get(f"/structures/{structure.slug}/").content.decode()
    assert "Archiver la fiche" in page and "Publier à nouveau" not in page
    response = client.post(
        f"/structures/moderation/fiche/{structure.pk}/", {"to": "archived", "reason": "Structure fermée."}
    )
    assert response.status_code == 302
    structure.refresh_from_db()
    assert structure.status == Structure.Status.ARCHIVED
    assert structure.transitions.last().note == "Structure fermée."
    assert structure.slug not in client.get("/structures/").content.decode()
    page = client.get(f"/structures/{structure.slug}/").content.decode()
    assert "Publier à nouveau la fiche" in page and "Archiver la fiche" not in page
    client.post(f"/structures/moderation/fiche/{structure.pk}/", {"to": "published"})
    structure.refresh_from_db()
    assert structure.status == Structure.Status.PUBLISHED
