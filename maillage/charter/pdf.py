"""PDFs of the charter and of a signature certificate, drawn by WeasyPrint from HTML templates.

The `url_fetcher` only serves our own static files (looked up by the staticfiles finders, or in
STATIC_ROOT): any other URL — a remote image, a file:// path, data from a user's Markdown — is refused, so
a PDF never makes WeasyPrint fetch anything outside.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.http import content_disposition_header

from maillage.core.ratelimit import client_ip, over_limit


class RefusedURL(ValueError):
    pass


def static_path(url: str) -> Path | None:
    """The file behind a URL of our static files, or None."""
    parts = urlsplit(url)
    if parts.scheme not in ("", "http", "https") or parts.query:
        return None
    path = parts.path
    if not path.startswith(settings.STATIC_URL):
        return None
    relative = path[len(settings.STATIC_URL) :]
    if not relative or ".." in Path(relative).parts:
        return None
    found = finders.find(relative)
    if found:
        return Path(found)
    if settings.STATIC_ROOT:
        candidate = Path(settings.STATIC_ROOT) / relative
        if candidate.is_file():
            return candidate
    return None


def static_only_fetcher(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    path = static_path(url)
    if path is None:
        raise RefusedURL(f"Ressource refusée dans un PDF : {url}")
    mime, _ = mimetypes.guess_type(path.name)
    return {"string": path.read_bytes(), "mime_type": mime or "application/octet-stream"}


def _fetcher() -> Any:
    """The fetcher in the shape the installed WeasyPrint wants: a `URLFetcher` subclass (≥ 66) or a
    function returning a dict (older)."""
    from weasyprint import urls  # heavy import (cairo, pango): loaded only when a PDF is drawn

    if not hasattr(urls, "URLFetcherResponse"):
        return static_only_fetcher

    class StaticOnlyFetcher(urls.URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            found = static_only_fetcher(url)
            return urls.URLFetcherResponse(
                url, body=found["string"], headers={"Content-Type": found["mime_type"]}
            )

    return StaticOnlyFetcher()


def render_pdf(template: str, context: dict[str, Any], *, base_url: str) -> bytes:
    from weasyprint import HTML

    html = render_to_string(template, context)
    return HTML(string=html, base_url=base_url, url_fetcher=_fetcher()).write_pdf()


def pdf_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(False, filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response


# Drawing a PDF costs about a second of CPU: anonymous visitors get at most PDF_RATE drawings per minute and
# per address (the shared cache holds the counter, so the limit holds across workers), and the PDF of a
# text that can no longer change (an adopted or superseded version) is kept in the cache for a day. A
# signature certificate is never cached: it holds the signer's name, which an erasure must remove.
PDF_RATE = 20
PDF_CACHE_SECONDS = 24 * 3600


def rate_limited(request: HttpRequest) -> bool:
    if request.user.is_authenticated:
        return False
    return over_limit(f"charter:pdf-rate:{client_ip(request)}", limit=PDF_RATE, window=60)


def cached_pdf(key: str | None, build) -> bytes:
    """`build()`'s PDF, from the cache when `key` is given (immutable texts only)."""
    if key is None:
        return build()
    data = cache.get(key)
    if data is None:
        data = build()
        cache.set(key, data, PDF_CACHE_SECONDS)
    return data


def too_many_response() -> HttpResponse:
    response = HttpResponse(
        "Trop de PDF demandés en peu de temps : réessayez dans une minute.",
        status=429,
        content_type="text/plain; charset=utf-8",
    )
    response["Retry-After"] = "60"
    return response
