"""The agenda's machines on core's: a forbidden move is refused in French, every registration move is logged
with who made it, and the admin only shows (writes go through the services)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.admin.sites import site
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from django.utils import timezone

from maillage.core.machines import TransitionError, history, machine_for
from maillage.core.tokens import make_token
from maillage.events import services
from maillage.events.models import Event, Registration, Status
from tests.events.factories import EventFactory, RegistrationFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_event_machine_refuses_a_forbidden_move_with_its_french_message(territory, animator):
    event = EventFactory(territory=territory, status=Status.CLOSED)
    with pytest.raises(TransitionError) as caught:
        services.change_status(actor=animator, event=event, to=Status.DRAFT)
    assert caught.value.messages == ["Un rendez-vous « clos » ne peut pas passer à « brouillon »."]
    assert Event.objects.get(pk=event.pk).status == Status.CLOSED
    assert not event.transitions.exists()


def test_the_registration_machine_refuses_to_revive_a_cancelled_registration():
    registration = RegistrationFactory(state=Registration.State.CANCELLED, sequence=None)
    machine = machine_for(Registration)
    assert machine.allowed(Registration.State.CANCELLED) == frozenset()
    with pytest.raises(TransitionError, match="Impossible de passer de « annulé » à « inscrit »"):
        machine.check(registration, Registration.State.REGISTERED)


def test_an_event_is_logged_from_its_creation_with_its_actor(territory, animator):
    start = timezone.now() + dt.timedelta(days=7)
    event = services.create_event(
        actor=animator,
        territory=territory,
        status=Status.PUBLISHED,
        title="Visite",
        start=start,
        end=start + dt.timedelta(hours=2),
        venue="Salle",
    )
    lines = list(history(event).values_list("from_state", "to_state", "actor", "actor_label"))
    name = animator.display_name
    assert lines == [("", "draft", animator.pk, name), ("draft", "published", animator.pk, name)]


def test_a_signed_in_registration_and_its_cancellation_are_logged_with_the_person(territory, member):
    event = EventFactory(territory=territory)
    registration = services.register_account(actor=member, event=event)
    services.cancel_registration(actor=member, registration_id=registration.pk)
    lines = list(history(registration).values_list("from_state", "to_state", "actor", "actor_label"))
    assert lines == [
        ("", "registered", member.pk, member.display_name),
        ("registered", "cancelled", member.pk, member.display_name),
    ]


def test_a_confirmation_by_mail_is_logged_as_the_visitor_and_the_promotion_as_the_system(territory):
    event = EventFactory(territory=territory, capacity=1)
    seated = RegistrationFactory(event=event)
    services.request_registration(event=event, email="lea@example.org", name="Léa")
    waiting = Registration.objects.get(email="lea@example.org")
    services.confirm_registration(registration_id=waiting.pk)
    services.cancel_registration(actor=services.BY_MAIL_LINK, registration_id=seated.pk)
    lines = list(history(waiting).values_list("from_state", "to_state", "actor", "actor_label"))
    assert lines == [
        ("", "pending", None, "Visiteur (formulaire d'inscription)"),
        ("pending", "waitlisted", None, "Visiteur (lien du courriel)"),
        ("waitlisted", "registered", None, "Système (liste d'attente)"),
    ]
    assert history(seated).last().actor_label == "Visiteur (lien du courriel)"


def test_the_cancellation_link_logs_the_visitor(client, territory):
    registration = RegistrationFactory(event=EventFactory(territory=territory))
    token = make_token(services.CANCEL_PURPOSE, {"r": registration.pk})
    response = client.post(f"/agenda/inscription/annuler/{token}/")
    assert response.status_code in (200, 302)
    line = history(registration).last()
    assert (line.to_state, line.actor, line.actor_label) == ("cancelled", None, "Visiteur (lien du courriel)")


def test_organiser_services_refuse_a_person_without_the_right(territory):
    stranger = UserFactory(email="passant@example.org")
    event = EventFactory(territory=territory)
    with pytest.raises(PermissionDenied):
        services.change_status(actor=stranger, event=event, to=Status.CANCELLED)
    with pytest.raises(TypeError):
        services.change_status(actor=None, event=event, to=Status.CANCELLED)  # type: ignore[arg-type]
    assert Event.objects.get(pk=event.pk).status == Status.PUBLISHED


@pytest.mark.parametrize("model", [Event, Registration])
def test_the_admin_only_shows_writes_go_through_the_services(model):
    request = RequestFactory().get("/")
    request.user = UserFactory(email="root@example.org", is_superuser=True, is_staff=True)
    admin = site._registry[model]
    assert not admin.has_add_permission(request)
    assert not admin.has_change_permission(request)
    assert not admin.has_delete_permission(request)
