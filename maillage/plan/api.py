"""API of the contract and its action plan (read only): the contract, the yearly plans, a plan's tree with
status and rolled-up progress, its indicators with their latest value.

Public data only, scoped to the territory of the request like the accountability page: no account, no
author of a measurement, no comment. A lead structure's slug is given only when it is published in the
directory (its name is shown on the public page either way).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import HttpResponse
from ninja import Query, Router, Schema
from ninja.errors import HttpError

from maillage.actors.models import Structure
from maillage.core.api_lists import ArrayPageParams, arrayed, keyset
from maillage.plan.models import PlanVersion
from maillage.plan.selectors import contract_for
from maillage.plan.tree import IndicatorView, TreeNode, build_tree, plan_summary

router = Router(tags=["plan d'actions"])


class ContractDocumentOut(Schema):
    title: str
    url: str


class PlanVersionSummaryOut(Schema):
    year: int
    title: str
    copied_from: int | None = None


class ContractOut(Schema):
    title: str
    summary: str
    parties: list[str]
    signed_on: dt.date | None = None
    starts_on: dt.date
    ends_on: dt.date
    animation: str
    documents: list[ContractDocumentOut]
    versions: list[PlanVersionSummaryOut]


class IndicatorValueOut(Schema):
    date: dt.date
    value: Decimal
    computed: bool


class IndicatorOut(Schema):
    ref: str
    node: str  # the ref of the node it measures
    title: str
    unit: str
    baseline: Decimal | None = None
    target: Decimal | None = None
    target_date: dt.date | None = None
    computed: bool
    metric: str | None = None  # the registry metric it is computed from
    latest: IndicatorValueOut | None = None
    attainment: int | None = None  # percent of the way from the baseline to the target (0–100)


class PlanNodeOut(Schema):
    ref: str
    kind: str
    number: str
    title: str
    weight: int
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    status: str
    progress: int
    lead: str | None = None
    lead_slug: str | None = None
    partners: str = ""
    indicators: list[IndicatorOut]
    children: list[PlanNodeOut]


PlanNodeOut.model_rebuild()


class PlanOut(Schema):
    year: int
    title: str
    progress: int
    actions: int
    actions_by_status: dict[str, int]
    objectives: list[PlanNodeOut]


def _version(request, year: int) -> PlanVersion:
    version = PlanVersion.objects.for_user(request.user, request.territory).filter(year=year).first()
    if version is None:
        raise HttpError(404, f"Aucun plan d'actions pour l'année {year}.")
    return version


def _version_summary(v: PlanVersion) -> dict:
    return {"year": v.year, "title": str(v), "copied_from": v.copied_from.year if v.copied_from else None}


def _versions(request) -> list[dict]:
    return [
        _version_summary(v)
        for v in PlanVersion.objects.for_user(request.user, request.territory)
        .select_related("copied_from")
        .order_by("year")
    ]


def _indicator(view: IndicatorView, node_ref: str) -> dict:
    ind, latest = view.indicator, view.latest
    return {
        "ref": str(ind.ref),
        "node": node_ref,
        "title": ind.title,
        "unit": ind.unit,
        "baseline": ind.baseline,
        "target": ind.target,
        "target_date": ind.target_date,
        "computed": bool(ind.metric_key),
        "metric": ind.metric_key or None,
        "latest": (
            {"date": latest.date, "value": latest.value, "computed": latest.source == "computed"}
            if latest
            else None
        ),
        "attainment": view.attainment,
    }


def _node(item: TreeNode, published: set[int]) -> dict:
    node = item.node
    is_action = node.kind == node.Kind.ACTION
    lead = None
    if is_action and node.lead_id:
        lead = node.lead.name
    elif is_action and node.lead_label:
        lead = node.lead_label
    return {
        "ref": str(node.ref),
        "kind": node.kind,
        "number": node.number,
        "title": node.title,
        "weight": node.weight,
        "starts_on": node.starts_on,
        "ends_on": node.ends_on,
        "status": item.status,
        "progress": item.progress,
        "lead": lead,
        "lead_slug": node.lead.slug if is_action and node.lead_id in published else None,
        "partners": node.partners_label if is_action else "",
        "indicators": [_indicator(view, str(node.ref)) for view in item.indicators],
        "children": [_node(child, published) for child in item.children],
    }


@router.get(
    "/contrat", response={200: ContractOut, 404: None}, summary="Le contrat et ses plans d'actions annuels"
)
def get_contract(request):
    contract = contract_for(request.territory)
    if contract is None:
        raise HttpError(404, "Le contrat n'est pas encore publié.")
    return {
        "title": contract.title,
        "summary": contract.summary,
        "parties": contract.party_list,
        "signed_on": contract.signed_on,
        "starts_on": contract.starts_on,
        "ends_on": contract.ends_on,
        "animation": contract.animator_label,
        "documents": [{"title": d.title, "url": d.url} for d in contract.documents.all()],
        "versions": _versions(request),
    }


@router.get(
    "/contrat/plans",
    response=list[PlanVersionSummaryOut],
    summary="Les plans d'actions annuels",
    description='Par année. La page suivante : en-têtes `Link` (rel="next") et `X-Next-Cursor`.',
)
def list_plans(request, response: HttpResponse, params: Query[ArrayPageParams]):
    versions = PlanVersion.objects.for_user(request.user, request.territory).select_related("copied_from")
    page = keyset(versions, order=("year", "pk"), params=params, salt="plan.versions", shape=_version_summary)
    return arrayed(request, response, page)


@router.get(
    "/contrat/plans/{year}",
    response={200: PlanOut, 404: None},
    summary="Un plan d'actions annuel : l'arbre des objectifs et actions, statut, avancement, indicateurs",
)
def get_plan(request, year: int):
    version = _version(request, year)
    roots = build_tree(version, history=False)
    summary = plan_summary(roots)
    leads = {item.node.lead_id for root in roots for item in root.walk() if item.node.lead_id}
    published = set(
        Structure.objects.filter(pk__in=leads, status=Structure.Status.PUBLISHED).values_list("pk", flat=True)
    )
    return {
        "year": version.year,
        "title": str(version),
        "progress": summary["progress"],
        "actions": summary["actions"],
        "actions_by_status": {code: count for _label, code, count in summary["by_status"]},
        "objectives": [_node(root, published) for root in roots],
    }


@router.get(
    "/contrat/plans/{year}/indicateurs",
    response={200: list[IndicatorOut], 404: None},
    summary="Les indicateurs d'un plan annuel, avec leur dernière mesure",
)
def list_indicators(request, year: int):
    version = _version(request, year)
    return [
        _indicator(view, str(item.node.ref))
        for root in build_tree(version, history=False)
        for item in root.walk()
        for view in item.indicators
    ]
