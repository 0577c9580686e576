"""Words the directory shows: complete legal-form labels, and « dans la commune » rather than « à 0,0 km »."""

from __future__ import annotations

import csv
import datetime as dt

from maillage.actors import services, taxonomy
from maillage.actors.taxonomy import DATA_DIR
from maillage.core.actors import SYSTEM
from maillage.core.registry import registry


def test_every_legal_form_row_has_two_columns():
    with (DATA_DIR / "categories_juridiques.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows and all(len(row) == 2 for row in rows), [row for row in rows if len(row) != 2]


def test_legal_form_label_is_complete(territory, animator, client):
    label = "Association de droit local (Bas-Rhin, Haut-Rhin et Moselle)"
    assert taxonomy.legal_form_label("9260") == label
    structure = services.create_structure(
        actor=animator,
        territory=territory,
        data={"name": "Amicale d'Alsace", "family": "association", "legal_form": "9260"},
    )
    assert label in client.get(f"/structures/{structure.slug}/").content.decode()


def test_structures_at_the_commune_centre_are_dans_la_commune(territory, animator, client):
    services.create_structure(
        actor=animator,
        territory=territory,
        data={"name": "Centre-ville solidaire", "family": "association", "commune": "06069"},
    )
    html = client.get("/structures/", {"autour": "06069", "rayon": "5"}).content.decode()
    assert "Centre-ville solidaire" in html
    assert "dans la commune" in html and "0,0 km" not in html and "0.0 km" not in html


def test_the_count_of_structures_is_what_the_directory_lists(territory, animator, client):
    """« N structures recensées » (the plan's metric) and the directory agree: published records only."""
    for name in ("Ressourcerie", "Jardins partagés", "Vélo école"):
        services.create_structure(
            actor=animator, territory=territory, data={"name": name, "family": "association"}
        )
    services.create_structure(
        actor=SYSTEM,
        territory=territory,
        data={"name": "En attente", "family": "association"},
        initial_status="pending",
    )
    today = dt.date.today()
    figure = registry.metric("actors.structures_published").compute(territory, today.replace(day=1), today)
    html = client.get("/structures/").content.decode()
    assert figure == 3
    assert f"{figure} structures" in html and html.count('class="card card-structure"') == figure
