"""PDFs (feuille d'émargement, attestations, programme): drawn by core's renderer (`maillage.core.pdf`),
whose URL fetcher reads only our own static and media files through the storage API."""

from __future__ import annotations

from maillage.core.pdf import pdf_response, render_pdf

__all__ = ["pdf_response", "render_pdf"]
