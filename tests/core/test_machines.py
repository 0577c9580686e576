"""core.machines and core.actors: the table, the check, the labels, the explicit system actor."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from maillage.core.actors import SYSTEM, actor_label, require_actor, system, user_of, visitor
from maillage.core.machines import Machine, TransitionError


def test_a_move_to_an_undeclared_state_is_refused_when_the_machine_is_declared():
    with pytest.raises(ValueError, match="undeclared"):
        Machine(model="events.Event", moves={"draft": {"published"}}, log="events.EventTransition")


def test_the_table_says_which_moves_are_allowed():
    machine = Machine(
        model="events.Event", moves={"draft": {"published"}, "published": set()}, log="events.EventTransition"
    )
    assert machine.can("draft", "published")
    assert not machine.can("published", "draft")
    assert not machine.can("unknown", "draft")
    assert machine.states == {"draft", "published"}


@pytest.mark.django_db
def test_a_forbidden_move_gets_a_french_message_with_the_labels():
    machine = Machine(
        model="events.Event", moves={"draft": {"published"}, "published": set()}, log="events.EventTransition"
    )

    class Obj:
        status = "published"

    with pytest.raises(TransitionError) as caught:
        machine.check(Obj(), "draft")  # type: ignore[arg-type]
    message = caught.value.messages[0]
    assert message.startswith("Impossible de passer de « ")
    assert "published" not in message  # labels, not codes


def test_none_and_anonymous_are_not_actors():
    with pytest.raises(TypeError):
        require_actor(None)
    with pytest.raises(TypeError):
        require_actor(AnonymousUser())
    assert require_actor(SYSTEM) is SYSTEM


def test_the_system_actor_is_stored_as_no_user_with_a_label():
    assert user_of(SYSTEM) is None
    assert actor_label(system("import Sirene")) == "Système (import Sirene)"
    assert actor_label(visitor("lien du courriel")) == "Visiteur (lien du courriel)"
