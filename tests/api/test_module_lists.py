"""Every list endpoint of the API pages by cursor the same way: walking the pages gives each row once (a row
inserted during the walk shifts nothing), a tampered cursor is a 400 problem in French, a malformed filter a
400 or 422 problem, an unknown key a 401 problem, and another territory's rows never appear."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from maillage.assessment.models import Campaign, Grid
from maillage.assessment.services import install_default_grid
from maillage.awards.models import Category, Edition, Nomination
from maillage.calls.models import Application, Call, Grant
from maillage.charter.models import CharterVersion
from maillage.core.actors import SYSTEM
from maillage.events.models import Visibility
from maillage.matchmaking.models import SpeedMeeting
from maillage.newsletter.models import Issue
from maillage.training.models import CollectiveSession, Theme
from maillage.workspace.models import NewsItem
from tests.charter.factories import SignatureFactory, adopted_version
from tests.events.factories import EventFactory
from tests.factories import StructureFactory
from tests.needs.factories import commune, need
from tests.training.factories import open_census

pytestmark = pytest.mark.django_db

NOW = timezone.now().replace(microsecond=0)
PROBLEM = "application/problem+json"


def _need(territory, i: int) -> Any:
    place = commune(territory, code=f"9{territory.pk:04}", name=f"Commune {territory.pk}")
    return need(territory, title=f"Besoin {i}", communes=[place])


def _call(territory, year: int) -> Call:
    return Call.objects.create(territory=territory, year=year, title=f"Appel {year}", status="decided")


def _grant(territory, i: int) -> Any:
    call = Call.objects.filter(territory=territory, year=2026).first() or _call(territory, 2026)
    structure = StructureFactory(territory=territory, name=f"Lauréate {i:03}")
    application = Application.objects.create(
        call=call, structure=structure, title=f"Projet {i}", status="selected"
    )
    return Grant.objects.create(
        application=application, amount=Decimal(1000 + i), convention_on=dt.date(2026, 6, 1)
    )


def _edition(territory, year: int, status: str = "nominations") -> Edition:
    edition = Edition.objects.create(territory=territory, year=year, title=f"Trophée {year}", status=status)
    Category.objects.create(edition=edition, name="Transition", position=0)
    return edition


def _winner(territory, i: int) -> Nomination:
    edition = Edition.objects.filter(territory=territory, year=2026).first() or _edition(
        territory, 2026, "published"
    )
    structure = StructureFactory(territory=territory, name=f"Primée {i:03}")
    return Nomination.objects.create(
        category=edition.categories.get(),
        structure=structure,
        initiative=f"Initiative {i}",
        status="accepted",
        prize="jury",
    )


def _session(territory, i: int) -> CollectiveSession:
    theme = Theme.objects.filter(census__territory=territory).first()
    if theme is None:
        theme = Theme.objects.create(census=open_census(territory), name="Comptabilité")
    event = EventFactory(
        territory=territory,
        start=NOW + dt.timedelta(days=3, hours=i),
        kind="training",
        visibility=Visibility.PUBLIC,
    )
    return CollectiveSession.objects.create(
        theme=theme, event=event, trainer="Claude Formatrice", priority_until=NOW + dt.timedelta(days=1)
    )


def _campaign(territory, year: int) -> Campaign:
    grid = Grid.objects.filter(territory=territory).first() or install_default_grid(
        actor=SYSTEM, territory=territory
    )
    return Campaign.objects.create(territory=territory, year=year, grid=grid, status="closed")


def _meeting(territory, i: int) -> SpeedMeeting:
    event = EventFactory(territory=territory, start=NOW + dt.timedelta(days=5, hours=i))
    return SpeedMeeting.objects.create(
        territory=territory, event=event, title=f"Speed-meeting {i}", wishes_deadline=NOW, status="open"
    )


def _signatory(territory, i: int) -> Any:
    version = CharterVersion.objects.filter(charter__territory=territory, number=1).first()
    version = version or adopted_version(territory)
    structure = StructureFactory(territory=territory, name=f"Signataire {i:03}")
    return SignatureFactory(version=version, structure=structure, signer_name="Sam")


@dataclass
class ListCase:
    url: str | Callable[[Any], str]
    make: Callable[[Any, int], Any]  # one visible row of the territory
    ident: Callable[[dict], Any]  # what names a row in the answer
    arrayed: bool = False  # a bare array, the next page in headers

    def path(self, territory) -> str:
        return self.url(territory) if callable(self.url) else self.url


CASES = {
    "besoins": ListCase("/api/v1/besoins", lambda t, i: _need(t, i), lambda r: r["id"]),
    "appels": ListCase("/api/v1/appels", lambda t, i: _call(t, 2000 + i), lambda r: r["year"]),
    "laureats": ListCase("/api/v1/appels/2026/laureats", _grant, lambda r: r["structure_slug"]),
    "trophees": ListCase("/api/v1/trophees", lambda t, i: _edition(t, 2000 + i), lambda r: r["year"]),
    "palmares": ListCase("/api/v1/trophees/2026/laureats", _winner, lambda r: r["structure_slug"]),
    "formations": ListCase("/api/v1/formations", _session, lambda r: r["id"]),
    "utilite-sociale": ListCase(
        "/api/v1/utilite-sociale", lambda t, i: _campaign(t, 2000 + i), lambda r: r["year"]
    ),
    "rencontres": ListCase("/api/v1/rencontres", _meeting, lambda r: r["id"]),
    "agenda": ListCase(
        "/api/v1/agenda",
        lambda t, i: EventFactory(territory=t, start=NOW + dt.timedelta(days=2, hours=i)),
        lambda r: r["slug"],
        arrayed=True,
    ),
    "veille": ListCase(
        "/api/v1/veille",
        lambda t, i: NewsItem.objects.create(
            territory=t, title=f"Article {i}", url=f"https://exemple.fr/{t.slug}/{i}", published_at=NOW
        ),
        lambda r: r["url"],
        arrayed=True,
    ),
    "lettre": ListCase(
        "/api/v1/lettre/numeros",
        lambda t, i: Issue.objects.create(
            territory=t, number=i, title=f"Lettre {i}", status="sent", sent_at=NOW
        ),
        lambda r: r["number"],
        arrayed=True,
    ),
    "signataires": ListCase(
        "/api/v1/charte/signataires", _signatory, lambda r: r["structure_slug"], arrayed=True
    ),
}


def _page(client, case: ListCase, territory, token: str | None, **params) -> tuple[list, str | None]:
    query = {"taille": 2, **params, **({"curseur": token} if token else {})}
    response = client.get(case.path(territory), query)
    assert response.status_code == 200, response.content[:400]
    if case.arrayed:
        following = response.headers.get("X-Next-Cursor")
        if following:
            assert 'rel="next"' in response.headers["Link"] and "curseur=" in response.headers["Link"]
        return response.json(), following
    body = response.json()
    assert set(body) == {"items", "next_cursor"}
    return body["items"], body["next_cursor"]


@pytest.mark.parametrize("name", list(CASES))
def test_walking_every_list_gives_each_row_once(client, territory, other_territory, name):
    case = CASES[name]
    for i in range(5):
        case.make(territory, i + 1)
    case.make(other_territory, 50)  # never seen from this territory
    expected = {case.ident(r) for r in _page(client, case, territory, None, taille=200)[0]}
    assert len(expected) == 5
    seen: list = []
    token = None
    for step in range(10):
        rows, token = _page(client, case, territory, token)
        assert len(rows) <= 2
        seen += [case.ident(r) for r in rows]
        if step == 0:
            case.make(territory, 30)  # inserted during the walk: nothing shifts, nothing repeats
        if token is None:
            break
    assert len(seen) == len(set(seen)), f"une ligne vue deux fois : {seen}"
    assert expected <= set(seen)
    assert len(seen) in (5, 6)


@pytest.mark.parametrize("name", list(CASES))
def test_another_territorys_rows_never_appear(client, territory, other_territory, name):
    case = CASES[name]
    mine = case.make(territory, 1)
    theirs = case.make(other_territory, 2)
    assert mine is not None and theirs is not None
    here = client.get(case.path(territory), {"taille": 200})
    there = client.get(case.path(other_territory), {"taille": 200}, HTTP_HOST="autre.testserver")
    rows_here = here.json() if case.arrayed else here.json()["items"]
    rows_there = there.json() if case.arrayed else there.json()["items"]
    assert len(rows_here) == 1 and len(rows_there) == 1
    assert {case.ident(r) for r in rows_here}.isdisjoint({case.ident(r) for r in rows_there})


@pytest.mark.parametrize("name", [*CASES, "chiffres"])
def test_a_tampered_cursor_is_a_400_problem_in_french(client, territory, name):
    url = CASES[name].path(territory) if name in CASES else "/api/v1/chiffres"
    if name in CASES:
        CASES[name].make(territory, 1)
    for bad in ("abc", "W10:1tamper:xyz", "x" * 400):
        response = client.get(url, {"curseur": bad})
        assert response.status_code == 400, (name, response.status_code, response.content[:200])
        assert response["Content-Type"].startswith(PROBLEM)
        body = response.json()
        assert body["status"] == 400 and "curseur de page est invalide" in body["detail"]


def test_a_cursor_of_one_list_is_refused_by_another(client, territory):
    for i in range(3):
        _call(territory, 2000 + i)
        _edition(territory, 2000 + i)
    token = client.get("/api/v1/appels", {"taille": 1}).json()["next_cursor"]
    assert token
    assert client.get("/api/v1/trophees", {"curseur": token}).status_code == 400
    assert client.get("/api/v1/appels", {"curseur": token}).status_code == 200


@pytest.mark.parametrize(
    ("url", "params", "status"),
    [
        ("/api/v1/besoins", {"statut": "inconnu"}, 400),
        ("/api/v1/besoins", {"categorie": "pas-une-categorie"}, 400),
        ("/api/v1/besoins", {"taille": "beaucoup"}, 422),
        ("/api/v1/appels", {"statut": "brouillon"}, 400),
        ("/api/v1/agenda", {"kind": "pique-nique"}, 400),
        ("/api/v1/agenda", {"past": "peut-être"}, 422),
        ("/api/v1/charte/signataires", {"statut": "tous"}, 422),
        ("/api/v1/formations", {"taille": 0}, 422),
        ("/api/v1/trophees", {"taille": 201}, 422),
        ("/api/v1/chiffres", {"annee": "l'an dernier"}, 422),
        ("/api/v1/rencontres", {"taille": -1}, 422),
        ("/api/v1/utilite-sociale", {"taille": "x"}, 422),
    ],
)
def test_a_malformed_filter_is_a_problem(client, territory, url, params, status):
    response = client.get(url, params)
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith(PROBLEM)
    assert response.json()["status"] == status and response.json()["detail"]


@pytest.mark.parametrize(
    "url", ["/api/v1/besoins", "/api/v1/appels", "/api/v1/formations", "/api/v1/chiffres"]
)
def test_an_unknown_key_is_a_401_problem(client, territory, url):
    response = client.get(url, HTTP_X_API_KEY="pas-une-cle")
    assert response.status_code == 401
    assert response["Content-Type"].startswith(PROBLEM)
    assert "inconnue ou a été révoquée" in response.json()["detail"]


def test_reads_are_open_to_other_origins_and_expose_the_next_cursor(client, territory):
    for i in range(3):
        EventFactory(territory=territory, start=NOW + dt.timedelta(days=2, hours=i))
    response = client.get("/api/v1/agenda", {"taille": 1})
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "X-Next-Cursor" in response["Access-Control-Expose-Headers"]
    assert response["X-Next-Cursor"]


def test_the_old_agenda_limit_still_sizes_the_page(client, territory):
    for i in range(3):
        EventFactory(territory=territory, start=NOW + dt.timedelta(days=2, hours=i))
    assert len(client.get("/api/v1/agenda", {"limit": 2}).json()) == 2
    assert len(client.get("/api/v1/agenda").json()) == 3  # 50 by default, as before


def test_winners_wait_for_the_palmares(client, territory):
    edition = _edition(territory, 2026, "closed")
    structure = StructureFactory(territory=territory)
    Nomination.objects.create(
        category=edition.categories.get(),
        structure=structure,
        initiative="X",
        status="accepted",
        prize="jury",
    )
    assert client.get("/api/v1/trophees/2026/laureats").status_code == 404
    Edition.objects.filter(pk=edition.pk).update(status="published")
    assert [r["structure_slug"] for r in client.get("/api/v1/trophees/2026/laureats").json()["items"]] == [
        structure.slug
    ]


def test_draft_calls_and_editions_stay_hidden(client, territory):
    Call.objects.create(territory=territory, year=2030, title="En préparation", status="draft")
    Edition.objects.create(territory=territory, year=2030, title="En préparation", status="draft")
    assert client.get("/api/v1/appels").json()["items"] == []
    assert client.get("/api/v1/trophees").json()["items"] == []
    assert client.get("/api/v1/appels/2030/laureats").status_code == 404


def test_figures_come_from_every_module_through_the_registry(client, territory):
    first = client.get("/api/v1/chiffres", {"taille": 3}).json()
    keys = [f["key"] for f in first["items"]]
    token = first["next_cursor"]
    while token:
        page = client.get("/api/v1/chiffres", {"taille": 3, "curseur": token}).json()
        keys += [f["key"] for f in page["items"]]
        token = page["next_cursor"]
    assert keys == sorted(keys) and len(keys) == len(set(keys))
    assert "charter_signatories" in keys and any(k.startswith("events.") for k in keys)
