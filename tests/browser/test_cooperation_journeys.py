"""Cooperation in a real browser: the Pays de Grasse's animator shares a practice; the neighbouring
territory's animator finds it on her « Coopération » page, then subscribes to another Maillage installation
(a fake one on loopback) and sees its items imported and the status « à jour ». The two territories answer
on the live server's two host names (localhost: Pays de Grasse; 127.0.0.1: the neighbour)."""

from __future__ import annotations

import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from maillage.core.hosts import invalidate_allowed_hosts
from maillage.core.models import Domain
from tests.browser.fixtures import sign_in
from tests.cooperation.conftest import practice_of

pytestmark = pytest.mark.browser

REMOTE_ITEM = {
    "id": "practice-31",
    "kind": "practice",
    "title": "Une conciergerie solidaire en zone d'activités",
    "summary": "Des services aux salariés rendus par une entreprise d'insertion.",
    "url": "https://ess.lointain.example.org/structures/c/pratiques/conciergerie/",
    "territory": "Pays lointain",
    "structure": "Conciergerie d'insertion du Pays lointain",
}


class Installation(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        body = json.dumps({"installation": "Pays lointain", "items": [REMOTE_ITEM], "next_cursor": None})
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body.encode())))
        self.end_headers()
        self.wfile.write(body.encode())


@pytest.fixture
def installation(settings):
    settings.MAILLAGE_HTTP_ALLOW_LOOPBACK = True
    server = ThreadingHTTPServer(("127.0.0.1", 0), Installation)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def slow_machine(page):
    """Generous waits: the shared test machine is often loaded; nothing asserts a duration."""
    page.set_default_timeout(60_000)
    page.set_default_navigation_timeout(90_000)
    return page


def main_text(page) -> str:
    return re.sub(r"\s+", " ", page.locator("main").inner_text())


def test_share_then_read_then_subscribe(
    new_context, live_url, territory, other_territory, structure, animator, animator_other, installation
):
    practice_of(structure, title="Un jardin partagé au pied des immeubles")
    Domain.objects.filter(name="127.0.0.1").update(territory=other_territory)
    invalidate_allowed_hosts()
    neighbour_url = live_url.replace("localhost", "127.0.0.1")

    # The Pays de Grasse's animator shares the practice.
    grasse = slow_machine(new_context(user=animator).new_page())
    grasse.goto("/cooperation/")
    grasse.get_by_role("link", name="Partager nos pratiques et nos rendez-vous").click()
    grasse.get_by_role("button", name="Partager « Un jardin partagé au pied des immeubles »").click()
    grasse.wait_for_load_state()
    assert (
        "« Un jardin partagé au pied des immeubles » est partagé avec les autres territoires."
        in main_text(grasse)
    )
    assert (
        grasse.get_by_role(
            "button", name="Ne plus partager « Un jardin partagé au pied des immeubles »"
        ).count()
        == 1
    )

    # The neighbour's animator finds it, with its provenance.
    context = new_context(base_url=neighbour_url)
    sign_in(context, animator_other, neighbour_url)  # the session cookie for the neighbour's host name
    neighbour = slow_machine(context.new_page())
    neighbour.goto("/cooperation/")
    assert "partagé par Pays de Grasse" in main_text(neighbour)
    neighbour.get_by_role("link", name="Un jardin partagé au pied des immeubles").click()
    neighbour.wait_for_load_state()
    assert "partagée par Pays de Grasse" in main_text(neighbour)

    # She follows another installation: a wrong address first, then the right one.
    neighbour.goto("/cooperation/")
    neighbour.get_by_role("link", name="Installations suivies").click()
    neighbour.get_by_label("Adresse de l'installation Maillage à suivre").fill("pas une adresse")
    neighbour.get_by_role("button", name="Suivre cette installation").click()
    neighbour.wait_for_load_state()
    assert "Saisissez l'adresse complète de l'installation" in main_text(neighbour)
    neighbour.get_by_label("Adresse de l'installation Maillage à suivre").fill(installation)
    neighbour.get_by_role("button", name="Suivre cette installation").click()
    neighbour.wait_for_load_state()
    table = neighbour.get_by_role("region", name="Installations suivies").inner_text()
    assert "Pays lointain" in table and "à jour" in table and "1 ajouté" in table

    neighbour.goto("/cooperation/")
    text = main_text(neighbour)
    assert "Une conciergerie solidaire en zone d'activités" in text
    assert "partagé par Pays lointain (Conciergerie d'insertion du Pays lointain)" in text
