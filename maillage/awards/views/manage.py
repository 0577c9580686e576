"""The animation's pages: editions, an edition's settings (state, categories, jury, ceremony), the results
(the jury's ranking, the votes once closed, the winners to publish) and the audit of the votes."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from maillage.awards import selectors, services
from maillage.awards.models import EDITION_MACHINE, Vote
from maillage.awards.views.common import animators_only, managed_edition_or_404
from maillage.core.models import Commune


@login_required
@require_http_methods(["GET", "POST"])
def manage(request: HttpRequest) -> HttpResponse:
    animators_only(request)
    errors: list[str] = []
    if request.method == "POST":
        year = request.POST.get("year", "")
        try:
            edition = services.create_edition(
                actor=request.user,
                territory=request.territory,
                year=int(year) if year.isdigit() else 0,
                title=request.POST.get("title", ""),
            )
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, f"L'édition {edition.year} est créée.")
            return redirect("awards:edition_manage", year=edition.year)
    return render(
        request, "awards/manage.html", {**selectors.manage_context(request.territory), "errors": errors}
    )


def _act(request: HttpRequest, edition, action: str) -> str:
    """Run the posted action; return the success message."""
    post = request.POST
    if action == "transition":
        services.transition_edition(actor=request.user, edition=edition, to=post.get("to", ""))
        return f"L'édition est maintenant « {edition.get_status_display()} »."
    if action == "category":
        services.add_category(
            actor=request.user,
            edition=edition,
            name=post.get("name", ""),
            description=post.get("description", ""),
        )
        return "La catégorie est ajoutée."
    if action == "juror":
        services.add_juror(actor=request.user, edition=edition, email=post.get("email", ""))
        return "La personne fait partie du jury : elle en est prévenue."
    if action == "ceremony":
        try:
            start = dt.datetime.fromisoformat(post.get("start", ""))
        except ValueError:
            raise ValidationError("Indiquez la date et l'heure de la cérémonie.") from None
        commune = Commune.objects.filter(insee_code=post.get("commune", "")).first()
        services.schedule_ceremony(
            actor=request.user,
            edition=edition,
            start=timezone.make_aware(start) if timezone.is_naive(start) else start,
            venue=post.get("venue", ""),
            commune=commune,
        )
        return "La cérémonie est inscrite à l'agenda."
    raise ValidationError("Action inconnue.")


@login_required
@require_http_methods(["GET", "POST"])
def edition_manage(request: HttpRequest, year: int) -> HttpResponse:
    edition = managed_edition_or_404(request, year)
    errors: list[str] = []
    if request.method == "POST":
        try:
            done = _act(request, edition, request.POST.get("action", ""))
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, done)
            return redirect("awards:edition_manage", year=year)
    moves = [
        (to, EDITION_MACHINE.label(to))
        for to in sorted(EDITION_MACHINE.allowed(edition.status))
        if to != "published"
    ]
    return render(
        request,
        "awards/edition_manage.html",
        {
            "edition": edition,
            "moves": moves,
            "categories": [
                (c, list(c.nominations.select_related("structure"))) for c in edition.categories.all()
            ],
            "jurors": edition.jurors.select_related("user"),
            "criteria": edition.criteria.all(),
            "communes": request.territory.communes.order_by("name"),
            "errors": errors,
            "breadcrumbs": selectors.crumbs(("Gestion", reverse("awards:manage")), (f"Édition {year}", None)),
        },
        status=400 if errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def results(request: HttpRequest, year: int) -> HttpResponse:
    edition = managed_edition_or_404(request, year)
    context = selectors.results_context(edition)
    errors: list[str] = []
    if request.method == "POST":
        choices = {
            c.pk: int(v)
            for c, _rows in context["categories"]
            if (v := request.POST.get(f"jury_{c.pk}", "")).isdigit()
        }
        try:
            services.publish_results(actor=request.user, edition=edition, jury_choices=choices)
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, "Le palmarès est publié.")
            return redirect("awards:winners", year=year)
    return render(
        request, "awards/results.html", {**context, "errors": errors}, status=400 if errors else 200
    )


@login_required
@require_http_methods(["GET"])
def votes_audit(request: HttpRequest, year: int) -> HttpResponse:
    edition = managed_edition_or_404(request, year)
    shown = edition.status in ("closed", "published")
    rows = Vote.objects.filter(category__edition=edition).select_related("category", "nomination__structure")
    return render(
        request,
        "awards/votes.html",
        {
            "edition": edition,
            "rows": rows[:1000],
            "count": rows.count(),
            "shown": shown,
            "breadcrumbs": selectors.crumbs(("Gestion", reverse("awards:manage")), (f"Votes {year}", None)),
        },
    )
