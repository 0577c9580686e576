"""The plan on core's machine: an action's status and the yearly evaluation, each move checked and logged
with its actor; the permissions module; the admin writing through the services; the log's data migration."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
import time_machine
from django.apps import apps
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import RequestFactory

from maillage.core.actors import SYSTEM, system
from maillage.core.machines import TransitionError, history, machine_for, transition
from maillage.plan import permissions, services
from maillage.plan.admin import ContractAdmin, NodeAdmin
from maillage.plan.models import (
    EVALUATION_MACHINE,
    NODE_MACHINE,
    Contract,
    Evaluation,
    EvaluationTransition,
    Node,
    NodeTransition,
)
from tests.factories import UserFactory
from tests.plan.factories import make_tree, make_version

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 1, 15, 10, tzinfo=dt.UTC)


def test_both_machines_are_registered():
    assert machine_for(Node) is NODE_MACHINE
    assert machine_for(Evaluation) is EVALUATION_MACHINE
    assert NODE_MACHINE.can("planned", "in_progress") and not NODE_MACHINE.can("done", "postponed")
    assert EVALUATION_MACHINE.allowed("adopted") == frozenset()


def test_status_change_logs_the_actor_and_its_name(territory, animator):
    version = make_version(territory)
    *_, action, _ = make_tree(version)
    services.change_status(actor=animator, node=action, to_status="in_progress", note="Lancée")
    line = history(action).get()
    assert (line.from_state, line.to_state, line.actor, line.note) == (
        "planned",
        "in_progress",
        animator,
        "Lancée",
    )
    assert line.actor_label == (animator.display_name or animator.email)
    assert isinstance(line, NodeTransition)


def test_the_system_is_named_in_the_log(territory):
    version = make_version(territory)
    *_, action, _ = make_tree(version)
    services.change_status(actor=system("import du plan"), node=action, to_status="postponed")
    line = history(action).get()
    assert (line.actor, line.actor_label) == (None, "Système (import du plan)")


def test_a_forbidden_move_is_refused_in_french_and_changes_nothing(territory, animator):
    version = make_version(territory)
    *_, action, _ = make_tree(version)
    services.change_status(actor=animator, node=action, to_status="done")
    with pytest.raises(ValidationError) as error:
        services.change_status(actor=animator, node=action, to_status="abandoned")
    assert error.value.message_dict["status"] == [
        "Une action « réalisée » ne peut pas passer à « abandonnée »."
    ]
    action.refresh_from_db()
    assert action.status == "done"
    assert history(action).count() == 1
    # Core's own message, for a move asked of the machine directly.
    with pytest.raises(TransitionError) as error:
        transition(action, "postponed", actor=animator)
    assert "Impossible de passer de « réalisée » à « reportée »" in " ".join(error.value.messages)


def test_no_actor_is_refused(territory):
    version = make_version(territory)
    *_, action, _ = make_tree(version)
    with pytest.raises(TypeError):
        services.change_status(actor=None, node=action, to_status="in_progress")
    assert not NodeTransition.objects.exists()


def test_only_the_animation_moves_an_action(territory, member):
    version = make_version(territory)
    *_, action, _ = make_tree(version)
    with pytest.raises(PermissionDenied) as error:
        services.change_status(actor=member, node=action, to_status="in_progress")
    assert str(error.value) == permissions.ANIMATOR_ONLY_MESSAGE
    assert not permissions.can_animate(member, territory)


def test_the_evaluation_states_are_logged_with_their_actor(territory, animator):
    with time_machine.travel(NOW, tick=False):
        version = make_version(territory)
        make_tree(version)
        evaluation = services.open_evaluation(
            actor=animator, version=version, consultation_ends_on=dt.date(2026, 1, 31)
        )
        services.conclude_evaluation(
            actor=animator,
            evaluation=evaluation,
            conclusions="Une année utile.",
            next_year_changes="",
            close_consultation=True,
        )
        services.adopt_evaluation(actor=animator, evaluation=evaluation)
    lines = list(history(evaluation).values_list("from_state", "to_state", "actor"))
    assert lines == [
        ("", "consultation", animator.pk),
        ("consultation", "closed", animator.pk),
        ("closed", "adopted", animator.pk),
    ]
    evaluation.refresh_from_db()
    assert evaluation.status == "adopted" and evaluation.snapshot and evaluation.adopted_at
    with pytest.raises(TransitionError) as error:
        transition(evaluation, Evaluation.Status.CONSULTATION, actor=animator)
    assert "Impossible de passer de « adoptée » à « en consultation »" in " ".join(error.value.messages)
    with pytest.raises(ValidationError) as error:
        services.adopt_evaluation(actor=animator, evaluation=evaluation)
    assert "Cette évaluation est adoptée" in str(error.value)


def test_the_evaluation_log_migration_writes_one_line_per_evaluation(territory):
    with time_machine.travel(NOW, tick=False):
        version = make_version(territory)
        evaluation = services.open_evaluation(
            actor=SYSTEM, version=version, consultation_ends_on=dt.date(2026, 1, 31)
        )
    EvaluationTransition.objects.all().delete()
    migration = importlib.import_module("maillage.plan.migrations.0005_node_transition_evaluation_transition")
    migration.seed_evaluation_log(apps, None)
    line = EvaluationTransition.objects.get()
    assert (line.evaluation, line.from_state, line.to_state) == (evaluation, "", "consultation")
    assert line.note == "état à la mise en place du journal"


def _admin_request(user):
    request = RequestFactory().post("/admin/plan/node/")
    request.user = user
    return request


def test_the_admin_saves_and_deletes_a_node_through_the_services(territory):
    superuser = UserFactory(is_superuser=True, is_staff=True)
    version = make_version(territory)
    objective, operational, action, _ = make_tree(version)
    model_admin = NodeAdmin(Node, admin.site)
    request = _admin_request(superuser)
    form_class = model_admin.get_form(request, action, change=True)
    data = {"number": "1.1.1", "title": "Renommée dans l'admin", "description": "", "weight": 2}
    form = form_class(data | {"lead_label": "", "partners_label": ""}, instance=action)
    assert form.is_valid(), form.errors
    model_admin.save_model(request, form.save(commit=False), form, change=True)
    action.refresh_from_db()
    assert (action.title, action.weight) == ("Renommée dans l'admin", 2)
    record = action.history.first()
    assert (record.history_user, record.history_change_reason) == (superuser, "Élément modifié")
    pk = action.pk
    model_admin.delete_model(request, action)
    assert not Node.objects.filter(pk=pk).exists()
    assert Node.history.filter(id=pk).first().history_change_reason == "Élément supprimé"


def test_the_admin_refuses_who_may_not_animate(territory, member):
    member.is_staff = True  # a staff member of the platform who does not animate this territory
    version = make_version(territory)
    *_, action, _ = make_tree(version)
    model_admin = NodeAdmin(Node, admin.site)
    with pytest.raises(PermissionDenied):
        model_admin.delete_model(_admin_request(member), action)
    assert Node.objects.filter(pk=action.pk).exists()


def test_the_contract_is_read_only_in_the_admin(territory, animator):
    make_version(territory)
    model_admin = ContractAdmin(Contract, admin.site)
    request = _admin_request(animator)
    contract = Contract.objects.get()
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, contract)
    assert not model_admin.has_delete_permission(request, contract)
