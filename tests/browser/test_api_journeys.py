"""Journey of the API keys in a real browser: the animator issues a key to a partner from the « Clés d'API »
page, copies it with the button, and a program reading the API with it (httpx, against the live server) is
served; revoked, the same key is refused."""

from __future__ import annotations

import re

import httpx
import pytest

pytestmark = pytest.mark.browser


def test_the_animator_issues_a_key_that_reads_the_api(new_context, territory, animator, live_url):
    context = new_context(user=animator)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_url)
    page = context.new_page()

    page.goto("/")
    nav = page.get_by_role("navigation", name="Navigation principale")
    link = nav.get_by_role("link", name="Clés d'API")
    if not link.is_visible():  # past the first entries, the menu keeps it under « Plus »
        nav.get_by_text("Plus", exact=True).click()
    link.click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Clés d'API"
    assert "Aucune clé n'a encore été délivrée" in page.locator("main").inner_text()

    # A mistake first: the address is refused in French and nothing is created.
    page.get_by_label(re.compile(r"^Titulaire")).fill("Réseau des ressourceries")
    page.get_by_label("Adresse électronique du titulaire").fill("contact-ressourceries")
    page.get_by_label("Usage prévu").fill("Afficher la carte des structures sur notre site")
    page.get_by_role("button", name="Créer la clé").click()
    page.wait_for_load_state()
    assert "Saisissez une adresse électronique valide" in page.locator("main").inner_text()
    assert "Aucune clé n'a encore été délivrée" in page.locator("main").inner_text()

    page.get_by_label("Adresse électronique du titulaire").fill("contact@ressourceries.example")
    page.get_by_role("button", name="Créer la clé").click()
    page.wait_for_load_state()
    main = page.locator("main").inner_text()
    assert "Clé créée pour Réseau des ressourceries" in main
    assert "elle ne sera plus jamais affichée" in main

    page.get_by_role("button", name="Copier la clé").click()
    page.get_by_text("Clé copiée.").wait_for()
    clear = page.evaluate("navigator.clipboard.readText()")
    assert clear.startswith("mlg_")

    # The partner's program reads the API with the copied key.
    answer = httpx.get(f"{live_url}/api/v1/structures", headers={"X-API-Key": clear}, timeout=30)
    assert answer.status_code == 200
    assert "items" in answer.json()

    # Back on the page, the key is listed by its first characters only; revoked, it is refused.
    page.goto("/api/cles/")
    assert clear not in page.content()
    row = page.get_by_role("row").filter(has_text="Réseau des ressourceries")
    assert clear[:12] in row.inner_text()
    row.get_by_role("button", name="Révoquer").click()
    page.wait_for_load_state()
    assert "est révoquée" in page.locator("main").inner_text()
    refused = httpx.get(f"{live_url}/api/v1/structures", headers={"X-API-Key": clear}, timeout=30)
    assert refused.status_code == 401
    assert "inconnue ou a été révoquée" in refused.json()["detail"]
