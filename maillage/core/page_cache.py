"""Whole pages for anonymous visitors, kept in the shared cache under a version that every write raises.

A page that reads much and changes rarely (the directory's search) is rendered once per version and query
string and then served to every anonymous visitor of every web node from the shared cache, without running
the search or the templates. The caller gives the version: a string that changes in the transaction of
every write the page shows (the directory's version, the ids carrying a badge, …), so no cached page
outlives a write; the time limit only bounds the cache's memory.

Served from the cache only when nothing in the page can belong to one person:
- anonymous GET or HEAD requests, with no message waiting to be shown (`django.contrib.messages`);
- kept only when the render set no cookie and used no CSRF token (a page with a form that posts carries a
  token bound to one visitor's cookie), answered 200, and its query string holds only the names the page
  reads (`params`), so that junk parameters cannot fill the cache with copies.
The body is compressed in the cache (HTML shrinks about tenfold). A served page carries `X-Page-Cache: hit`
(or `miss`, `skip`), which the tests and the benchmarks read.
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Callable, Iterable

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.translation import get_language

SECONDS = 300
HEADER = "X-Page-Cache"
KEPT_HEADERS = ("Content-Type", "Vary", "Content-Language")
MAX_QUERY_LENGTH = 1000


def _messages_waiting(request: HttpRequest) -> bool:
    storage = getattr(request, "_messages", None)
    return storage is not None and len(storage) > 0


def _cacheable_request(request: HttpRequest, params: Iterable[str]) -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    user = getattr(request, "user", None)
    if user is None or user.is_authenticated:
        return False
    if len(request.META.get("QUERY_STRING", "")) > MAX_QUERY_LENGTH:
        return False
    allowed = set(params)
    if any(name not in allowed for name in request.GET):
        return False
    return not _messages_waiting(request)


def _cacheable_response(request: HttpRequest, response: HttpResponse) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not request.META.get("CSRF_COOKIE_USED")
        and not getattr(getattr(request, "_messages", None), "used", False)
    )


def key_for(request: HttpRequest, namespace: str, version: str, vary: Iterable[str] = ()) -> str:
    territory = getattr(request, "territory", None)
    parts = [
        request.get_host(),
        request.path,
        request.META.get("QUERY_STRING", ""),
        get_language() or "",
        *(f"{name}={request.headers.get(name, '')}" for name in vary),
    ]
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:40]
    return f"page:{namespace}:{territory.pk if territory else 0}:{version}:{digest}"


def anonymous_page(
    request: HttpRequest,
    render: Callable[[], HttpResponse],
    *,
    namespace: str,
    version: Callable[[], str],
    params: Iterable[str],
    vary: Iterable[str] = (),
    shared: bool = True,
    seconds: int = SECONDS,
) -> HttpResponse:
    """The page `render()` makes, from the shared cache when it may be shared (see the module's docstring;
    `shared=False`: this request's page is the visitor's own). `version()` is only called for a request that
    may be served from the cache."""
    if not shared or not _cacheable_request(request, params):
        response = render()
        response[HEADER] = "skip"
        return response
    vary = tuple(vary)
    key = key_for(request, namespace, version(), vary)
    stored = cache.get(key)
    if stored is not None:
        body, headers = stored
        response = HttpResponse(zlib.decompress(body))
        for name, value in headers:
            response[name] = value
        response[HEADER] = "hit"
        return response
    response = render()
    if _cacheable_response(request, response):
        headers = [(name, response[name]) for name in KEPT_HEADERS if response.has_header(name)]
        cache.set(key, (zlib.compress(response.content, 1), headers), seconds)
        response[HEADER] = "miss"
    else:
        response[HEADER] = "skip"
    return response
