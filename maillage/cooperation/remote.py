"""Reading another Maillage installation's shared items (its public API), through core's safe HTTP client.

`read_installation(url)` follows the pages of `/api/v1/cooperation/partages` (`next_cursor`), checks every
answer (JSON, the expected shape, sane sizes) and returns the whole list, or raises `RemoteError` with a
French message for the animator. It writes nothing: the caller writes the result in one transaction, so a
fetch that fails half-way imports nothing.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.dateparse import parse_datetime

from maillage.core.http import FetchError, FetchResponse, SafeHTTPClient

API_PATH = "/api/v1/cooperation/partages"
MAX_PAGES = 20
MAX_ITEMS = 2000
PAGE_SIZE = 100
KINDS = ("practice", "event")
_LIMITS = {"title": 200, "summary": 300, "body": 20000, "territory": 200, "structure": 200, "place": 300}


class RemoteError(Exception):
    """The installation could not be read; `str(error)` is in French, shown to the animator as is."""


@dataclass(frozen=True)
class RemoteItem:
    remote_id: str
    kind: str
    source_url: str
    title: str
    summary: str = ""
    body: str = ""
    origin_territory: str = ""
    origin_structure: str = ""
    themes: list[str] = field(default_factory=list)
    start: dt.datetime | None = None
    end: dt.datetime | None = None
    place: str = ""


@dataclass(frozen=True)
class RemoteFeed:
    name: str
    items: list[RemoteItem]


def api_url(url: str) -> str:
    """The list's address from what the animator typed: the installation's address, its API root or the
    list itself (« https://ess.exemple.fr », « …/api/v1 », « …/api/v1/cooperation/partages »)."""
    url = url.strip()
    parts = urlsplit(url)
    path = parts.path.rstrip("/")
    if path.endswith(API_PATH):
        return url.split("?", 1)[0].rstrip("/")
    if path.endswith("/api/v1"):
        path = path[: -len("/api/v1")]
    elif path.endswith("/api"):
        path = path[: -len("/api")]
    return f"{parts.scheme}://{parts.netloc}{path}{API_PATH}"


def _text(raw: dict[str, Any], key: str, position: int, *, required: bool = False) -> str:
    value = raw.get(key, "")
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise RemoteError(
            f"L'élément n° {position} de la réponse a un champ « {key} » qui n'est pas un texte."
        )
    value = value.strip()
    if required and not value:
        raise RemoteError(f"L'élément n° {position} de la réponse n'a pas de « {key} ».")
    return value[: _LIMITS.get(key, 500)]


def _when(raw: dict[str, Any], key: str, position: int) -> dt.datetime | None:
    value = raw.get(key)
    if value in (None, ""):
        return None
    parsed = parse_datetime(value) if isinstance(value, str) else None
    if parsed is None or parsed.tzinfo is None:
        raise RemoteError(f"L'élément n° {position} de la réponse a une date « {key} » illisible.")
    return parsed


def _item(raw: Any, position: int) -> RemoteItem:
    if not isinstance(raw, dict):
        raise RemoteError(f"L'élément n° {position} de la réponse n'est pas un objet.")
    kind = raw.get("kind")
    if kind not in KINDS:
        raise RemoteError(f"L'élément n° {position} de la réponse a un type inconnu.")
    remote_id = _text(raw, "id", position, required=True)[:64]
    source_url = _text(raw, "url", position, required=True)
    if urlsplit(source_url).scheme not in ("http", "https"):
        raise RemoteError(f"L'élément n° {position} de la réponse a une adresse d'origine invalide.")
    themes = raw.get("themes") or []
    if not isinstance(themes, list) or not all(isinstance(t, str) for t in themes):
        raise RemoteError(f"L'élément n° {position} de la réponse a des thèmes illisibles.")
    return RemoteItem(
        remote_id=remote_id,
        kind=kind,
        source_url=source_url,
        title=_text(raw, "title", position, required=True),
        summary=_text(raw, "summary", position),
        body=_text(raw, "body", position),
        origin_territory=_text(raw, "territory", position, required=True),
        origin_structure=_text(raw, "structure", position),
        themes=[t[:80] for t in themes[:20]],
        start=_when(raw, "start", position),
        end=_when(raw, "end", position),
        place=_text(raw, "place", position),
    )


def _payload(response: FetchResponse) -> dict[str, Any]:
    if not response.ok:
        raise RemoteError(f"L'installation a répondu avec une erreur (code {response.status_code}).")
    content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "text/html" or response.content.lstrip()[:1] == b"<":
        raise RemoteError(
            "L'adresse répond par une page web (HTML), pas par l'API d'une installation Maillage : "
            "vérifiez l'adresse."
        )
    try:
        payload = json.loads(response.content)
    except ValueError:
        raise RemoteError("La réponse de l'installation n'est pas un JSON valide.") from None
    if not isinstance(payload, dict) or not isinstance(payload.get("items"), list):
        raise RemoteError(
            "La réponse de l'installation ne suit pas le format attendu (pas de liste « items »)."
        )
    return payload


def read_installation(
    url: str, *, allow_loopback: bool | frozenset[int] | None = None, max_bytes: int | None = None
) -> RemoteFeed:
    """Every shared item of the installation at `url`, or `RemoteError`."""
    address = api_url(url)
    timeout = float(getattr(settings, "MAILLAGE_COOPERATION_TIMEOUT", settings.MAILLAGE_HTTP_TIMEOUT))
    items: list[RemoteItem] = []
    seen: set[str] = set()
    name = ""
    cursor = ""
    with SafeHTTPClient(allow_loopback=allow_loopback, timeout=timeout, max_bytes=max_bytes) as client:
        for _page in range(MAX_PAGES):
            params = {"taille": str(PAGE_SIZE), **({"curseur": cursor} if cursor else {})}
            try:
                response = client.get(address, params=params, headers={"Accept": "application/json"})
            except FetchError as exc:
                raise RemoteError(str(exc)) from exc
            payload = _payload(response)
            if not name:
                name = str(payload.get("installation") or "")[:200]
            for raw in payload["items"]:
                item = _item(raw, len(items) + 1)
                if item.remote_id in seen:
                    continue
                seen.add(item.remote_id)
                items.append(item)
                if len(items) > MAX_ITEMS:
                    raise RemoteError(f"L'installation partage plus de {MAX_ITEMS} éléments : import refusé.")
            cursor = payload.get("next_cursor") or ""
            if not isinstance(cursor, str):
                raise RemoteError("La réponse de l'installation a un curseur de page illisible.")
            if not cursor:
                return RemoteFeed(name=name, items=items)
    raise RemoteError(f"L'installation répond en plus de {MAX_PAGES} pages : import refusé.")
