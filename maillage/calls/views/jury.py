"""The jury: the invitation link (page, then POST), a juror's space (declare conflicts, the applications
to score), the scoring page; for the animation, the jury's management and the ranking."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from maillage.calls import selectors, services
from maillage.calls.forms import InviteForm
from maillage.calls.models import Application, AppStatus, CallStatus, Juror, Score
from maillage.calls.services.notices import INVITATION_PURPOSE
from maillage.calls.views.common import add_errors, call_or_404, crumbs, managed_call_or_404
from maillage.core.tokens import TokenError, read_token, spend_token

INVITATION_MAX_AGE = timedelta(days=30)
READ_ONLY = "Cette candidature n'est plus en cours d'évaluation : vos notes ne peuvent plus être modifiées."


def _private(response: HttpResponse) -> HttpResponse:
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex"
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows the invitation (and asks to sign in); POST, signed in, accepts or declines it."""
    try:
        payload = read_token(INVITATION_PURPOSE, token, INVITATION_MAX_AGE)
        juror = get_object_or_404(
            Juror.objects.select_related("call"), pk=payload["juror"], call__territory=request.territory
        )
    except TokenError as error:
        return _private(render(request, "calls/invitation_error.html", {"error": str(error)}, status=410))
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('account_login')}?next={request.path}")
        try:
            with transaction.atomic():
                spend_token(INVITATION_PURPOSE, token, INVITATION_MAX_AGE)
                services.answer_invitation(
                    actor=request.user, juror=juror, accept=request.POST.get("answer") == "accept"
                )
        except TokenError as error:
            return _private(render(request, "calls/invitation_error.html", {"error": str(error)}, status=410))
        except ValidationError as exc:
            return _private(
                render(request, "calls/invitation_error.html", {"error": " ".join(exc.messages)}, status=400)
            )
        if juror.status == "accepted":
            messages.success(
                request, "Bienvenue dans le jury. Déclarez d'abord vos éventuels conflits d'intérêts."
            )
            return redirect("calls:jury", year=juror.call.year)
        messages.info(request, "Vous avez décliné l'invitation. Merci de nous avoir répondu.")
        return redirect("calls:home")
    return _private(render(request, "calls/invitation.html", {"juror": juror, "call": juror.call}))


def _seat_or_404(request: HttpRequest, year: int) -> Juror:
    call = call_or_404(request, year)
    juror = selectors.seat_of(request.user, call)
    if juror is None:
        raise Http404
    return juror


