"""The deliberation (amounts within the envelope, minutes) and the grants (payments, reports due)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from maillage.calls import selectors, services
from maillage.calls.forms import PaymentForm
from maillage.calls.models import Grant
from maillage.calls.services.common import euros
from maillage.calls.views.common import add_errors, animators_only, crumbs, managed_call_or_404


@login_required
@require_http_methods(["GET", "POST"])
def deliberation(request: HttpRequest, year: int) -> HttpResponse:
    call = managed_call_or_404(request, year)
    rows = selectors.ranking(call)
    ranked_ids = {r.application.pk for r in rows}
    others = [a for a in selectors.unscored(call) if a.pk not in ranked_ids]
    candidates = [(r.application, r.ranked) for r in rows if r.application.status == "eligible"] + [
        (a, None) for a in others
    ]
    amounts = {a.pk: request.POST.get(f"amount_{a.pk}", "") for a, _r in candidates}
    minutes = request.POST.get("minutes", "")
    errors: list[str] = []
    warnings: list[str] = []
    total = Decimal(0)
    for value in amounts.values():
        try:
            total += Decimal(value.replace(",", ".").replace(" ", "") or 0)
        except InvalidOperation:
            errors.append(f"« {value} » n'est pas un montant.")
    if total > call.envelope:
        warnings.append(
            f"Attention : le total ({euros(total)}) dépasse l'enveloppe ({euros(call.envelope)}) "
            f"de {euros(total - call.envelope)}."
        )
    if request.method == "POST" and request.POST.get("action") == "decide" and not errors:
        try:
            grants = services.deliberate(
                actor=request.user,
                call=call,
                amounts=amounts,
                minutes=minutes,
                conditions=request.POST.get("conditions", ""),
            )
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(
                request, f"La délibération est enregistrée : {len(grants)} projet(s) lauréat(s)."
            )
            return redirect("calls:grants", year=year)
    granted = dict(Grant.objects.filter(application__call=call).values_list("application_id", "amount"))
    return render(
        request,
        "calls/deliberation.html",
        {
            "call": call,
            "candidates": [(a, r, amounts.get(a.pk, "")) for a, r in candidates],
            # Once decided: the ranking as the jury saw it, with each decision and amount.
            "decided": [(r.application, r.ranked, granted.get(r.application.pk)) for r in rows],
            "granted_total": sum(granted.values(), Decimal(0)),
            "minutes": minutes,
            "conditions": request.POST.get("conditions", ""),
            "total": total,
            "errors": errors,
            "warnings": warnings,
            "breadcrumbs": crumbs(("Gestion", reverse("calls:manage")), (f"Délibération {call.year}", None)),
        },
    )


@login_required
@require_http_methods(["GET"])
def grants(request: HttpRequest, year: int) -> HttpResponse:
    call = managed_call_or_404(request, year)
    items = Grant.objects.filter(application__call=call).select_related("application__structure")
    return render(
        request,
        "calls/grants.html",
        {
            "call": call,
            "grants": [(g, selectors.paid_total(g)) for g in items],
            "breadcrumbs": crumbs(("Gestion", reverse("calls:manage")), (f"Subventions {call.year}", None)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def grant_detail(request: HttpRequest, pk: int) -> HttpResponse:
    animators_only(request)
    grant = get_object_or_404(
        Grant.objects.of_territory(request.territory).select_related(
            "application__call", "application__structure"
        ),
        pk=pk,
    )
    form = PaymentForm(request.POST if request.POST.get("action") == "pay" else None)
    errors: list[str] = []
    if request.method == "POST":
        try:
            if request.POST.get("action") == "pay" and form.is_valid():
                services.record_payment(actor=request.user, grant=grant, **form.cleaned_data)
                messages.success(request, "Le versement est enregistré.")
                return redirect("calls:grant", pk=pk)
            if request.POST.get("action") == "report":
                report = get_object_or_404(grant.reports, pk=request.POST.get("report") or 0)
                services.receive_report(actor=request.user, report=report)
                messages.success(request, f"{report.get_kind_display().capitalize()} reçu.")
                return redirect("calls:grant", pk=pk)
        except ValidationError as exc:
            add_errors(form, exc) if request.POST.get("action") == "pay" else errors.extend(exc.messages)
    paid = selectors.paid_total(grant)
    return render(
        request,
        "calls/grant.html",
        {
            "grant": grant,
            "form": form,
            "errors": errors,
            "paid": paid,
            "left": grant.amount - paid,
            "instalments": grant.instalments.all(),
            "payments": grant.payments.all(),
            "reports": grant.reports.all(),
            "breadcrumbs": crumbs(
                ("Gestion", reverse("calls:manage")),
                (
                    f"Subventions {grant.application.call.year}",
                    reverse("calls:grants", args=[grant.application.call.year]),
                ),
                (grant.application.structure.name, None),
            ),
        },
    )
