"""The jury's pages: the nominees a juror may score (never one they are tied to), the declaration of
conflicts, and the scoring form (read-only once the winners are published)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from maillage.awards import selectors, services
from maillage.awards.models import Edition, EditionStatus, Nomination, Score
from maillage.awards.services.jury import SCORING_STATES


@login_required
@require_http_methods(["GET", "POST"])
def jury_home(request: HttpRequest, year: int) -> HttpResponse:
    edition = get_object_or_404(Edition.objects.of_territory(request.territory), year=year)
    juror = selectors.seat_of(request.user, edition)
    if juror is None:
        raise Http404
    errors: list[str] = []
    if request.method == "POST":
        ids = [int(v) for v in request.POST.getlist("conflict") if v.isdigit()]
        try:
            services.declare_conflicts(actor=request.user, juror=juror, structure_ids=ids)
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, "Votre déclaration de liens d'intérêts est enregistrée.")
            return redirect("awards:jury", year=year)
    nominees = Nomination.objects.for_juror(request.user, request.territory).filter(category__edition=edition)
    scored = set(Score.objects.filter(juror=juror).values_list("nomination_id", flat=True))
    structures = (
        Nomination.objects.filter(category__edition=edition)
        .exclude(status="declined")
        .select_related("structure")
    )
    declared = set(juror.conflicts.values_list("structure_id", flat=True))
    return render(
        request,
        "awards/jury.html",
        {
            "edition": edition,
            "rows": [(n, n.pk in scored) for n in nominees.select_related("category", "structure")],
            "structures": sorted(
                {(n.structure_id, n.structure.name) for n in structures}, key=lambda t: t[1]
            ),
            "declared": declared,
            "errors": errors,
            "breadcrumbs": selectors.crumbs((f"Jury {year}", None)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def score(request: HttpRequest, pk: int) -> HttpResponse:
    nomination = get_object_or_404(
        Nomination.objects.for_juror(request.user, request.territory).select_related(
            "category__edition", "structure"
        ),
        pk=pk,
    )
    edition = nomination.category.edition
    juror = selectors.seat_of(request.user, edition)
    if juror is None:
        raise Http404
    criteria = list(edition.criteria.all())
    mine = dict(Score.objects.filter(juror=juror, nomination=nomination).values_list("criterion_id", "value"))
    values = {c.pk: mine.get(c.pk, "") for c in criteria}
    open_ = edition.status in SCORING_STATES
    errors: list[str] = []
    if request.method == "POST" and not open_:
        errors.append("Le palmarès est publié : les notes ne peuvent plus être modifiées.")
    elif request.method == "POST":
        parsed: dict[int, int] = {}
        for c in criteria:
            raw = request.POST.get(f"score_{c.pk}", "").strip()
            values[c.pk] = raw
            if not raw.isdigit():
                errors.append(f"« {c.label} » : indiquez une note entière de 0 à 10.")
            else:
                parsed[c.pk] = int(raw)
        if not errors:
            try:
                services.score_nomination(
                    actor=request.user, juror=juror, nomination=nomination, scores=parsed
                )
            except ValidationError as exc:
                errors = exc.messages
            else:
                messages.success(request, f"Vos notes pour {nomination.structure.name} sont enregistrées.")
                return redirect("awards:jury", year=edition.year)
    return render(
        request,
        "awards/score.html",
        {
            "nomination": nomination,
            "rows": [(c, values[c.pk]) for c in criteria],
            "open": open_ and edition.status != EditionStatus.PUBLISHED,
            "errors": errors,
            "breadcrumbs": selectors.crumbs(
                (f"Jury {edition.year}", reverse("awards:jury", args=[edition.year])),
                (nomination.structure.name, None),
            ),
        },
    )
