"""API of the calls for projects: the public calls (open, closed, decided — never one in preparation) and the
granted subsidies of a call, as the laureates' page shows them (published structures, the project's title,
the amount; never an application's content, a juror, a score or a person). The whole list of granted
subsidies, structures not in the directory included, is the SCDL file (/appels/subventions-scdl.csv)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.urls import reverse
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from maillage.calls.models import Call, Grant
from maillage.calls.querysets import PUBLIC_CALL_STATES
from maillage.calls.selectors import laureates
from maillage.core.api_lists import PageParams, keyset, page_of

router = Router(tags=["appels à projets"])


class CallOut(Schema):
    year: int
    title: str
    summary: str
    status: str
    envelope: Decimal
    ceiling: Decimal
    opens_on: dt.date | None = None
    deadline: dt.datetime | None = None
    jury_on: dt.date | None = None
    results_on: dt.date | None = None
    url: str


class GrantOut(Schema):
    year: int
    structure: str
    structure_slug: str
    siret: str
    rna: str
    project: str
    amount: Decimal
    convention_on: dt.date


class CallFilters(PageParams):
    statut: str = Field("", max_length=20, description="open, closed ou decided")


def _call(call: Call) -> dict:
    return {
        "year": call.year,
        "title": call.title,
        "summary": call.summary,
        "status": call.status,
        "envelope": call.envelope,
        "ceiling": call.ceiling,
        "opens_on": call.opens_on,
        "deadline": call.deadline,
        "jury_on": call.jury_on,
        "results_on": call.results_on,
        "url": call.territory.absolute_url(reverse("calls:call", kwargs={"year": call.year})),
    }


def _grant(grant: Grant) -> dict:
    application = grant.application
    structure = application.structure
    return {
        "year": application.call.year,
        "structure": structure.name,
        "structure_slug": structure.slug,
        "siret": structure.siret or "",
        "rna": structure.rna or "",
        "project": application.title,
        "amount": grant.amount,
        "convention_on": grant.convention_on,
    }


def _public_calls(request):
    return Call.objects.of_territory(request.territory).public().select_related("territory")


@router.get(
    "/appels",
    response={200: page_of(CallOut), 400: None},
    summary="Appels à projets publics",
    description="Du plus récent au plus ancien ; `statut` : open (ouvert aux candidatures), closed (en "
    "instruction), decided (jury délibéré). Un statut inconnu répond 400.",
)
def list_calls(request, filters: Query[CallFilters]):
    calls = _public_calls(request)
    if filters.statut:
        if filters.statut not in PUBLIC_CALL_STATES:
            raise HttpError(
                400, f"Statut d'appel inconnu : « {filters.statut} » (attendu : open, closed, decided)."
            )
        calls = calls.filter(status=filters.statut)
    return keyset(calls, order=("-year", "-pk"), params=filters, salt="calls", shape=_call)


@router.get("/appels/{year}", response={200: CallOut, 404: None}, summary="Un appel à projets public")
def get_call(request, year: int):
    call = _public_calls(request).filter(year=year).first()
    if call is None:
        raise HttpError(404, f"Aucun appel à projets public pour l'année {year}.")
    return _call(call)


@router.get(
    "/appels/{year}/laureats",
    response={200: page_of(GrantOut), 404: None},
    summary="Les subventions attribuées par un appel à projets",
    description="Par nom de structure : les projets lauréats des structures publiées dans l'annuaire, avec "
    "le montant et la date de la convention (les mêmes que la page des lauréats).",
)
def list_grants(request, year: int, params: Query[PageParams]):
    if not _public_calls(request).filter(year=year).exists():
        raise HttpError(404, f"Aucun appel à projets public pour l'année {year}.")
    grants = laureates(request.territory).filter(application__call__year=year)
    return keyset(
        grants,
        order=("application__structure__name", "pk"),
        params=params,
        salt=f"calls.grants.{year}",
        shape=_grant,
    )
