"""The animation runs the call: create it, set its terms (its criteria: `views.criteria`, its specification:
`views.specification`), open and close it, check each application's eligibility (or ask for a missing
piece)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from maillage.calls import selectors, services
from maillage.calls.forms import (
    CallCreateForm,
    CallTermsForm,
    EligibilityForm,
    EndowmentForm,
)
from maillage.calls.models import CALL_MACHINE, Application, Call
from maillage.calls.views.common import add_errors, animators_only, crumbs, managed_call_or_404
from maillage.core.registry import registry

CALL_BUTTONS = {"open": "Ouvrir aux candidatures", "closed": "Clore les candidatures"}


@login_required
@require_http_methods(["GET", "POST"])
def manage(request: HttpRequest) -> HttpResponse:
    animators_only(request)
    form = CallCreateForm(request.POST if request.POST.get("action") == "create" else None)
    endowment = EndowmentForm(request.POST if request.POST.get("action") == "endow" else None)
    if request.method == "POST":
        target, call_service = (
            (form, "create") if request.POST.get("action") == "create" else (endowment, "endow")
        )
        if target.is_valid():
            try:
                if call_service == "create":
                    call = services.create_call(
                        actor=request.user, territory=request.territory, **form.cleaned_data
                    )
                    messages.success(
                        request, f"L'appel {call.year} est créé, avec les 8 thèmes du CSESS pour critères."
                    )
                    return redirect("calls:call_edit", year=call.year)
                services.add_endowment(
                    actor=request.user, territory=request.territory, **endowment.cleaned_data
                )
                messages.success(request, "La dotation du fonds est enregistrée.")
                return redirect("calls:manage")
            except ValidationError as exc:
                add_errors(target, exc)
    return render(
        request,
        "calls/manage.html",
        {
            "calls": Call.objects.of_territory(request.territory),
            "form": form,
            "endowment_form": endowment,
            "fund": selectors.fund_balance(request.territory),
            "breadcrumbs": crumbs(("Gestion", None)),
        },
    )


def _need_choices(call: Call) -> list[tuple[str, str]]:
    choices = []
    for target in registry.link_targets.values():
        if target.key.startswith("need"):
            choices += [
                (f"{target.key}:{pk}", f"{target.label} — {label}")
                for pk, label in target.choices(call.territory)
            ]
    return choices


@login_required
@require_http_methods(["GET", "POST"])
def call_edit(request: HttpRequest, year: int) -> HttpResponse:
    call = managed_call_or_404(request, year)
    action = request.POST.get("action", "")
    terms = CallTermsForm(
        request.POST if action == "terms" else None, initial=CallTermsForm.initial_for(call)
    )
    errors: list[str] = []
    if request.method == "POST":
        try:
            if action == "terms" and terms.is_valid():
                services.update_call_terms(actor=request.user, call=call, **terms.service_kwargs())
                messages.success(request, "Les conditions de l'appel sont enregistrées.")
                return redirect("calls:call_edit", year=year)
            if action == "transition":
                services.transition_call(actor=request.user, call=call, to=request.POST.get("to", ""))
                messages.success(request, f"L'appel est désormais « {call.get_status_display()} ».")
                return redirect("calls:call_edit", year=year)
            if action == "need":
                key, _sep, pk = request.POST.get("need", "").partition(":")
                services.add_targeted_need(
                    actor=request.user, call=call, target_key=key, object_id=int(pk or 0)
                )
                return redirect("calls:call_edit", year=year)
            if action == "unneed":
                need = get_object_or_404(call.targeted_needs, pk=request.POST.get("need_id") or 0)
                services.remove_targeted_need(actor=request.user, need=need)
                return redirect("calls:call_edit", year=year)
        except ValidationError as exc:
            if action == "terms":
                add_errors(terms, exc)
            else:
                errors = exc.messages
        except ValueError:
            errors = ["Choix invalide."]
    return render(
        request,
        "calls/call_edit.html",
        {
            "call": call,
            "terms": terms,
            "criteria": call.criteria.all(),
            "errors": errors,
            "buttons": [(s, label) for s, label in CALL_BUTTONS.items() if CALL_MACHINE.can(call.status, s)],
            "need_choices": _need_choices(call),
            "needs": call.targeted_needs.all(),
            "breadcrumbs": crumbs(("Gestion", reverse("calls:manage")), (f"Appel {call.year}", None)),
        },
    )


@login_required
@require_http_methods(["GET"])
def review_list(request: HttpRequest, year: int) -> HttpResponse:
    call = managed_call_or_404(request, year)
    return render(
        request,
        "calls/review_list.html",
        {
            "call": call,
            "applications": selectors.applications_to_review(call),
            "drafts": call.applications.filter(status="draft").count(),
            "breadcrumbs": crumbs(("Gestion", reverse("calls:manage")), (f"Candidatures {call.year}", None)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, pk: int) -> HttpResponse:
    animators_only(request)
    application = get_object_or_404(
        Application.objects.of_territory(request.territory).select_related("call", "structure"), pk=pk
    )
    form = EligibilityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["decision"] == "piece":
                if not data.get("due_on"):
                    raise ValidationError({"due_on": "Indiquez le délai pour fournir la pièce."})
                services.request_piece(
                    actor=request.user, application=application, piece=data["reason"], due_on=data["due_on"]
                )
                messages.success(request, "La pièce manquante est demandée ; la structure est prévenue.")
            else:
                services.decide_eligibility(
                    actor=request.user,
                    application=application,
                    eligible=data["decision"] == "eligible",
                    reason=data["reason"],
                )
                messages.success(
                    request, "La décision d'éligibilité est enregistrée ; la structure est prévenue."
                )
            return redirect("calls:review_list", year=application.call.year)
        except ValidationError as exc:
            add_errors(form, exc)
    expenses, resources = services.budget_totals(application)
    return render(
        request,
        "calls/review.html",
        {
            "application": application,
            "form": form,
            "lines": application.budget_lines.all(),
            "attachments": application.attachments.all(),
            "expenses": expenses,
            "resources": resources,
            "history": application.transitions.all(),
            "breadcrumbs": crumbs(
                ("Gestion", reverse("calls:manage")),
                (
                    f"Candidatures {application.call.year}",
                    reverse("calls:review_list", args=[application.call.year]),
                ),
                (application.title, None),
            ),
        },
    )
