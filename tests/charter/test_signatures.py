"""Signatures and re-signing: one active signature per structure and version, withdrawal, the log,
invitations when a new version is adopted, the public list's « signataire de la v1 — n'a pas encore signé
la v2 »."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction

from maillage.charter import services
from maillage.charter.models import Signature, SignatureTransition, VersionStatus
from maillage.charter.selectors import signatories, signatory_structure_ids
from tests.charter.factories import SignatureFactory, VersionFactory, adopted_version
from tests.factories import MembershipFactory, StructureFactory, TerritoryFactory, UserFactory

pytestmark = pytest.mark.django_db


def sign(actor, version, structure, **extra):
    data = {"signer_name": "Camille Martin", "signer_role": "présidente", "commitment": True, **extra}
    return services.sign_charter(actor=actor, version=version, structure=structure, **data)


def test_a_manager_signs_for_the_structure_and_the_act_is_logged(territory, structure, manager):
    version = adopted_version(territory)
    signature = sign(manager, version, structure)
    assert signature.is_active and signature.signed_by == manager
    assert signature.ceremony is None
    assert list(SignatureTransition.objects.values_list("to_state", "actor")) == [("active", manager.pk)]
    assert list(signatory_structure_ids(territory)) == [structure.pk]


# --- bad input (the list): a French message, nothing changed ------------------------------------


def test_signing_twice_is_refused(territory, structure, manager):
    version = adopted_version(territory)
    sign(manager, version, structure)
    with pytest.raises(ValidationError) as error:
        sign(manager, version, structure)
    assert "a déjà signé la version 1" in error.value.messages[0]
    assert Signature.objects.count() == 1 and SignatureTransition.objects.count() == 1


def test_signing_for_a_structure_one_does_not_manage_is_refused(territory, structure, member, manager_other):
    version = adopted_version(territory)
    for person in (member, manager_other):
        with pytest.raises(PermissionDenied, match="Seuls les gestionnaires"):
            sign(person, version, structure)
    assert not Signature.objects.exists()


@pytest.mark.parametrize("status", [VersionStatus.DRAFT, VersionStatus.OPEN, VersionStatus.SUPERSEDED])
def test_signing_a_version_that_is_not_adopted_is_refused(territory, structure, manager, status):
    version = adopted_version(territory, status=status)
    with pytest.raises(ValidationError, match="n'est pas la version adoptée"):
        sign(manager, version, structure)
    assert not Signature.objects.exists()


def test_signing_without_the_commitment_or_a_name_is_refused(territory, structure, manager):
    version = adopted_version(territory)
    with pytest.raises(ValidationError, match="Cochez la case"):
        sign(manager, version, structure, commitment=False)
    with pytest.raises(ValidationError, match="obligatoire"):
        sign(manager, version, structure, signer_name="  ")
    assert not Signature.objects.exists()


def test_a_structure_of_another_territory_cannot_sign(territory, other_territory):
    version = adopted_version(territory)
    outsider = StructureFactory(territory=other_territory)
    person = UserFactory()
    MembershipFactory(user=person, structure=outsider)
    with pytest.raises(ValidationError, match="n'appartient pas au territoire"):
        sign(person, version, outsider)


def test_the_database_keeps_one_active_signature_per_structure_and_version(territory, structure):
    version = adopted_version(territory)
    SignatureFactory(version=version, structure=structure)
    SignatureFactory(version=version, structure=structure, status="withdrawn")  # withdrawn ones may pile up
    with pytest.raises(IntegrityError), transaction.atomic():
        SignatureFactory(version=version, structure=structure)


def test_the_sign_page_shows_errors_and_signs_nothing(client, territory, structure, manager):
    version = adopted_version(territory)
    client.force_login(manager)
    response = client.post(
        f"/charte/v{version.number}/signer/",
        {"structure": structure.pk, "signer_name": "Camille", "signer_role": "présidente"},
    )
    assert response.status_code == 200
    assert "Cochez la case" in response.content.decode()
    assert not Signature.objects.exists()
    response = client.post(
        f"/charte/v{version.number}/signer/",
        {
            "structure": structure.pk,
            "signer_name": "Camille",
            "signer_role": "présidente",
            "commitment": "on",
        },
    )
    assert response.status_code == 302
    assert Signature.objects.get().signer_name == "Camille"


def test_the_sign_page_refuses_a_structure_the_person_does_not_manage(
    client, territory, structure, manager_other
):
    version = adopted_version(territory)
    client.force_login(manager_other)
    response = client.post(
        f"/charte/v{version.number}/signer/",
        {"structure": structure.pk, "signer_name": "X", "signer_role": "Y", "commitment": "on"},
    )
    assert "Vous ne gérez pas cette structure." in response.content.decode()
    assert not Signature.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_concurrent_double_submit_creates_one_signature():
    territory = TerritoryFactory(slug="concurrence")
    structure = StructureFactory(territory=territory)
    person = UserFactory()
    MembershipFactory(user=person, structure=structure)
    version = adopted_version(territory)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def submit() -> None:
        try:
            barrier.wait(timeout=10)
            sign(person, version, structure)
            outcomes.append("signed")
        except ValidationError as error:
            outcomes.append(error.messages[0])
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes)[1] == "signed"
    assert "a déjà signé" in sorted(outcomes)[0]
    assert Signature.objects.count() == 1
    assert SignatureTransition.objects.count() == 1


# --- withdrawal ---------------------------------------------------------------------------------------


def test_a_manager_withdraws_with_a_reason_logged(territory, structure, manager):
    version = adopted_version(territory)
    signature = sign(manager, version, structure)
    with pytest.raises(ValidationError, match="raison du retrait"):
        services.withdraw_signature(actor=manager, signature=signature, reason=" ")
    signature.refresh_from_db()
    assert signature.is_active
    services.withdraw_signature(
        actor=manager, signature=signature, reason="La structure se retire du réseau."
    )
    signature.refresh_from_db()
    assert (
        signature.status == "withdrawn" and signature.withdrawal_reason == "La structure se retire du réseau."
    )
    assert list(SignatureTransition.objects.values_list("to_state", flat=True)) == ["active", "withdrawn"]
    with pytest.raises(ValidationError, match="déjà été retirée"):
        services.withdraw_signature(actor=manager, signature=signature, reason="encore")
    # After a withdrawal the structure may sign again.
    assert sign(manager, version, structure).is_active


def test_withdrawing_someone_elses_signature_is_refused(territory, structure, manager, member, animator):
    signature = sign(manager, adopted_version(territory), structure)
    with pytest.raises(PermissionDenied):
        services.withdraw_signature(actor=member, signature=signature, reason="non")
    services.withdraw_signature(actor=animator, signature=signature, reason="Structure dissoute")


def test_the_withdraw_page(client, territory, structure, manager):
    signature = sign(manager, adopted_version(territory), structure)
    client.force_login(manager)
    response = client.post(f"/charte/signatures/{signature.pk}/retirer/", {"reason": ""})
    assert "Indiquez la raison du retrait." in response.content.decode()
    response = client.post(f"/charte/signatures/{signature.pk}/retirer/", {"reason": "Changement de projet"})
    assert response.status_code == 302
    signature.refresh_from_db()
    assert signature.status == "withdrawn"


# --- re-signing ---------------------------------------------------------------------------------------


def test_adopting_a_new_version_invites_the_previous_signatories(
    territory, structure, manager, animator, mailoutbox, django_capture_on_commit_callbacks
):
    v1 = adopted_version(territory)
    sign(manager, v1, structure)
    withdrawn = StructureFactory(territory=territory, name="Partie")
    other_manager = UserFactory(email="partie@example.org")
    MembershipFactory(user=other_manager, structure=withdrawn)
    services.withdraw_signature(
        actor=other_manager, signature=sign(other_manager, v1, withdrawn), reason="Départ"
    )
    v2 = services.create_version(actor=animator, territory=territory)
    services.transition_version(actor=animator, version=v2, to_status="open")
    with django_capture_on_commit_callbacks(execute=True):
        services.transition_version(actor=animator, version=v2, to_status="adopted")
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["gestionnaire@example.org"]
    assert "version 2" in message.subject
    body = message.body
    assert "https://ess.paysdegrasse.test/charte/v2/signer/?structure=" in body  # the territory's address
    assert "/charte/comparer/?de=1&a=2" in body


def test_the_invitation_link_opens_a_page_and_does_not_sign(client, territory, structure, manager):
    version = adopted_version(territory)
    client.force_login(manager)
    response = client.get(f"/charte/v{version.number}/signer/?structure={structure.slug}")
    assert response.status_code == 200
    assert f'<option value="{structure.pk}" selected>' in response.content.decode()
    assert not Signature.objects.exists()


def test_the_public_list_shows_the_latest_version_each_structure_signed(client, territory, animator):
    v1 = adopted_version(territory)
    early = StructureFactory(territory=territory, name="Déjà re-signée")
    late = StructureFactory(territory=territory, name="Pas encore")
    SignatureFactory(version=v1, structure=early)
    SignatureFactory(version=v1, structure=late)
    v2 = services.create_version(actor=animator, territory=territory)
    services.transition_version(actor=animator, version=v2, to_status="open")
    services.transition_version(actor=animator, version=v2, to_status="adopted")
    SignatureFactory(version=v2, structure=early, signer_name="Dominique Roux")
    rows = {r.structure.name: r for r in signatories(territory)}
    assert rows["Déjà re-signée"].latest.version == v2 and rows["Déjà re-signée"].is_current
    assert rows["Pas encore"].latest.version == v1 and not rows["Pas encore"].is_current
    assert list(signatory_structure_ids(territory)) == [early.pk]
    page = client.get("/charte/signataires/").content.decode()
    assert "Signataire de la v1 — <strong>n'a pas encore signé la v2</strong>" in page
    assert "Signataire de la v2" in page
    filtered = client.get("/charte/signataires/?status=previous").content.decode()
    assert "Pas encore" in filtered and "Déjà re-signée" not in filtered


def test_the_structure_history_and_its_certificate(client, territory, structure, manager):
    version = adopted_version(territory)
    sign(manager, version, structure)
    page = client.get(f"/charte/signataires/{structure.slug}/").content.decode()
    assert "Camille Martin, présidente" in page
    response = client.get(f"/charte/signataires/{structure.slug}/attestation-v1.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert client.get(f"/charte/signataires/{structure.slug}/attestation-v2.pdf").status_code == 404


def test_the_csv_export_holds_names_and_roles_only(client, territory, structure, manager):
    sign(manager, adopted_version(territory), structure, signer_name="=HYPERLINK(1)")
    response = client.get("/charte/signataires.csv")
    text = response.content.decode("utf-8-sig")
    assert "Nom de la personne qui a signé,Fonction" in text
    assert "'=HYPERLINK(1)" in text  # formula neutralised by core.exports
    assert "gestionnaire@example.org" not in text


def test_a_withdrawn_signature_leaves_the_public_list(territory, structure, manager):
    signature = sign(manager, adopted_version(territory), structure)
    services.withdraw_signature(actor=manager, signature=signature, reason="Départ")
    assert signatories(territory) == []
    assert VersionFactory._meta.model.objects.count() == 1


def test_the_charter_pdf(client, territory):
    adopted_version(territory)
    response = client.get("/charte/v1/pdf/")
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")


def test_anonymous_pdf_requests_are_rate_limited(client, territory, settings):
    adopted_version(territory)
    for _ in range(20):
        assert client.get("/charte/v1/pdf/").status_code == 200  # served from the cache after the first
    response = client.get("/charte/v1/pdf/")
    assert response.status_code == 429 and "réessayez dans une minute" in response.content.decode()
