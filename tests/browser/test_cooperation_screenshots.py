"""The guide's screenshots of cooperation and of the regional view, from the cooperation demo (its loader
run on the test territories). Written to docs/guide/images/ only when MAILLAGE_SCREENSHOTS=1; otherwise the
test still checks what the pictures show."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.utils import timezone

from maillage.cooperation import demo, services
from maillage.cooperation.remote import RemoteFeed, RemoteItem
from maillage.core.actors import system
from maillage.core.hosts import invalidate_allowed_hosts
from maillage.core.models import Domain
from tests.browser.fixtures import sign_in
from tests.cooperation.conftest import practice_of
from tests.events.factories import EventFactory
from tests.factories import CommuneFactory

pytestmark = pytest.mark.browser
IMAGES = Path(__file__).resolve().parents[2] / "docs" / "guide" / "images"


def _slow_machine(page):
    page.set_default_timeout(60_000)
    page.set_default_navigation_timeout(90_000)
    return page


def _shoot(page, name: str) -> None:
    if os.environ.get("MAILLAGE_SCREENSHOTS") == "1":
        page.screenshot(path=str(IMAGES / name), full_page=True)


def test_screenshots_of_cooperation_and_the_regional_view(
    new_context, live_url, territory, other_territory, structure, animator_other
):
    other_territory.name = "Vallée du Loup"
    other_territory.save()
    for code, name in (("06003", "Andon"), ("06028", "Caille"), ("06134", "Séranon")):  # the demo's communes
        other_territory.communes.add(CommuneFactory(insee_code=code, name=name))
    practice_of(structure, title="Une ressourcerie qui forme ses salariés en insertion")
    EventFactory(territory=territory, title="Rendez-vous de l'ESS : réemploi et économie circulaire")
    demo.load(
        today=timezone.localdate(), context={"territory": territory, "other_territory": other_territory}
    )
    subscription = services.add_subscription(
        actor=system("capture"), territory=other_territory, url="https://ess.pays-des-lacs.example.org/"
    )
    services.record_fetch(
        actor=system("capture"),
        subscription=subscription,
        feed=RemoteFeed(
            name="Pays des Lacs",
            items=[
                RemoteItem(
                    remote_id="practice-4",
                    kind="practice",
                    source_url="https://ess.pays-des-lacs.example.org/structures/a/pratiques/b/",
                    title="Une conciergerie solidaire en zone d'activités",
                    summary="Des services aux salariés rendus par une entreprise d'insertion.",
                    origin_territory="Pays des Lacs",
                    origin_structure="Conciergerie d'insertion des Lacs",
                    start=None,
                ),
            ],
        ),
    )
    Domain.objects.filter(name="127.0.0.1").update(territory=other_territory)
    invalidate_allowed_hosts()
    loup_url = live_url.replace("localhost", "127.0.0.1")

    for width in (1280, 360):
        page = new_context(viewport={"width": width, "height": 900}, base_url=loup_url).new_page()
        _slow_machine(page)
        page.goto("/cooperation/")
        text = page.locator("main").inner_text()
        assert "Une ressourcerie qui forme ses salariés en insertion" in text
        assert "partagé par Pays de Grasse" in text and "partagé par Pays des Lacs" in text
        _shoot(page, f"cooperation-{width}.png")

    context = new_context(viewport={"width": 1280, "height": 900}, base_url=loup_url)
    sign_in(context, animator_other, loup_url)  # the session cookie for the neighbour's host name
    page = context.new_page()
    _slow_machine(page)
    page.goto("/cooperation/abonnements/")
    assert "à jour" in page.get_by_role("region", name="Installations suivies").inner_text()
    _shoot(page, "cooperation-abonnements-1280.png")

    for width in (1280, 360):
        page = new_context(viewport={"width": width, "height": 900}).new_page()
        _slow_machine(page)
        page.goto("/territoires/")
        assert page.get_by_role("row", name="Ensemble").count() == 1
        _shoot(page, f"territoires-{width}.png")
