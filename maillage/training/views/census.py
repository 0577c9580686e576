"""Census pages: the public page, the answer form, and the animation's pages (campaigns, themes,
questions, results with the chart, reminders)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from maillage.training import selectors, services
from maillage.training.forms import AnswerForm, CensusForm, DeadlineForm, QuestionForm, ThemeForm
from maillage.training.models import Census, CensusStatus, Question, Response, Theme
from maillage.training.views.common import add_errors, animators_only, crumbs


def _census(request: HttpRequest, pk: int) -> Census:
    return get_object_or_404(Census.objects.for_user(request.user, request.territory), pk=pk)


def census(request: HttpRequest, pk: int) -> HttpResponse:
    item = _census(request, pk)
    managed = (
        selectors.managed_structures(request.user, request.territory)
        if request.user.is_authenticated
        else None
    )
    answered = (
        set(
            Response.objects.filter(census=item, structure__in=managed).values_list("structure_id", flat=True)
        )
        if managed is not None
        else set()
    )
    return render(
        request,
        "training/census.html",
        {
            "census": item,
            "open": services.is_answerable(item),
            "themes": item.themes.all(),
            "managed": managed,
            "answered": answered,
            "breadcrumbs": crumbs((item.title, "")),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    item = _census(request, pk)
    managed = selectors.managed_structures(request.user, request.territory)
    structure = managed.filter(slug=request.GET.get("structure") or request.POST.get("structure")).first()
    structure = structure or managed.first()
    response = Response.objects.filter(census=item, structure=structure).first() if structure else None
    form = AnswerForm(request.POST or None, census=item, response=response)
    if request.method == "POST" and structure is not None and form.is_valid():
        try:
            services.submit_response(
                actor=request.user,
                census=item,
                structure=structure,
                answers=form.answers(),
                interests=form.interests(),
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request,
                f"Merci : la réponse de {structure.name} est enregistrée. Vous pourrez la modifier "
                "jusqu'à la date limite.",
            )
            return redirect("training:census", pk=item.pk)
    return render(
        request,
        "training/answer.html",
        {
            "census": item,
            "form": form,
            "structure": structure,
            "managed": managed,
            "response": response,
            "open": services.is_answerable(item),
            "breadcrumbs": crumbs((item.title, reverse("training:census", args=[item.pk])), ("Répondre", "")),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def manage(request: HttpRequest) -> HttpResponse:
    animators_only(request)
    form = CensusForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.create_census(
                actor=request.user, territory=request.territory, **form.cleaned_data
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "Le recensement est créé en brouillon, avec les thèmes habituels.")
            return redirect("training:census_edit", pk=created.pk)
    return render(
        request,
        "training/manage.html",
        {
            "censuses": Census.objects.for_user(request.user, request.territory),
            "form": form,
            "breadcrumbs": crumbs(("Animation", "")),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    animators_only(request)
    item = _census(request, pk)
    theme_form = ThemeForm(prefix="theme")
    question_form = QuestionForm(prefix="question", census=item)
    if request.method == "GET" and request.GET.get("question", "").isdigit():
        changed = get_object_or_404(Question, census=item, pk=request.GET["question"])
        question_form = QuestionForm(
            prefix="question", census=item, initial=QuestionForm.initial_for(changed)
        )
    deadline_form = DeadlineForm(prefix="deadline")
    action = request.POST.get("action", "")
    if request.method == "POST":
        try:
            if action == "theme":
                theme_form = ThemeForm(request.POST, prefix="theme")
                if theme_form.is_valid():
                    services.save_theme(actor=request.user, census=item, **theme_form.cleaned_data)
                    messages.success(request, "Le thème est ajouté.")
                    return redirect("training:census_edit", pk=item.pk)
            elif action == "delete_theme":
                theme = get_object_or_404(Theme, census=item, pk=request.POST.get("theme"))
                services.delete_theme(actor=request.user, theme=theme)
                messages.success(request, f"Le thème « {theme.name} » est supprimé.")
                return redirect("training:census_edit", pk=item.pk)
            elif action == "question":
                question_form = QuestionForm(request.POST, prefix="question", census=item)
                if question_form.is_valid():
                    data = question_form.cleaned_data
                    services.save_question(
                        actor=request.user,
                        census=item,
                        question=data["question"],
                        label=data["label"],
                        kind=data["kind"],
                        choices=data["choices"].splitlines(),
                        required=data["required"],
                        depends_on=data["depends_on"],
                        depends_value=data["depends_value"],
                    )
                    messages.success(request, "La question est enregistrée.")
                    return redirect("training:census_edit", pk=item.pk)
            elif action in (CensusStatus.OPEN, CensusStatus.CLOSED):
                deadline_form = DeadlineForm(request.POST, prefix="deadline")
                deadline = deadline_form.cleaned_data.get("deadline") if deadline_form.is_valid() else None
                moved = services.move_census(actor=request.user, census=item, to=action, deadline=deadline)
                # « recensement » is masculine; the status labels read « ouverte », « close ».
                said = "ouvert" if moved.status == CensusStatus.OPEN else "clos"
                messages.success(request, f"Le recensement est {said}.")
                return redirect("training:census_edit", pk=item.pk)
            elif action == "remind":
                count = services.send_census_reminders(actor=request.user, census=item)
                messages.success(request, f"Relance envoyée à {count} personne(s).")
                return redirect("training:census_edit", pk=item.pk)
        except ValidationError as exc:
            target = (
                question_form if action == "question" else theme_form if action == "theme" else deadline_form
            )
            add_errors(target, exc)
    return render(
        request,
        "training/census_edit.html",
        {
            "census": item,
            "themes": item.themes.all(),
            "questions": item.questions.select_related("depends_on"),
            "theme_form": theme_form,
            "question_form": question_form,
            "editing": question_form.editing(),
            "deadline_form": deadline_form,
            "missing": len(services.structures_without_answer(item)),
            "breadcrumbs": crumbs(("Animation", reverse("training:manage")), (item.title, "")),
        },
    )


@login_required
def results(request: HttpRequest, pk: int) -> HttpResponse:
    animators_only(request)
    item = _census(request, pk)
    rows = selectors.aggregate(item)
    return render(
        request,
        "training/results.html",
        {
            "census": item,
            "rows": rows,
            "chart": selectors.chart(rows),
            "answers": item.responses.count(),
            "breadcrumbs": crumbs(
                ("Animation", reverse("training:manage")),
                (item.title, reverse("training:census_edit", args=[item.pk])),
                ("Résultats", ""),
            ),
        },
    )
