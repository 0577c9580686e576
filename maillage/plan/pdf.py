"""The adopted evaluation report as PDF (WeasyPrint), from the same HTML as the page, with a url_fetcher that
only reads our own static files: nothing is fetched from the network or the file system elsewhere."""

from __future__ import annotations

import mimetypes
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from weasyprint import HTML
from weasyprint.urls import URLFetcherResponse


class ForbiddenFetch(ValueError):
    pass


def static_only_fetcher(url: str, *args: Any, **kwargs: Any) -> Any:
    """WeasyPrint's url_fetcher: our static files (by path, whatever the host), and nothing else."""
    parts = urlsplit(url)
    static_url = settings.STATIC_URL
    if parts.scheme not in ("http", "https") or not parts.path.startswith(static_url):
        raise ForbiddenFetch(f"Ressource refusée dans le PDF : {url}")
    relative = parts.path[len(static_url) :]
    if ".." in relative.split("/"):
        raise ForbiddenFetch(f"Ressource refusée dans le PDF : {url}")
    path = finders.find(relative)
    if not path:
        raise ForbiddenFetch(f"Fichier statique introuvable : {relative}")
    with open(path, "rb") as handle:
        data = handle.read()
    mime = mimetypes.guess_type(path)[0] or "application/octet-stream"
    return URLFetcherResponse(url, body=data, headers={"Content-Type": mime})


def render_pdf(html: str, *, base_url: str) -> bytes:
    return HTML(string=html, base_url=base_url, url_fetcher=static_only_fetcher).write_pdf()
