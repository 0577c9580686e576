"""`maillage demo` loads the core data and can run twice."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.core.management import call_command

from maillage.core.demo_loader import load_core_demo
from maillage.core.hosts import TerritoryHosts
from maillage.core.models import Commune, Domain, Territory

pytestmark = pytest.mark.django_db


def _refresh_hosts() -> None:
    if isinstance(settings.ALLOWED_HOSTS, TerritoryHosts):
        settings.ALLOWED_HOSTS.invalidate()


def test_core_loader_is_idempotent_and_sets_the_context():
    context: dict = {}
    load_core_demo(today=dt.date(2026, 6, 5), context=context)
    load_core_demo(today=dt.date(2026, 6, 5), context=context)

    grasse = Territory.objects.get(slug="pays-de-grasse")
    loup = Territory.objects.get(slug="vallee-du-loup")
    assert context["territory"] == grasse and context["other_territory"] == loup
    assert Territory.objects.count() == 2
    assert grasse.contract_name == "Contrat local de développement de l'ESS du Pays de Grasse"
    assert grasse.canonical_url == "http://127.0.0.1:8000"
    assert set(grasse.domains.values_list("name", flat=True)) == {"127.0.0.1", "localhost"}
    assert set(loup.domains.values_list("name", flat=True)) == {"vallee-du-loup.localhost"}
    assert Domain.objects.count() == 3
    assert grasse.communes.count() == 23 == Commune.objects.count()
    flagged = Commune.objects.filter(flags__ex_pole_azur_provence=True)
    assert set(flagged.values_list("name", flat=True)) == {
        "Auribeau-sur-Siagne",
        "Grasse",
        "La Roquette-sur-Siagne",
        "Mouans-Sartoux",
        "Pégomas",
    }
    assert loup.communes.count() == 3


def test_core_loader_keeps_settings_an_administrator_changed():
    load_core_demo(today=dt.date(2026, 6, 5), context={})
    grasse = Territory.objects.get(slug="pays-de-grasse")
    grasse.settings = {**grasse.settings, "objectives": ["Un objectif local"]}
    grasse.save()
    load_core_demo(today=dt.date(2026, 6, 5), context={})
    grasse.refresh_from_db()
    assert grasse.settings["objectives"] == ["Un objectif local"]


def test_demo_command_runs_twice_and_territories_stay_apart(client):
    call_command("demo")
    call_command("demo")
    _refresh_hosts()

    assert Territory.objects.filter(slug__in=["pays-de-grasse", "vallee-du-loup"]).count() == 2
    grasse = client.get("/", HTTP_HOST="127.0.0.1").content.decode()
    loup = client.get("/", HTTP_HOST="vallee-du-loup.localhost").content.decode()
    assert "Contrat local de développement de l&#x27;ESS du Pays de Grasse" in grasse
    assert "Vallée du Loup" in loup
    assert "du Pays de Grasse</h1>" in grasse and "du Pays de Grasse</h1>" not in loup

    # The loaders tell one story: the plan's actions point at the ateliers that carry them out.
    atelier = client.get("/ateliers/guide-des-acteurs-et-des-pratiques/", HTTP_HOST="127.0.0.1")
    assert atelier.status_code == 200
    assert "guide « dynamique » des acteurs" in atelier.content.decode()
