"""The one PDF renderer: WeasyPrint draws HTML templates (print CSS) with a URL fetcher that reads only our
own static and media files, through Django's storage API.

WeasyPrint fetches the stylesheets and images a page points to. `OwnFilesFetcher` answers only:
- URLs under STATIC_URL, read through the staticfiles storage (collected, hashed files in production) or,
  when not collected, the staticfiles finders;
- URLs under MEDIA_URL, read through `default_storage.open()` (local disk or S3-compatible storage alike);
and only on the page's own host (`base_url`) or on STATIC_URL/MEDIA_URL when those are absolute. Any other
URL — another host, `file://`, `data:`, a path with `..` — is refused with `FetchRefused`: WeasyPrint logs a
warning and draws the page without that resource; the server never opens a connection or a local file.
"""

from __future__ import annotations

import functools
import logging
import mimetypes
import posixpath
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import default_storage
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.http import content_disposition_header

logger = logging.getLogger("maillage.pdf")

# Base URL of PDFs drawn without a page address (sheets, certificates): relative URLs resolve under it.
BASE_URL = "https://maillage.invalid/"
MAX_RESOURCE_BYTES = 10 * 1024 * 1024


class FetchRefused(ValueError):
    """A URL the PDF renderer does not fetch (outside our static and media files)."""


def _relative_name(path: str) -> str | None:
    """A storage name from a URL path below a prefix, or None if it could leave the storage."""
    name = unquote(path)
    if not name or "\\" in name or "\x00" in name or name.startswith("/"):
        return None
    if any(part in ("..", ".") for part in name.split("/")):
        return None
    return name if posixpath.normpath(name) == name.rstrip("/") else None


def _below(url: str, prefix: str, own_netloc: str) -> str | None:
    """The part of `url` below `prefix` (STATIC_URL or MEDIA_URL), or None."""
    if not prefix:
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return None
    prefix_parts = urlsplit(prefix)
    if prefix_parts.scheme:  # an absolute prefix (a CDN, an S3 bucket): same scheme, host and path
        if (parts.scheme, parts.netloc) != (prefix_parts.scheme, prefix_parts.netloc):
            return None
        base_path = prefix_parts.path
    else:
        if parts.netloc != own_netloc:
            return None
        base_path = prefix if prefix.startswith("/") else f"/{prefix}"
    if not parts.path.startswith(base_path):
        return None
    return _relative_name(parts.path[len(base_path) :])


def _read_static(name: str) -> bytes | None:
    try:
        if staticfiles_storage.exists(name):
            with staticfiles_storage.open(name) as handle:
                return handle.read(MAX_RESOURCE_BYTES + 1)
    except (OSError, ValueError):  # ManifestStaticFilesStorage without a manifest, unreadable file
        pass
    found = finders.find(name)
    if not found:
        return None
    with open(found, "rb") as handle:
        return handle.read(MAX_RESOURCE_BYTES + 1)


def _read_media(name: str) -> bytes | None:
    try:
        if not default_storage.exists(name):
            return None
        with default_storage.open(name) as handle:
            return handle.read(MAX_RESOURCE_BYTES + 1)
    except (OSError, ValueError, SuspiciousFileOperation):  # a name the storage refuses
        return None


def read_own_file(url: str, *, base_url: str = BASE_URL) -> tuple[bytes, str]:
    """(content, MIME type) of one of our static or media files named by `url`; else FetchRefused."""
    own_netloc = urlsplit(base_url).netloc
    data = None
    name = _below(url, settings.STATIC_URL, own_netloc)
    if name is not None:
        data = _read_static(name)
    else:
        name = _below(url, settings.MEDIA_URL, own_netloc)
        if name is not None:
            data = _read_media(name)
    if name is None:
        raise FetchRefused(f"refused to fetch {url[:200]!r}: only our static and media files")
    if data is None:
        raise FetchRefused(f"no such static or media file: {name[:200]!r}")
    if len(data) > MAX_RESOURCE_BYTES:
        raise FetchRefused(f"resource too large for a PDF: {name[:200]!r}")
    mime, _ = mimetypes.guess_type(name)
    return data, mime or "application/octet-stream"


@functools.cache
def _fetcher_class() -> type:
    """`OwnFilesFetcher`, built on first use: WeasyPrint (cairo, pango) is imported only to draw a PDF."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class OwnFilesFetcher(URLFetcher):
        """WeasyPrint's fetcher (a `URLFetcher`, as WeasyPrint ≥ 66 wants), limited to our own files."""

        def __init__(self, base_url: str = BASE_URL) -> None:
            super().__init__(allowed_protocols=("http", "https"), allow_redirects=False, fail_on_errors=False)
            self.base_url = base_url

        def fetch(self, url: str, headers: Any = None) -> Any:
            data, mime = read_own_file(url, base_url=self.base_url)
            return URLFetcherResponse(url, body=data, headers={"Content-Type": mime})

        def open(self, url: Any, data: Any = None, timeout: Any = None) -> Any:  # never urllib's opener
            return self.fetch(url.full_url if hasattr(url, "full_url") else str(url))

    return OwnFilesFetcher


def url_fetcher(base_url: str = BASE_URL) -> Any:
    """A WeasyPrint URL fetcher that reads only our static and media files (see the module's docstring)."""
    return _fetcher_class()(base_url)


def render_pdf(
    template: str | None = None,
    context: dict[str, Any] | None = None,
    *,
    html: str | None = None,
    request: HttpRequest | None = None,
    base_url: str | None = None,
) -> bytes:
    """Draw a template (or ready `html`) as PDF. `base_url`: the page's address (its links resolve against
    it and its own files are read from storage); default an internal address."""
    if html is None:
        if template is None:
            raise TypeError("render_pdf needs a template or html")
        html = render_to_string(template, context or {}, request=request)
    from weasyprint import HTML  # heavy import: only when a PDF is drawn

    base = base_url or BASE_URL
    return HTML(string=html, base_url=base, url_fetcher=url_fetcher(base)).write_pdf()


def pdf_response(data: bytes, filename: str, *, inline: bool = False, private: bool = True) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(not inline, filename) or "attachment"
    response["X-Content-Type-Options"] = "nosniff"
    if private:
        response["Cache-Control"] = "private, no-store"
    return response
