"""Public pages: the calls, a call's terms, its specification (with comments while open), the laureates,
the SCDL « Subventions » open data."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from maillage.calls import opendata, selectors
from maillage.calls.models import Call, SpecStatus
from maillage.calls.permissions import can_animate
from maillage.calls.views.common import call_or_404, crumbs
from maillage.core.registry import registry


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    calls = list(Call.objects.for_user(request.user, request.territory).order_by("-year"))
    return render(
        request,
        "calls/home.html",
        {
            "calls": calls,
            "current": calls[0] if calls else None,
            "mine": selectors.my_applications(request.user, request.territory)
            if request.user.is_authenticated
            else [],
            "animator": can_animate(request.user, request.territory),
            "open_specs": selectors.open_specifications(request.territory),
        },
    )


@require_GET
def call_detail(request: HttpRequest, year: int) -> HttpResponse:
    call = call_or_404(request, year)
    spec = call.specifications.filter(status=SpecStatus.ADOPTED).first()
    needs = []
    for need in call.targeted_needs.all():
        target = registry.link_targets.get(need.target_key)
        needs.append((need.label, target.url(need.object_id) if target else ""))
    return render(
        request,
        "calls/call.html",
        {
            "call": call,
            "spec": spec,
            "criteria": call.criteria.all(),
            "needs": needs,
            "can_apply": bool(selectors.managed_structures(request.user, request.territory)),
            "breadcrumbs": crumbs((f"Appel {call.year}", None)),
        },
    )


@require_GET
def laureates(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "calls/laureates.html",
        {"grants": selectors.laureates(request.territory), "breadcrumbs": crumbs(("Lauréats", None))},
    )


@require_GET
def scdl(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(opendata.scdl_csv(request.territory), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="subventions-scdl.csv"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
