"""The adopted evaluation report as PDF, from the same HTML as the page, drawn by core's renderer
(`maillage.core.pdf`: its URL fetcher reads only our own static and media files)."""

from __future__ import annotations

from maillage.core import pdf as core_pdf


def render_pdf(html: str, *, base_url: str) -> bytes:
    return core_pdf.render_pdf(html=html, base_url=base_url)
