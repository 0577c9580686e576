"""Registrants appear by name, never by e-mail address: on the attendee list, the waiting list, the check-in
page and the feuille d'émargement."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string

from maillage.core.tokens import make_token
from maillage.events import services
from maillage.events.models import Registration
from tests.events.factories import EventFactory, RegistrationFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def full_event(territory):
    """One seat: Pierre Martin (an account with a name) holds it; an account without a name and an
    anonymous registration made when the name field held an address wait."""
    event = EventFactory(territory=territory, capacity=1, title="Visite de la ressourcerie")
    pierre = UserFactory(email="pierre.martin@example.org", first_name="Pierre", last_name="Martin")
    nameless = UserFactory(email="camille.d@example.org", first_name="", last_name="")
    services.register_account(actor=pierre, event=event)
    services.register_account(actor=nameless, event=event)
    RegistrationFactory(
        event=event,
        name="legacy.person@example.org",
        email="legacy.person@example.org",
        state="waitlisted",
        sequence=3,
    )
    return event


ADDRESSES = ("pierre.martin@example.org", "camille.d@example.org", "legacy.person@example.org", "@example")


def _no_address(page: str) -> None:
    assert not [a for a in ADDRESSES if a in page], page


def test_an_account_registration_carries_the_person_s_name(full_event):
    names = dict(Registration.objects.values_list("email", "name"))
    assert names["pierre.martin@example.org"] == "Pierre Martin"
    assert names["camille.d@example.org"] == "camille.d"  # no name given: the address's local part


def test_the_attendee_and_waiting_lists_show_names(client, full_event, animator):
    client.force_login(animator)
    page = client.get(f"/agenda/{full_event.slug}/gestion/").content.decode()
    assert "Pierre Martin" in page and "camille.d" in page and "legacy.person" in page
    _no_address(page)


def test_the_check_in_page_shows_names_and_finds_them(client, full_event):
    url = f"/agenda/emargement/{make_token('events.checkin', {'e': full_event.pk})}/"
    page = client.get(url + "?q=martin").content.decode()
    assert "Pierre Martin" in page
    _no_address(page)
    pierre = Registration.objects.get(email="pierre.martin@example.org")
    done = client.post(url, {"registration": pierre.pk}).content.decode()
    assert "Pierre Martin : présence enregistrée." in done
    _no_address(done)


def test_the_feuille_d_emargement_prints_names(client, full_event, animator):
    client.force_login(animator)
    response = client.get(f"/agenda/{full_event.slug}/emargement.pdf")
    assert response.content.startswith(b"%PDF")
    # the HTML the PDF was printed from, with the context the view gave it
    context = {k: response.context[k] for k in ("event", "when", "registered", "blank_rows", "territory")}
    html = render_to_string("events/pdf/signin_sheet.html", context)
    assert "Pierre Martin" in html
    _no_address(html)
    Registration.objects.filter(email="pierre.martin@example.org").update(attended=True)
    pierre = Registration.objects.get(email="pierre.martin@example.org")
    attestation = client.get(f"/agenda/{full_event.slug}/attestation/{pierre.pk}.pdf")
    assert attestation.content.startswith(b"%PDF")


def test_the_anonymous_form_asks_for_a_name(client, full_event):
    page = client.get(f"/agenda/{full_event.slug}/inscription/").content.decode()
    assert "Prénom et nom" in page
    response = client.post(
        f"/agenda/{full_event.slug}/inscription/", {"name": "", "email": "sans.nom@example.org"}
    )
    assert "Prénom et nom" in response.content.decode()
    assert not Registration.objects.filter(email="sans.nom@example.org").exists()
