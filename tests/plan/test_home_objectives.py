"""The home page's « objectifs du contrat » are the territory's own: its current plan's objectives (read by
core through the registry), or none at all — never another territory's."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.conf import settings

from maillage.core.actors import SYSTEM
from maillage.core.demo_loader import load_core_demo
from maillage.core.hosts import TerritoryHosts
from maillage.core.models import Territory
from maillage.plan import demo, services
from maillage.plan.models import Node, PlanVersion
from tests.plan.factories import make_tree, make_version

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 22)


@pytest.fixture(autouse=True)
def frozen_clock(settings):
    settings.MAILLAGE_DEMO_TODAY = TODAY.isoformat()
    with time_machine.travel(dt.datetime(2026, 11, 22, 9, tzinfo=dt.UTC), tick=False):
        yield


def objectives_section(html: str) -> str:
    start = html.find('id="titre-objectifs"')
    return "" if start < 0 else html[start : html.find("</section>", start)]


def test_each_demo_territory_shows_its_own_contracts_objectives(client):
    context: dict = {}
    load_core_demo(today=TODAY, context=context)
    demo.load(today=TODAY, context=context)
    if isinstance(settings.ALLOWED_HOSTS, TerritoryHosts):
        settings.ALLOWED_HOSTS.invalidate()
    grasse = Territory.objects.get(slug="pays-de-grasse")
    current = PlanVersion.objects.get(contract__territory=grasse, year=TODAY.year)
    titles = list(
        current.nodes.filter(kind=Node.Kind.OBJECTIVE).order_by("position").values_list("title", flat=True)
    )
    assert len(titles) == 4

    section = objectives_section(client.get("/", HTTP_HOST="127.0.0.1").content.decode())
    assert "Les 4 objectifs du contrat" in section
    for number, title in enumerate(titles, start=1):
        assert f"Objectif n° {number}" in section
        assert title.replace("'", "&#x27;").split(" ")[0] in section
    # The home follows the contract: a renamed objective reads renamed.
    first = current.nodes.get(kind=Node.Kind.OBJECTIVE, number="1")
    services.update_node(actor=SYSTEM, node=first, data={"title": "Tisser le réseau des acteurs"})
    section = objectives_section(client.get("/", HTTP_HOST="127.0.0.1").content.decode())
    assert "Tisser le réseau des acteurs" in section

    # The Vallée du Loup has no plan on the platform: no objectives, and none of the Pays de Grasse's.
    loup = client.get("/", HTTP_HOST="vallee-du-loup.localhost").content.decode()
    assert "Vallée du Loup" in loup
    assert objectives_section(loup) == "" and "objectifs du contrat" not in loup
    for title in titles[1:]:
        assert title.replace("'", "&#x27;") not in loup


def test_a_territory_with_its_own_plan_shows_its_objectives_only(client, territory, other_territory):
    version = make_version(territory, year=TODAY.year)
    make_tree(version)
    objective = version.nodes.get(kind=Node.Kind.OBJECTIVE)
    html = client.get("/").content.decode()
    assert "L'objectif du contrat" in html and objective.title.replace("'", "&#x27;") in html
    other = client.get("/", HTTP_HOST="autre.testserver").content.decode()
    assert objective.title.replace("'", "&#x27;") not in other and "objectifs du contrat" not in other
