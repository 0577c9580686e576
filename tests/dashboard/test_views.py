"""The figures pages: public and animation views, the year filter's bad input, CSV, PDF, the cached date."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.utils import timezone

from maillage.dashboard.models import FigureSnapshot
from tests.factories import StructureFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def structures(territory):
    grasse = territory.communes.get()
    return [
        StructureFactory(territory=territory, family="cooperative", commune=grasse, workforce_band="02"),
        StructureFactory(territory=territory, family="association", commune=grasse),
        StructureFactory(territory=territory, family="association"),
    ]


def test_public_page_shows_each_chart_with_its_table_and_date(client, structures):
    response = client.get("/chiffres/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "L'ESS du territoire en chiffres" in html
    assert html.count('role="img"') == 3  # families, communes, jobs (no inclusion or sector declared)
    assert '<title id="chart-familles-title">Structures par famille de l&#x27;ESS</title>' in html
    assert '<th scope="row">Association</th>' in html
    assert "Chiffres calculés le" in html
    assert "Emplois estimés selon la tranche d&#x27;effectif" in html
    assert "milieu de sa tranche" in html
    # the animation's per-year table of every metric is not on the public page
    assert "année par année" not in html
    assert "Vue de l'animation" not in html


def test_a_malformed_year_gets_a_french_message_and_the_figures_to_date(client, structures):
    response = client.get("/chiffres/?annee=19x7")
    html = response.content.decode()
    assert response.status_code == 200
    assert "L&#x27;année « 19x7 » n&#x27;est pas proposée" in html
    assert "<h1>L'ESS du territoire en chiffres</h1>" in html
    assert not FigureSnapshot.objects.exclude(year=0).exists()


def test_the_figures_are_served_from_the_cache_until_recomputed(client, territory, structures):
    client.get("/chiffres/")
    kept = FigureSnapshot.objects.get(territory=territory, year=0)
    StructureFactory(territory=territory, family="fondation")
    assert "Fondation" not in client.get("/chiffres/").content.decode()
    # a day later the page recomputes (the periodic job normally does it first)
    FigureSnapshot.objects.filter(pk=kept.pk).update(computed_at=timezone.now() - dt.timedelta(days=2))
    assert "Fondation" in client.get("/chiffres/").content.decode()


def test_csv_download_gives_the_table(client, structures):
    response = client.get("/chiffres/familles.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "chiffres-familles.csv" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows == [["Famille", "Structures"], ["Association", "2"], ["Coopérative", "1"]]


def test_csv_of_a_year_and_unknown_or_animation_only_tables(client, animator, structures):
    this_year = timezone.localdate().year
    response = client.get(f"/chiffres/emplois.csv?annee={this_year}")
    assert response.status_code == 200
    assert f"chiffres-emplois-{this_year}.csv" in response["Content-Disposition"]
    assert client.get("/chiffres/inconnu.csv").status_code == 404
    assert client.get("/chiffres/indicateurs-par-annee.csv").status_code == 404
    client.force_login(animator)
    assert client.get("/chiffres/indicateurs-par-annee.csv").status_code == 200


def test_animation_view_and_refresh(client, territory, member, animator, structures):
    assert client.get("/chiffres/animation/").status_code == 302
    client.force_login(member)
    assert client.get("/chiffres/animation/").status_code == 403
    assert client.post("/chiffres/animation/recalculer/").status_code == 403
    client.force_login(animator)
    html = client.get("/chiffres/animation/").content.decode()
    assert "Indicateurs des modules, année par année" in html
    before = FigureSnapshot.objects.get(territory=territory, year=0).computed_at
    response = client.post("/chiffres/animation/recalculer/", follow=True)
    assert "Les chiffres ont été recalculés." in response.content.decode()
    assert FigureSnapshot.objects.get(territory=territory, year=0).computed_at > before


def test_refresh_of_a_year_out_of_range_is_refused_in_french(client, territory, animator):
    client.force_login(animator)
    response = client.post("/chiffres/animation/recalculer/?annee=1990", follow=True)
    # the form refuses the year before the service is asked: the figures to date are recomputed
    assert response.status_code == 200
    assert not FigureSnapshot.objects.filter(year=1990).exists()


def test_pdf(client, structures):
    response = client.get("/chiffres/ess-du-territoire-en-chiffres.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_pdf_rate_limit(client, structures, monkeypatch):
    monkeypatch.setattr("maillage.dashboard.views.PDF_LIMIT", 1)
    assert client.get("/chiffres/ess-du-territoire-en-chiffres.pdf").status_code == 200
    response = client.get("/chiffres/ess-du-territoire-en-chiffres.pdf")
    assert response.status_code == 429
    assert "réessayez dans une minute" in response.content.decode()


def test_each_territory_sees_its_own_figures(client, territory, other_territory, structures):
    StructureFactory(territory=other_territory, family="mutuelle", name="Mutuelle voisine")
    assert "Mutuelle" not in client.get("/chiffres/").content.decode()
    other = client.get("/chiffres/familles.csv", HTTP_HOST="autre.testserver").content.decode("utf-8-sig")
    assert "Mutuelle" in other and "Association" not in other
