"""Public pages: the calls, a call's terms, its specification (with comments while open), the laureates,
the SCDL « Subventions » open data."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from maillage.calls import opendata, selectors, services
from maillage.calls.forms import CommentForm
from maillage.calls.models import Call, SpecStatus
from maillage.calls.permissions import can_animate, can_comment
from maillage.calls.views.common import add_errors, call_or_404, crumbs
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


@require_http_methods(["GET", "POST"])
def specification(request: HttpRequest, year: int) -> HttpResponse:
    call = call_or_404(request, year)
    animator = can_animate(request.user, request.territory)
    specs = call.specifications.order_by("-number")
    if not animator:
        specs = specs.exclude(status=SpecStatus.DRAFT)
    spec = specs.first()
    if spec is None:
        raise Http404
    form = CommentForm(request.POST or None)
    if request.method == "POST":
        if not can_comment(request.user, request.territory):
            raise PermissionDenied
        if form.is_valid():
            try:
                services.comment_specification(
                    actor=request.user, specification=spec, body=form.cleaned_data["body"]
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, "Merci : votre commentaire est publié.")
                return redirect("calls:specification", year=year)
    return render(
        request,
        "calls/specification.html",
        {
            "call": call,
            "spec": spec,
            "comments": spec.comments.select_related("author"),
            "form": form,
            "can_comment": spec.status == SpecStatus.OPEN and can_comment(request.user, request.territory),
            "breadcrumbs": crumbs(
                (f"Appel {call.year}", reverse("calls:call", args=[year])), ("Cahier des charges", None)
            ),
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
