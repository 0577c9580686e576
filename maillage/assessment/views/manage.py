"""The animation's pages: grids and their versions, questions, campaigns."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from maillage.assessment import selectors, services
from maillage.assessment.forms import CampaignForm, QuestionForm
from maillage.assessment.models import AnswerSheet, Campaign, Grid, Question
from maillage.assessment.services.campaigns import has_published_figures
from maillage.assessment.services.grids import has_answers
from maillage.assessment.views.common import add_errors, animators_only


def _new_version_message(request: HttpRequest, grid: Grid) -> None:
    messages.info(
        request,
        "Cette grille a déjà des réponses : pour ne pas changer les réponses passées, la modification est "
        f"faite dans une nouvelle version (version {grid.version}, brouillon), à publier quand elle est "
        "prête.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def manage(request: HttpRequest) -> HttpResponse:
    animators_only(request)
    territory = request.territory
    form = CampaignForm(request.POST if request.POST.get("action") == "campaign" else None)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "default_grid":
                services.install_default_grid(actor=request.user, territory=territory)
                messages.success(request, "La grille par défaut est publiée.")
                return redirect("assessment:manage")
            if action == "campaign" and form.is_valid():
                campaign = services.open_campaign(
                    actor=request.user,
                    territory=territory,
                    year=form.cleaned_data["year"],
                    closes_on=form.cleaned_data.get("closes_on"),
                )
                messages.success(
                    request, f"La campagne {campaign.year} est ouverte ; les gestionnaires sont prévenus."
                )
                return redirect("assessment:manage")
        except ValidationError as exc:
            add_errors(form, exc)
    campaigns = list(Campaign.objects.of_territory(territory).select_related("grid"))
    for campaign in campaigns:
        sheets = AnswerSheet.objects.filter(campaign=campaign)
        campaign.submitted_count = sheets.filter(status="submitted").count()
        campaign.draft_count = sheets.filter(status="draft").count()
    return render(
        request,
        "assessment/manage.html",
        {
            "grids": Grid.objects.for_user(request.user, territory),
            "campaigns": campaigns,
            "form": form,
            "breadcrumbs": selectors.crumbs(("Animation", None)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def grid_edit(request: HttpRequest, version: int) -> HttpResponse:
    animators_only(request)
    grid = get_object_or_404(Grid.objects.for_user(request.user, request.territory), version=version)
    errors: list[str] = []
    if request.method == "POST" and request.POST.get("action") == "publish":
        try:
            services.publish_grid(actor=request.user, grid=grid)
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, f"La version {grid.version} de la grille est publiée.")
            return redirect("assessment:grid_edit", version=grid.version)
    return render(
        request,
        "assessment/grid_edit.html",
        {
            "grid": grid,
            "themes": selectors.grid_themes(grid),
            "answered": has_answers(grid),
            "errors": errors,
            "log": selectors.log_lines(grid),
            "breadcrumbs": selectors.crumbs(
                ("Animation", reverse("assessment:manage")), (f"Grille, version {grid.version}", None)
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def question_edit(request: HttpRequest, version: int, pk: int | None = None) -> HttpResponse:
    animators_only(request)
    grid = get_object_or_404(Grid.objects.for_user(request.user, request.territory), version=version)
    question = get_object_or_404(Question, pk=pk, theme__grid=grid) if pk else None
    initial = QuestionForm.initial_for(question) if question else {"theme": request.GET.get("theme", "")}
    form = QuestionForm(request.POST or None, initial=initial)
    if question is not None:
        form.fields["code"].disabled = True
    if request.method == "POST":
        try:
            if request.POST.get("action") == "delete" and question is not None:
                target, created = services.delete_question(actor=request.user, question=question)
                if created:
                    _new_version_message(request, target)
                messages.success(request, "La question est retirée de la grille.")
                return redirect("assessment:grid_edit", version=target.version)
            if form.is_valid():
                saved, created = services.save_question(
                    actor=request.user,
                    grid=grid,
                    theme_key=form.cleaned_data["theme"],
                    data=form.data_for_service() | ({"code": question.code} if question else {}),
                    question=question,
                )
                target = saved.theme.grid
                if created:
                    _new_version_message(request, target)
                messages.success(request, "La question est enregistrée.")
                return redirect("assessment:grid_edit", version=target.version)
        except ValidationError as exc:
            add_errors(form, exc)
    return render(
        request,
        "assessment/question_edit.html",
        {
            "grid": grid,
            "question": question,
            "form": form,
            "answered": has_answers(grid) or grid.status == "retired",
            "breadcrumbs": selectors.crumbs(
                ("Animation", reverse("assessment:manage")),
                (f"Grille, version {grid.version}", reverse("assessment:grid_edit", args=[grid.version])),
                ("Question", None),
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def campaign_page(request: HttpRequest, year: int) -> HttpResponse:
    animators_only(request)
    campaign = get_object_or_404(
        Campaign.objects.of_territory(request.territory).select_related("grid"), year=year
    )
    if request.method == "POST":
        try:
            if request.POST.get("action") == "close":
                services.close_campaign(actor=request.user, campaign=campaign)
                messages.success(
                    request, f"La campagne {year} est close : ses résultats agrégés sont publiés."
                )
            elif request.POST.get("action") == "reopen":
                services.reopen_campaign(actor=request.user, campaign=campaign)
                messages.success(request, f"La campagne {year} est rouverte.")
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("assessment:campaign", year=year)
    sheets = AnswerSheet.objects.filter(campaign=campaign)
    return render(
        request,
        "assessment/campaign.html",
        {
            "campaign": campaign,
            "submitted": sheets.filter(status="submitted").count(),
            "drafts": sheets.filter(status="draft").count(),
            "figures_published": has_published_figures(campaign),
            "log": selectors.log_lines(campaign),
            "breadcrumbs": selectors.crumbs(
                ("Animation", reverse("assessment:manage")), (f"Campagne {year}", None)
            ),
        },
    )
