"""PDFs (feuille d'émargement, attestations, programme) from HTML templates with WeasyPrint.

WeasyPrint fetches the stylesheets and images a template points to; `url_fetcher` only serves our own
static files (through the staticfiles finders) and media files (under MEDIA_ROOT): any other URL — another
host, `file://`, `data:` — is refused, so a Markdown image in a description cannot make the server fetch.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.http import content_disposition_header

BASE_URL = "https://maillage.invalid/"


class FetchRefused(ValueError):
    pass


def _local_path(url: str) -> Path | None:
    parts = urlsplit(url)
    if parts.scheme != "https" or parts.netloc != "maillage.invalid":
        return None
    path = unquote(parts.path)
    if ".." in path.split("/"):
        return None
    if path.startswith(settings.STATIC_URL):
        relative = path[len(settings.STATIC_URL) :]
        found = finders.find(relative)
        if found:
            return Path(found)
        if settings.STATIC_ROOT:  # collected (and, in production, hashed) files
            root = Path(settings.STATIC_ROOT).resolve()
            candidate = (root / relative).resolve()
            return candidate if candidate.is_relative_to(root) and candidate.is_file() else None
        return None
    if path.startswith(settings.MEDIA_URL):
        root = Path(settings.MEDIA_ROOT).resolve()
        candidate = (root / path[len(settings.MEDIA_URL) :]).resolve()
        return candidate if candidate.is_relative_to(root) and candidate.is_file() else None
    return None


def url_fetcher(url: str, timeout: int = 10, ssl_context: Any = None) -> dict[str, Any]:
    path = _local_path(url)
    if path is None:
        raise FetchRefused(f"refused to fetch {url!r}: only our static and media files")
    mime, _ = mimetypes.guess_type(path.name)
    return {
        "string": path.read_bytes(),
        "mime_type": mime or "application/octet-stream",
        "redirected_url": url,
    }


def _fetcher() -> Any:
    """`url_fetcher` in the shape the installed WeasyPrint wants: a `URLFetcher` subclass (≥ 66) or a
    function."""
    from weasyprint import urls  # heavy import (cairo, pango): only when a PDF is drawn

    if not hasattr(urls, "URLFetcherResponse"):
        return url_fetcher

    class OwnFilesFetcher(urls.URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            found = url_fetcher(url)
            return urls.URLFetcherResponse(
                url, body=found["string"], headers={"Content-Type": found["mime_type"]}
            )

    return OwnFilesFetcher()


def render_pdf(template: str, context: dict[str, Any], request: HttpRequest | None = None) -> bytes:
    from weasyprint import HTML  # heavy import: only when a PDF is asked for

    html = render_to_string(template, context, request=request)
    return HTML(string=html, base_url=BASE_URL, url_fetcher=_fetcher()).write_pdf()


def pdf_response(data: bytes, filename: str, *, inline: bool = False) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(not inline, filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
