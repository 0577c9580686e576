"""The animation edits the call's evaluation criteria (add, rename, re-weight, remove) until a juror has
scored; from then on the page shows them, read only, and a change is refused."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from maillage.calls import services
from maillage.calls.forms import CriteriaFormSet, criteria_rows
from maillage.calls.views.common import crumbs, managed_call_or_404


@login_required
@require_http_methods(["GET", "POST"])
def criteria(request: HttpRequest, year: int) -> HttpResponse:
    call = managed_call_or_404(request, year)
    current = list(call.criteria.all())
    initial = [{"label": c.label, "weight": str(c.weight)} for c in current]
    formset = CriteriaFormSet(request.POST or None, initial=initial, prefix="criteres")
    errors: list[str] = []
    locked = services.criteria_locked(call)
    if request.method == "POST":
        if not formset.is_valid():
            errors = ["Vérifiez les critères signalés ci-dessous."]
        else:
            try:
                services.set_criteria(actor=request.user, call=call, criteria=criteria_rows(formset))
            except ValidationError as exc:
                errors = exc.messages
                locked = services.criteria_locked(call)
            else:
                messages.success(request, "Les critères d'évaluation et leurs pondérations sont enregistrés.")
                return redirect("calls:criteria", year=year)
    return render(
        request,
        "calls/criteria.html",
        {
            "call": call,
            "criteria": current,
            "total_weight": sum(c.weight for c in current),
            "formset": formset,
            "locked": locked,
            "scored_message": services.SCORED,
            "errors": errors,
            "breadcrumbs": crumbs(
                ("Gestion", reverse("calls:manage")),
                (f"Appel {call.year}", reverse("calls:call_edit", args=[call.year])),
                ("Critères d'évaluation", None),
            ),
        },
    )
