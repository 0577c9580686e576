"""A person signs up with a name in a real browser, confirms the address from the mail a real SMTP server
received, logs in and finds « Mon espace »: greeted by name, their registrations listed there."""

from __future__ import annotations

import pytest

from maillage.accounts.models import User
from tests.events.factories import EventFactory

pytestmark = pytest.mark.browser

EMAIL = "camille.inscrite@example.org"
PASSWORD = "Un-mot-de-passe-solide-2024"


def fresh_page(new_context):
    """A page of a new browser context; generous timeouts (the shared test machine can be slow)."""
    context = new_context()
    context.set_default_timeout(60_000)
    return context.new_page()


def registrations(page):
    heading = page.get_by_role("heading", name="Mes inscriptions aux rendez-vous")
    return page.locator("section.card", has=heading)


def test_sign_up_with_a_name_confirm_log_in_and_find_my_registrations(new_context, smtp_inbox, territory):
    event = EventFactory(territory=territory, title="Rendez-vous de l'ESS à la ressourcerie")

    # Sign up: first and last name, address, password.
    page = fresh_page(new_context)
    page.goto("/compte/signup/")
    page.get_by_label("Prénom").fill("Camille")
    page.locator("input[name=last_name]").fill("Inscrite")
    page.locator("input[name=email]").fill(EMAIL)
    page.locator("input[name=password1]").fill(PASSWORD)
    page.locator("input[name=password2]").fill(PASSWORD)
    page.locator("main form:has(input[name=password1]) [type=submit]").first.click()
    page.wait_for_load_state()
    assert User.objects.get(email=EMAIL).display_name == "Camille Inscrite"

    # The verification mail arrives; its link opens a page where a button confirms.
    mail = smtp_inbox.wait_for(to=EMAIL, subject="Confirm")
    link = smtp_inbox.link_path(mail, r"^/compte/confirm-email/")
    page = fresh_page(new_context)
    page.goto(link)
    page.locator("main form[method=post] [type=submit]").first.click()
    page.wait_for_load_state()
    assert User.objects.get(email=EMAIL).emailaddress_set.get(email=EMAIL).verified

    # Log in, in a fresh browser: « Mon espace » greets me by name; no registration yet.
    page = fresh_page(new_context)
    page.goto("/compte/login/")
    page.locator("input[name=login]").fill(EMAIL)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form:has(input[name=password]) [type=submit]").first.click()
    page.wait_for_load_state()
    page.get_by_role("link", name="Mon espace", exact=True).click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text().strip() == "Mon espace"
    assert page.get_by_text("Bonjour Camille !").is_visible()
    assert "aucun rendez-vous à venir" in registrations(page).inner_text()

    # Register to a coming Rendez-vous from the agenda, then find it in « Mon espace ».
    page.goto(f"/agenda/{event.slug}/")
    page.get_by_role("link", name="M'inscrire").click()
    page.get_by_role("button", name="Confirmer mon inscription").click()
    page.wait_for_load_state()
    assert page.get_by_text("Votre inscription est confirmée.").is_visible()
    page.get_by_role("link", name="Mon espace", exact=True).click()
    page.wait_for_load_state()
    section = registrations(page)
    assert section.get_by_role("link", name="Rendez-vous de l'ESS à la ressourcerie").is_visible()
