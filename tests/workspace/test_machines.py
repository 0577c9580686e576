"""The membership machine on core's one machine: forbidden moves refused in French, every line with its
actor; the demo and example builders go through the services (the system actor)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from maillage.core.actors import SYSTEM, system
from maillage.core.machines import TransitionError, history, machine_for, transition
from maillage.workspace import permissions, services
from maillage.workspace.models import Atelier, AtelierMember, AtelierMemberTransition, Thread
from tests.factories import UserFactory
from tests.workspace.factories import AtelierFactory, AtelierMemberFactory

pytestmark = pytest.mark.django_db


def test_the_membership_machine_is_registered_with_its_log():
    machine = machine_for(AtelierMember)
    assert machine.log_class() is AtelierMemberTransition
    assert machine.can("pending", "active") and not machine.can("refused", "active")


def test_a_forbidden_move_is_refused_with_its_french_message(territory, member, animator):
    atelier = AtelierFactory(territory=territory, policy=Atelier.Policy.OPEN)
    m = services.join_atelier(actor=member, atelier=atelier)
    with pytest.raises(ValidationError) as error:
        services.decide_membership(actor=animator, member=m, accept=False)  # active → refused: no
    assert error.value.messages == ["Impossible : cette adhésion est « membre »."]
    with pytest.raises(TransitionError) as raw:
        transition(m, AtelierMember.Status.REFUSED, actor=animator)
    assert "Impossible de passer de « membre » à « demande refusée »" in raw.value.messages[0]
    m.refresh_from_db()
    assert m.status == "active" and history(m).count() == 1


def test_each_line_names_its_actor(territory, member, manager):
    atelier = AtelierFactory(territory=territory, policy=Atelier.Policy.ON_REQUEST)
    AtelierMemberFactory(atelier=atelier, user=manager, role="coordinator")
    m = services.join_atelier(actor=member, atelier=atelier)
    services.decide_membership(actor=manager, member=m, accept=True)
    services.leave_atelier(actor=member, atelier=atelier)
    lines = [(t.from_state, t.to_state, t.actor, t.actor_label) for t in history(m)]
    assert lines == [
        ("", "pending", member, member.display_name),
        ("pending", "active", manager, manager.display_name),
        ("active", "left", member, member.display_name),
    ]


def test_the_system_adds_members_and_is_logged_by_name(territory, member):
    atelier = services.create_atelier(
        actor=SYSTEM, territory=territory, name="Démo", slug="atelier-demo", policy=Atelier.Policy.ON_REQUEST
    )
    assert atelier.slug == "atelier-demo"
    demo = system("données de démonstration")
    m = services.add_member(actor=demo, atelier=atelier, user=member, role="coordinator")
    again = services.add_member(actor=demo, atelier=atelier, user=member, role="coordinator")
    assert again.pk == m.pk and m.status == "active" and m.role == "coordinator"
    line = history(m).get()
    assert (line.actor, line.actor_label) == (None, "Système (données de démonstration)")


def test_none_is_never_an_actor_and_a_stranger_cannot_add_members(territory, member):
    atelier = AtelierFactory(territory=territory)
    with pytest.raises(TypeError):
        services.add_member(actor=None, atelier=atelier, user=member)
    with pytest.raises(PermissionDenied):
        services.add_member(actor=UserFactory(), atelier=atelier, user=member)


def test_demo_posts_are_for_the_system_only(territory, member):
    atelier = AtelierFactory(territory=territory)
    with pytest.raises(PermissionDenied):
        services.record_thread(actor=member, territory=territory, atelier=atelier, title="x", author=member)


def test_permissions_are_the_only_source_and_rules_agree(territory, member, animator):
    atelier = AtelierFactory(territory=territory)
    assert permissions.is_staff_of(animator, territory) and not permissions.is_staff_of(member, territory)
    assert animator.has_perm("workspace.animate_workspace", territory)
    assert not member.has_perm("workspace.animate_workspace", territory)
    assert member.has_perm("workspace.take_part", territory)
    assert not member.has_perm("workspace.read_atelier", atelier)
    services.join_atelier(actor=member, atelier=atelier)
    assert member.has_perm("workspace.read_atelier", atelier)


def test_querysets_are_scoped_for_the_person(territory, member, animator):
    atelier = AtelierFactory(territory=territory)
    AtelierMemberFactory(atelier=atelier, user=animator, role="coordinator")
    services.create_thread(
        actor=animator, territory=territory, atelier=atelier, title="Privé", body="Bonjour"
    )
    assert Thread.objects.for_user(animator, territory).count() == 1
    assert Thread.objects.for_user(member, territory).count() == 0
    assert AtelierMember.objects.for_user(member, atelier).count() == 0
    services.join_atelier(actor=member, atelier=atelier)
    assert Thread.objects.for_user(member, territory).count() == 1
    assert AtelierMember.objects.for_user(member, atelier).active().count() == 2
