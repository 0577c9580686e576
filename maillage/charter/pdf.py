"""PDFs of the charter and of a signature certificate, drawn by core's renderer (`maillage.core.pdf`: its
URL fetcher reads only our own static and media files), plus the charter's rate limit and cache."""

from __future__ import annotations

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

from maillage.core import pdf as core_pdf
from maillage.core.pdf import render_pdf
from maillage.core.ratelimit import client_ip, over_limit

__all__ = ["cached_pdf", "pdf_response", "rate_limited", "render_pdf", "too_many_response"]


def pdf_response(data: bytes, filename: str) -> HttpResponse:
    """Shown in the browser (a public text, not a private file)."""
    return core_pdf.pdf_response(data, filename, inline=True, private=False)


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
