"""The state machines of actors: a structure's status, a proposed edit's and a management request's
decisions. Every move goes through `core.machines.transition()` and is logged with who made it."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError

from maillage.actors import services
from maillage.actors.models import (
    EDIT_PROPOSAL_MACHINE,
    MANAGEMENT_REQUEST_MACHINE,
    STRUCTURE_MACHINE,
    EditProposal,
    EditProposalTransition,
    ManagementRequest,
    ManagementRequestTransition,
    Structure,
)
from maillage.core.actors import SYSTEM, system
from maillage.core.machines import TransitionError, history, machine_for, transition
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_machines_are_registered():
    assert machine_for(Structure) is STRUCTURE_MACHINE
    assert machine_for(EditProposal) is EDIT_PROPOSAL_MACHINE
    assert machine_for(ManagementRequest) is MANAGEMENT_REQUEST_MACHINE
    assert STRUCTURE_MACHINE.can("published", "archived")
    assert not STRUCTURE_MACHINE.can("published", "refused")


def test_creation_and_moves_of_a_structure_are_logged_with_the_actor(territory, animator):
    structure = services.create_structure(
        actor=system("import Sirene"), territory=territory, data={"name": "La Coopérative"}
    )
    services.transition_structure(actor=animator, structure=structure, to_status="archived")
    first, second = history(structure)
    assert (first.from_state, first.to_state, first.actor, first.actor_label) == (
        "",
        "published",
        None,
        "Système (import Sirene)",
    )
    assert (second.from_state, second.to_state, second.actor) == ("published", "archived", animator)
    assert second.actor_label  # the animator's name, kept if the account goes
    # the structure's own history says who, too
    assert structure.history.latest().history_user == animator


def test_a_forbidden_move_of_a_structure_is_refused_in_french(territory, animator):
    structure = services.create_structure(actor=SYSTEM, territory=territory, data={"name": "Fiche"})
    with pytest.raises(ValidationError, match="Impossible de passer une fiche « publiée » à « refusée »"):
        services.transition_structure(actor=animator, structure=structure, to_status="refused", reason="x")
    with pytest.raises(TransitionError, match="Impossible de passer de"):
        transition(structure, "pending", actor=animator)
    assert Structure.objects.get(pk=structure.pk).status == "published"


def test_a_management_request_is_logged_from_request_to_decision(territory, manager, structure):
    person = UserFactory()
    request = services.request_management(actor=person, structure=structure)
    services.decide_management_request(actor=manager, request=request, accept=False)
    lines = list(ManagementRequestTransition.objects.filter(request=request).order_by("pk"))
    assert [(x.from_state, x.to_state, x.actor) for x in lines] == [
        ("", "pending", person),
        ("pending", "refused", manager),
    ]
    request.refresh_from_db()
    assert request.decided_by == manager and request.decided_at is not None
    with pytest.raises(ValidationError, match="Cette demande a déjà été traitée."):
        services.decide_management_request(actor=manager, request=request, accept=True)
    with pytest.raises(TransitionError):
        transition(request, "accepted", actor=manager)


def test_a_proposed_edit_is_logged_from_proposal_to_decision(territory, manager, animator, structure):
    territory.settings = {"moderate_manager_edits": True}
    territory.save()
    proposal = services.update_structure(actor=manager, structure=structure, data={"name": "Autre nom"})
    services.decide_edit_proposal(actor=animator, proposal=proposal, accept=True)
    lines = list(EditProposalTransition.objects.filter(proposal=proposal).order_by("pk"))
    assert [(x.from_state, x.to_state, x.actor) for x in lines] == [
        ("", "pending", manager),
        ("pending", "accepted", animator),
    ]
    with pytest.raises(ValidationError, match="Cette modification a déjà été traitée."):
        services.decide_edit_proposal(actor=animator, proposal=proposal, accept=False)


def test_the_services_refuse_a_missing_actor(territory):
    with pytest.raises(TypeError):
        services.create_structure(actor=None, territory=territory, data={"name": "Sans auteur"})


def test_the_data_migration_writes_one_line_per_existing_row(territory, structure):
    """Rows from before the logs get one line "" → their current state."""
    person = UserFactory()
    pending = ManagementRequest.objects.create(structure=structure, user=person)
    decided = EditProposal.objects.create(structure=structure, changes={}, status="refused")
    migration = importlib.import_module("maillage.actors.migrations.0006_state_machine_logs")
    migration.seed_logs(apps, None)
    [line] = ManagementRequestTransition.objects.filter(request=pending)
    assert (line.from_state, line.to_state, line.note) == (
        "",
        "pending",
        "état à la mise en place du journal",
    )
    [line] = EditProposalTransition.objects.filter(proposal=decided)
    assert (line.from_state, line.to_state) == ("", "refused")
