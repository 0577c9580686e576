"""The one shape of the API's lists, shared by every app's router: cursor pagination (`curseur`, `taille`)
and one page schema, `{"items": [...], "next_cursor": "…" | null}` (the shape of /api/v1/structures).

An app's list declares `Query[PageParams]` (or a filters schema inheriting it), its page schema
`page_of(ItemOut)`, and answers `keyset(qs, order=…, params=…, salt=…)`. Lists that answered a bare JSON
array before the cursors came keep that body and give the next page in headers (`arrayed`): `Link: <…>;
rel="next"` (RFC 8288) and `X-Next-Cursor`, so an existing client reading the array keeps working.

A tampered cursor raises `cursor.InvalidCursor`, which the API answers as a 400 problem (maillage.api).
Feature apps sit below the api app and import this module from core.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.db import models
from django.http import HttpRequest, HttpResponse
from ninja import Field, Schema
from pydantic import create_model

from maillage.core import cursor

DEFAULT_SIZE = 20
MAX_SIZE = 200
NEXT_HEADER = "X-Next-Cursor"


class PageParams(Schema):
    taille: int = Field(DEFAULT_SIZE, ge=1, le=MAX_SIZE, description=f"lignes par page ({MAX_SIZE} au plus)")
    curseur: str = Field("", max_length=500, description="la valeur `next_cursor` de la page précédente")


class ArrayPageParams(PageParams):
    """The lists that answered a whole array before: 200 rows per page by default, so that a client of those
    days still reads every row of a list of up to 200."""

    taille: int = Field(
        MAX_SIZE, ge=1, le=MAX_SIZE, description=f"lignes par page ({MAX_SIZE} par défaut et au plus)"
    )


_PAGES: dict[type, type[Schema]] = {}


def page_of(item: type[Schema]) -> type[Schema]:
    """The page schema of a list of `item` (`<Item>PageOut`), made once per item schema."""
    if item not in _PAGES:
        name = item.__name__.removesuffix("Out") + "PageOut"
        _PAGES[item] = create_model(
            name,
            __base__=Schema,
            items=(list[item], ...),  # type: ignore[valid-type]
            next_cursor=(str | None, Field(None, description="à passer en `curseur` pour la page suivante")),
        )
    return _PAGES[item]


def keyset(
    qs: models.QuerySet,
    *,
    order: Sequence[str],
    params: PageParams,
    salt: str,
    shape: Callable[[Any], Any] | None = None,
) -> dict[str, Any]:
    """One page of `qs` in `order` (ending with the primary key), after `params.curseur`: no OFFSET, so a
    deep page costs what the first one does. `shape` turns each row into what the schema reads."""
    found = cursor.page(qs, order=order, cursor=params.curseur, size=params.taille, salt=f"api.{salt}")
    items = [shape(row) for row in found.items] if shape else found.items
    return {"items": items, "next_cursor": found.next_cursor}


def keyset_sorted(
    rows: Sequence[Any], *, key: Callable[[Any], str], params: PageParams, salt: str
) -> dict[str, Any]:
    """The same page for a short list computed in memory, ordered by a unique string `key`."""
    ordered = sorted(rows, key=key)
    if params.curseur:
        (last,) = cursor.decode(params.curseur, salt=f"api.{salt}", length=1)
        ordered = [row for row in ordered if key(row) > str(last)]
    items = ordered[: params.taille]
    more = len(ordered) > params.taille
    token = cursor.encode([key(items[-1])], salt=f"api.{salt}") if more else None
    return {"items": items, "next_cursor": token}


def arrayed(request: HttpRequest, response: HttpResponse, page: dict[str, Any]) -> list[Any]:
    """A page of a list that answers a bare array: the rows, the next cursor in the response's headers."""
    token = page["next_cursor"]
    if token:
        query = request.GET.copy()
        query["curseur"] = token
        response[NEXT_HEADER] = token
        response["Link"] = f'<{request.build_absolute_uri(request.path)}?{query.urlencode()}>; rel="next"'
    return page["items"]
