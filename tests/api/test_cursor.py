"""Cursor pagination of the API's structure list: walking every page gives each row once even when rows are
inserted between pages; a tampered cursor is a 400 problem in French."""

from __future__ import annotations

import datetime as dt

import pytest

from maillage.core import cursor
from tests.factories import StructureFactory

pytestmark = pytest.mark.django_db


def _walk(client, *, insert_between=None, size=7):
    seen: list[str] = []
    answer = client.get(f"/api/v1/structures?taille={size}").json()
    pages = 1
    while True:
        seen += [item["slug"] for item in answer["items"]]
        if answer["next_cursor"] is None:
            return seen, pages
        if insert_between is not None:
            insert_between(pages)
        response = client.get("/api/v1/structures", {"taille": size, "curseur": answer["next_cursor"]})
        assert response.status_code == 200, response.content
        answer = response.json()
        pages += 1


def test_walking_the_pages_gives_every_row_once(client, territory):
    names = [f"Structure {chr(65 + i % 26)}{i:02d}" for i in range(30)]
    for name in names:
        StructureFactory(territory=territory, name=name)
    seen, pages = _walk(client)
    assert pages == 5
    assert len(seen) == len(set(seen)) == 30


def test_rows_inserted_between_pages_shift_nothing(client, territory):
    originals = {StructureFactory(territory=territory, name=f"Structure M{i:02d}").slug for i in range(20)}
    inserted: list[str] = []

    def insert(pages):
        # one before every cursor (sorted first), one after (sorted last), and a namesake of a row served
        for name in (f"Aaa {pages}", f"Zzz {pages}", "Structure M03"):
            inserted.append(
                StructureFactory(territory=territory, name=name, slug=f"ajout-{len(inserted)}").slug
            )

    seen, _ = _walk(client, insert_between=insert)
    assert len(seen) == len(set(seen)), "a row was served twice"
    assert originals <= set(seen), "a row was skipped"
    assert {s for s in inserted if s.startswith("ajout")} & set(seen)  # the later ones are reached


def test_a_tampered_cursor_is_a_400_problem_in_french(client, territory):
    for i in range(3):
        StructureFactory(territory=territory, name=f"Structure {i}")
    token = client.get("/api/v1/structures?taille=1").json()["next_cursor"]
    for bad in (token[:-2] + ("AA" if not token.endswith("AA") else "BB"), "n-importe-quoi", token + "x"):
        response = client.get("/api/v1/structures", {"curseur": bad})
        assert response.status_code == 400
        assert response["Content-Type"].startswith("application/problem+json")
        assert response.json()["detail"] == cursor.INVALID
    # a cursor signed for another list, or with the wrong shape, is refused as well
    foreign = cursor.encode(["x", 1], salt="autre-liste")
    assert client.get("/api/v1/structures", {"curseur": foreign}).status_code == 400
    short = cursor.encode(["x"], salt="api.structures")
    assert client.get("/api/v1/structures", {"curseur": short}).status_code == 400


def test_the_cursor_follows_the_name_sort_only(client, territory):
    for i in range(3):
        StructureFactory(territory=territory, name=f"Structure {i}")
    token = client.get("/api/v1/structures?taille=1").json()["next_cursor"]
    response = client.get("/api/v1/structures", {"curseur": token, "tri": "pertinence", "q": "structure"})
    assert response.status_code == 400
    assert "Le curseur ne sert qu'au tri par nom" in response.json()["detail"]


def test_descending_orders_and_dates(db):
    values = [dt.datetime(2026, 3, 1, 18, 0, tzinfo=dt.UTC), 12]
    token = cursor.encode(values, salt="t")
    assert cursor.decode(token, salt="t", length=2) == values
    condition = cursor.after(("-starts_at", "pk"), values)
    assert "starts_at__lt" in str(condition) and "pk__gt" in str(condition)


def test_the_condition_bounds_the_first_field_so_an_index_starts_at_the_cursor():
    from maillage.actors.models import Structure
    from maillage.core import cursor

    sql = str(Structure.objects.filter(cursor.after(("name_key", "pk"), ["m", 5])).query)
    assert '"name_key" >= m' in sql
    sql = str(Structure.objects.filter(cursor.after(("-name_key", "-pk"), ["m", 5])).query)
    assert '"name_key" <= m' in sql


def test_a_page_after_a_cursor_counts_nothing_and_keeps_the_first_pages_total(client, territory):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for i in range(12):
        StructureFactory(territory=territory, name=f"Structure {i:02d}")
    first = client.get("/api/v1/structures?taille=5").json()
    StructureFactory(territory=territory, name="Structure 99")  # added during the walk
    with CaptureQueriesContext(connection) as captured:
        second = client.get("/api/v1/structures", {"taille": 5, "curseur": first["next_cursor"]}).json()
    assert not [q["sql"] for q in captured if "COUNT(" in q["sql"].upper()]
    assert (second["count"], second["pages"]) == (first["count"], first["pages"]) == (12, 3)
    assert len(second["items"]) == 5 and second["next_cursor"]
    # the total rides in the signed cursor: a cursor without it, or with a changed one, is refused
    last = second["items"][-1]
    bare = cursor.encode([last["name"].lower(), 1], salt="api.structures")
    assert client.get("/api/v1/structures", {"curseur": bare}).status_code == 400
    negative = cursor.encode(["structure", 1, -3], salt="api.structures")
    assert client.get("/api/v1/structures", {"curseur": negative}).status_code == 400
