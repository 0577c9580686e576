"""Proposing an initiative to the Trophée, and the nominee's answer from the link its managers receive."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from maillage.actors.models import Structure
from maillage.awards import selectors, services
from maillage.awards.models import EditionStatus, Nomination
from maillage.awards.permissions import manages
from maillage.awards.services.notices import CONSENT_PURPOSE
from maillage.awards.views.common import edition_or_404, message
from maillage.core.tokens import TokenError, read_token

CONSENT_MAX_AGE = timedelta(days=60)


def _int(value: str) -> int:
    return int(value) if value.isdigit() else 0


@login_required
@require_http_methods(["GET", "POST"])
def nominate(request: HttpRequest, year: int) -> HttpResponse:
    edition = edition_or_404(request, year)
    structures = Structure.objects.filter(territory=request.territory, status="published").order_by("name")
    errors: list[str] = []
    data = {k: request.POST.get(k, "") for k in ("category", "structure", "initiative", "pitch")}
    if request.method == "POST":
        category = edition.categories.filter(
            pk=(data.get("category") or "0") if str(data.get("category", "")).isdigit() else 0
        ).first()
        structure = structures.filter(
            pk=data.get("structure") if str(data.get("structure", "")).isdigit() else 0
        ).first()
        if category is None or structure is None:
            errors.append("Choisissez une catégorie et une structure.")
        else:
            try:
                nomination = services.nominate(
                    actor=request.user,
                    category=category,
                    structure=structure,
                    initiative=data["initiative"],
                    pitch=data["pitch"],
                )
            except ValidationError as exc:
                errors = exc.messages
            else:
                if nomination.status == "accepted":
                    messages.success(request, f"La candidature de {structure.name} est enregistrée.")
                else:
                    messages.success(
                        request,
                        f"Proposition envoyée : les gestionnaires de {structure.name} "
                        "doivent l'accepter pour qu'elle concoure.",
                    )
                return redirect("awards:edition", year=edition.year)
    return render(
        request,
        "awards/nominate.html",
        {
            "edition": edition,
            "open": edition.status == EditionStatus.NOMINATIONS,
            "categories": edition.categories.all(),
            "structures": structures,
            "mine": [s for s in structures if manages(request.user, s)],
            "data": data,
            "errors": errors,
            "breadcrumbs": selectors.crumbs(
                (f"Édition {edition.year}", reverse("awards:edition", args=[edition.year])),
                ("Proposer une initiative", None),
            ),
        },
        status=200 if not errors else 400,
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def consent(request: HttpRequest, token: str) -> HttpResponse:
    title = "Proposition au Trophée"
    try:
        payload = read_token(CONSENT_PURPOSE, token, CONSENT_MAX_AGE)
    except TokenError as error:
        return message(request, title, str(error), status=400)
    nomination = (
        Nomination.objects.of_territory(request.territory)
        .select_related("category__edition", "structure", "proposed_by")
        .filter(pk=payload.get("n") if isinstance(payload, dict) else None)
        .first()
    )
    if nomination is None:
        return message(request, title, "Cette proposition n'existe plus.", status=404)
    if not manages(request.user, nomination.structure):
        raise PermissionDenied
    errors: list[str] = []
    if request.method == "POST":
        accept = request.POST.get("answer") == "accept"
        try:
            services.answer_consent(actor=request.user, nomination=nomination, accept=accept)
        except ValidationError as exc:
            errors = exc.messages
        else:
            text = (
                f"Merci : {nomination.structure.name} concourt au {nomination.category.edition.title}, "
                f"catégorie « {nomination.category.name} »."
                if accept
                else f"C'est noté : {nomination.structure.name} ne concourt pas."
            )
            return message(
                request,
                "Réponse enregistrée",
                text,
                link=reverse("awards:edition", args=[nomination.category.edition.year]),
            )
    response = render(
        request,
        "awards/consent.html",
        {"nomination": nomination, "errors": errors, "title": title},
        status=409 if errors else 200,
    )
    response["Referrer-Policy"] = "same-origin"
    return response
