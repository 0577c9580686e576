"""The charter's three machines (version, signature, amendment) on core's: the table refuses a forbidden
move with a French message and changes nothing; every move is logged with who did it (a person, or the
system by name); no service accepts a missing actor; the admin and the example builders write through the
services."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from maillage.charter import services
from maillage.charter.examples import example_charter
from maillage.charter.models import (
    Amendment,
    AmendmentTransition,
    CharterVersion,
    Signature,
    SignatureTransition,
    VersionTransition,
)
from maillage.core.actors import SYSTEM, system
from maillage.core.machines import TransitionError, history, machine_for, transition
from tests.charter.factories import ArticleFactory, CharterFactory, VersionFactory, adopted_version
from tests.conftest import with_totp
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def lines(obj):
    return list(history(obj).values_list("from_state", "to_state", "actor", "actor_label"))


def test_each_stateful_model_has_its_machine_and_log():
    assert machine_for(CharterVersion).log_class() is VersionTransition
    assert machine_for(Signature).log_class() is SignatureTransition
    assert machine_for(Amendment).log_class() is AmendmentTransition


# --- forbidden moves: a French message, nothing changed -----------------------------------------------------


def test_a_forbidden_version_move_says_why_in_french(territory, animator):
    version = VersionFactory(charter=CharterFactory(territory=territory), number=3, status="draft")
    ArticleFactory(version=version)
    with pytest.raises(ValidationError) as error:
        services.transition_version(actor=animator, version=version, to_status="adopted")
    assert error.value.messages == ["La version 3 est brouillon : ce changement n'est pas possible."]
    assert not VersionTransition.objects.exists()


def test_the_machine_itself_refuses_to_bring_back_a_withdrawn_signature(territory, structure, manager):
    signature = services.sign_charter(
        actor=manager,
        version=adopted_version(territory),
        structure=structure,
        signer_name="Camille Martin",
        signer_role="présidente",
        commitment=True,
    )
    services.withdraw_signature(actor=manager, signature=signature, reason="Fin de l'activité.")
    with pytest.raises(TransitionError) as error:
        transition(signature, "active", actor=manager)
    assert error.value.messages == ["Impossible de passer de « retirée » à « signée »."]
    signature.refresh_from_db()
    assert signature.status == "withdrawn"
    assert [line[:2] for line in lines(signature)] == [("", "active"), ("active", "withdrawn")]


def test_an_amendment_is_decided_once(territory, animator, member):
    version = adopted_version(territory, status="open")
    amendment = services.propose_amendment(
        actor=member, version=version, article_id=version.articles.get().pk, text="Nous coopérons ici."
    )
    services.reject_amendment(actor=animator, amendment=amendment, reason="Trop restrictif.")
    with pytest.raises(ValidationError) as error:
        services.accept_amendment(actor=animator, amendment=amendment)
    assert error.value.messages == ["Cet amendement a déjà été tranché."]
    amendment.refresh_from_db()
    assert amendment.status == "rejected"
    assert AmendmentTransition.objects.count() == 2


# --- the log: who, from, to --------------------------------------------------------------------------------


def test_an_amendment_logs_its_author_then_who_decided(territory, animator, member):
    version = adopted_version(territory, status="open")
    amendment = services.propose_amendment(
        actor=member, version=version, article_id=version.articles.get().pk, text="Nous coopérons ici."
    )
    services.accept_amendment(actor=animator, amendment=amendment, reason="Bienvenu.")
    amendment.refresh_from_db()
    assert (amendment.decided_by, amendment.decision_reason) == (animator, "Bienvenu.")
    assert [line[:3] for line in lines(amendment)] == [
        ("", "proposed", member.pk),
        ("proposed", "accepted", animator.pk),
    ]
    assert history(amendment).last().note == "Bienvenu."


def test_the_system_is_named_in_the_log(territory):
    version = services.create_version(actor=system("import du texte"), territory=territory)
    assert lines(version) == [("", "draft", None, "Système (import du texte)")]


def test_no_service_runs_without_an_actor(territory, structure):
    version = adopted_version(territory)
    with pytest.raises(TypeError, match="never None"):
        services.create_version(actor=None, territory=territory)
    with pytest.raises(TypeError, match="never None"):
        services.sign_charter(
            actor=None,
            version=version,
            structure=structure,
            signer_name="Camille Martin",
            signer_role="présidente",
            commitment=True,
        )
    assert not CharterVersion.objects.exclude(pk=version.pk).exists() and not Signature.objects.exists()


def test_only_the_platform_redates_a_version_history(territory, animator):
    version = services.create_version(actor=animator, territory=territory)
    with pytest.raises(PermissionDenied):
        services.date_last_move(actor=animator, version=version, day=dt.date(2025, 1, 1))
    services.date_last_move(actor=SYSTEM, version=version, day=dt.date(2025, 1, 1))
    assert history(version).get().at.date() == dt.date(2025, 1, 1)


# --- the admin writes through the services -----------------------------------------------------------------


def admin_client() -> Client:
    client = Client()
    client.force_login(with_totp(UserFactory(is_staff=True, is_superuser=True)))
    return client


def change_data(version: CharterVersion, **fields: str) -> dict[str, str | int]:
    count = version.transitions.count()
    return {
        "title": version.title,
        "preamble": version.preamble,
        "transitions-TOTAL_FORMS": count,
        "transitions-INITIAL_FORMS": count,
        "transitions-MIN_NUM_FORMS": 0,
        "transitions-MAX_NUM_FORMS": 1000,
        **fields,
    }


def test_the_admin_saves_a_working_version_through_the_service(territory, animator):
    version = services.create_version(actor=animator, territory=territory, title="Brouillon")
    url = f"/admin/charter/charterversion/{version.pk}/change/"
    client = admin_client()
    with mock.patch.object(services, "update_version", wraps=services.update_version) as update:
        response = client.post(url, change_data(version, title="Révision 2027", preamble="Nous, …"))
    assert response.status_code == 302, response.content.decode()[:2000]
    update.assert_called_once()
    version.refresh_from_db()
    assert (version.title, version.preamble) == ("Révision 2027", "Nous, …")


def test_the_admin_cannot_change_an_adopted_text_nor_signatures_or_amendments(territory, structure, manager):
    version = adopted_version(territory)
    client = admin_client()
    with mock.patch.object(services, "update_version") as update:
        response = client.post(
            f"/admin/charter/charterversion/{version.pk}/change/", change_data(version, title="Autre titre")
        )
    assert response.status_code == 403
    update.assert_not_called()
    assert CharterVersion.objects.get(pk=version.pk).title == ""
    signature = services.sign_charter(
        actor=manager,
        version=version,
        structure=structure,
        signer_name="Camille Martin",
        signer_role="présidente",
        commitment=True,
    )
    response = client.post(
        f"/admin/charter/signature/{signature.pk}/change/", {"signer_name": "Quelqu'un d'autre"}
    )
    assert response.status_code == 403
    assert Signature.objects.get().signer_name == "Camille Martin"
    assert client.get("/admin/charter/signature/").status_code == 200  # still listed, read-only
    assert client.get("/admin/charter/amendment/add/").status_code == 403


# --- the registry's examples are built through the services -------------------------------------------------


def test_the_example_builder_goes_through_the_services_and_is_idempotent(territory, structure, member):
    users = {"member": member}
    ctx = mock.Mock(territory=territory, structure=structure, users=users)
    first = example_charter(ctx)
    again = example_charter(ctx)
    assert {k: v.pk for k, v in first.items()} == {k: v.pk for k, v in again.items()}
    assert [v.status for v in CharterVersion.objects.order_by("number")] == ["adopted", "open"]
    assert [line[:2] for line in lines(first["v1"])] == [
        ("", "draft"),
        ("draft", "open"),
        ("open", "adopted"),
    ]
    assert lines(first["signature"]) == [("", "active", None, "Système (exemples du registre)")]
    assert lines(first["amendment"])[0][:3] == ("", "proposed", member.pk)


def test_the_erasure_of_a_person_leaves_the_acts_without_their_name(territory, structure, manager, animator):
    version = adopted_version(territory)
    signature = services.sign_charter(
        actor=manager,
        version=version,
        structure=structure,
        signer_name="Camille Martin",
        signer_role="présidente",
        commitment=True,
    )
    services.withdraw_signature(actor=manager, signature=signature, reason="Départ")
    assert SignatureTransition.objects.filter(actor_label=manager.display_name).count() == 2
    services.erase_person(manager)
    assert [line[1:] for line in lines(signature)] == [("active", None, ""), ("withdrawn", None, "")]