@login_required
@require_http_methods(["GET", "POST"])
def jury_home(request: HttpRequest, year: int) -> HttpResponse:
    juror = _seat_or_404(request, year)
    call = juror.call
    applicants = (
        call.applications.exclude(status="draft").select_related("structure").order_by("structure__name")
    )
    declared = {c.structure_id: c.note for c in juror.conflicts.all()}
    errors: list[str] = []
    if request.method == "POST":
        ties = {}
        for app in applicants:
            if request.POST.get(f"tie_{app.structure_id}"):
                ties[app.structure_id] = request.POST.get(f"note_{app.structure_id}", "")
        try:
            services.declare_conflicts(actor=request.user, juror=juror, ties=ties)
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, "Votre déclaration d'intérêts est enregistrée.")
            return redirect("calls:jury", year=year)
    to_score = (
        Application.objects.for_juror(request.user, request.territory)
        .filter(call=call)
        .select_related("structure")
    )
    scored = set(Score.objects.filter(juror=juror).values_list("application_id", flat=True))
    return render(
        request,
        "calls/jury_home.html",
        {
            "juror": juror,
            "call": call,
            "applicants": [
                (a, a.structure_id in declared, declared.get(a.structure_id, "")) for a in applicants
            ],
            "to_score": [(a, a.pk in scored) for a in to_score],
            "errors": errors,
            "breadcrumbs": crumbs((f"Jury {call.year}", None)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def score(request: HttpRequest, pk: int) -> HttpResponse:
    # Only the applications the person may evaluate: never one they are tied to (404 for them).
    application = get_object_or_404(
        Application.objects.for_juror(request.user, request.territory).select_related("call", "structure"),
        pk=pk,
    )
    juror = selectors.seat_of(request.user, application.call)
    if juror is None:
        raise PermissionDenied
    criteria = list(application.call.criteria.all())
    mine = {
        s.criterion_id: s
        for s in Score.objects.for_user(request.user, request.territory).filter(
            application=application, juror=juror
        )
    }
    errors: list[str] = []
    # After the deliberation (or once the application left evaluation) the page only reads the scores.
    scoring_open = application.status == AppStatus.ELIGIBLE and application.call.status == CallStatus.CLOSED
    values = {
        c.pk: (getattr(mine.get(c.pk), "value", ""), getattr(mine.get(c.pk), "comment", "")) for c in criteria
    }
    if request.method == "POST" and not scoring_open:
        errors.append(READ_ONLY)
    elif request.method == "POST":
        parsed: dict[int, tuple[int, str]] = {}
        for c in criteria:
            raw = request.POST.get(f"score_{c.pk}", "").strip()
            comment = request.POST.get(f"comment_{c.pk}", "")
            values[c.pk] = (raw, comment)
            if not raw.isdigit():
                errors.append(f"« {c.label} » : indiquez une note entière de 0 à 10.")
                continue
            parsed[c.pk] = (int(raw), comment)
        if not errors:
            try:
                services.score_application(
                    actor=request.user, juror=juror, application=application, scores=parsed
                )
            except ValidationError as exc:
                errors = exc.messages
            else:
                messages.success(request, f"Vos notes pour « {application.title} » sont enregistrées.")
                return redirect("calls:jury", year=application.call.year)
    expenses, resources = services.budget_totals(application)
    return render(
        request,
        "calls/score.html",
        {
            "application": application,
            "rows": [(c, values[c.pk][0], values[c.pk][1]) for c in criteria],
            "errors": errors,
            "scoring_open": scoring_open,
            "lines": application.budget_lines.all(),
            "expenses": expenses,
            "resources": resources,
            "breadcrumbs": crumbs(
                (f"Jury {application.call.year}", reverse("calls:jury", args=[application.call.year])),
                (application.title, None),
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def jury_manage(request: HttpRequest, year: int) -> HttpResponse:
    call = managed_call_or_404(request, year)
    form = InviteForm(request.POST if request.POST.get("action") == "invite" else None)
    errors: list[str] = []
    if request.method == "POST":
        try:
            if request.POST.get("action") == "invite" and form.is_valid():
                services.invite_juror(actor=request.user, call=call, **form.cleaned_data)
                messages.success(request, f"L'invitation est envoyée à {form.cleaned_data['email']}.")
                return redirect("calls:jury_manage", year=year)
            if request.POST.get("action") == "assign":
                juror = get_object_or_404(call.jurors, pk=request.POST.get("juror") or 0)
                picked = request.POST.getlist("applications")
                chosen = (
                    None
                    if request.POST.get("all")
                    else list(call.applications.filter(pk__in=[p for p in picked if p.isdigit()]))
                )
                services.assign_applications(actor=request.user, juror=juror, applications=chosen)
                messages.success(request, f"Les candidatures confiées à {juror.name} sont enregistrées.")
                return redirect("calls:jury_manage", year=year)
        except ValidationError as exc:
            add_errors(form, exc) if request.POST.get("action") == "invite" else errors.extend(exc.messages)
    jurors = call.jurors.prefetch_related("conflicts__structure", "assignments")
    return render(
        request,
        "calls/jury_manage.html",
        {
            "call": call,
            "form": form,
            "errors": errors,
            "jurors": jurors,
            "decided": call.status == CallStatus.DECIDED,
            "eligible": call.applications.filter(
                status__in=("eligible", "selected", "rejected")
            ).select_related("structure"),
            "breadcrumbs": crumbs(("Gestion", reverse("calls:manage")), (f"Jury {call.year}", None)),
        },
    )


@login_required
@require_GET
def ranking(request: HttpRequest, year: int) -> HttpResponse:
    call = managed_call_or_404(request, year)
    return render(
        request,
        "calls/ranking.html",
        {
            "call": call,
            "rows": selectors.ranking(call),
            "unscored": selectors.unscored(call),
            "criteria": call.criteria.all(),
            "breadcrumbs": crumbs(("Gestion", reverse("calls:manage")), (f"Classement {call.year}", None)),
        },
    )
