"""API of the charter: the current version, the versions, a version's articles, the signatories.

Drafts are never served. Signatories carry the signer's name and role (public by the signer's consent,
said on the signing form), never an account or an address.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.http import HttpResponse
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from maillage.charter.models import CharterVersion, VersionStatus
from maillage.charter.querysets import VersionQuerySet
from maillage.charter.selectors import signatory_rows, signatory_structures
from maillage.core.api_lists import ArrayPageParams, arrayed, keyset

router = Router(tags=["charte"])


class CharterArticleOut(Schema):
    position: int
    title: str
    body: str


class CharterVersionSummaryOut(Schema):
    number: int
    title: str
    status: str
    opened_on: dt.date | None = None
    adopted_on: dt.date | None = None
    superseded_on: dt.date | None = None


class CharterVersionOut(CharterVersionSummaryOut):
    preamble: str
    articles: list[CharterArticleOut]


class CharterSignatoryOut(Schema):
    structure: str
    structure_slug: str
    commune: str | None = None
    latest_version: int
    signed_current_version: bool
    signed_on: dt.date
    signer_name: str
    signer_role: str


def _public_versions(request) -> VersionQuerySet:
    """The API is public: never a draft, whoever asks."""
    return CharterVersion.objects.of_territory(request.territory).public()


def _version_out(version: CharterVersion) -> dict:
    return {
        "number": version.number,
        "title": version.title,
        "status": version.status,
        "opened_on": version.opened_on,
        "adopted_on": version.adopted_on,
        "superseded_on": version.superseded_on,
        "preamble": version.preamble,
        "articles": [
            {"position": a.position, "title": a.title, "body": a.body} for a in version.articles.all()
        ],
    }


@router.get(
    "/charte", response={200: CharterVersionOut, 404: None}, summary="La version en vigueur de la charte"
)
def current_version(request):
    version = _public_versions(request).filter(status=VersionStatus.ADOPTED).first()
    if version is None:
        raise HttpError(404, "Aucune version de la charte n'est adoptée.")
    return _version_out(version)


@router.get(
    "/charte/versions", response=list[CharterVersionSummaryOut], summary="Les versions publiées de la charte"
)
def list_versions(request, response: HttpResponse, params: Query[ArrayPageParams]):
    page = keyset(_public_versions(request), order=("number", "pk"), params=params, salt="charter.versions")
    return arrayed(request, response, page)


@router.get(
    "/charte/versions/{number}",
    response={200: CharterVersionOut, 404: None},
    summary="Une version de la charte et ses articles",
)
def get_version(request, number: int):
    version = _public_versions(request).filter(number=number).first()
    if version is None:
        raise HttpError(404, f"La charte n'a pas de version publiée numéro {number}.")
    return _version_out(version)


class SignatoryFilters(ArrayPageParams):
    famille: str = Field("", max_length=40, description="famille de la structure")
    commune: str = Field("", max_length=10, description="code INSEE de la commune")
    statut: Literal["", "current", "previous"] = Field(
        "", description="current : signataires de la version en vigueur ; previous : d'une version antérieure"
    )
    q: str = Field("", max_length=100, description="texte cherché dans le nom")


@router.get(
    "/charte/signataires",
    response=list[CharterSignatoryOut],
    summary="Les structures signataires",
    description="Par nom de structure, 200 par page au plus. La page suivante : en-têtes `Link` "
    '(rel="next") et `X-Next-Cursor` (à passer en `curseur`) ; sans ces en-têtes, la liste est complète.',
)
def list_signatories(request, response: HttpResponse, filters: Query[SignatoryFilters]):
    structures = signatory_structures(
        request.territory, family=filters.famille, commune=filters.commune, status=filters.statut, q=filters.q
    )
    page = keyset(structures, order=("name", "pk"), params=filters, salt="charter.signatories")
    rows = signatory_rows(request.territory, page["items"])
    page["items"] = [
        {
            "structure": r.structure.name,
            "structure_slug": r.structure.slug,
            "commune": r.structure.commune.name if r.structure.commune else None,
            "latest_version": r.latest.version.number,
            "signed_current_version": r.is_current,
            "signed_on": r.latest.signed_on,
            "signer_name": r.latest.signer_name,
            "signer_role": r.latest.signer_role,
        }
        for r in rows
    ]
    return arrayed(request, response, page)
