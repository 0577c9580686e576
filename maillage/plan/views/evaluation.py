"""The yearly evaluation: the report (HTML and PDF), the partners' comments, the animator's conclusions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse

from maillage.plan import forms, pdf, permissions, selectors, services
from maillage.plan.models import Evaluation
from maillage.plan.views._common import (
    animator_required,
    apply_errors,
    evaluation_or_404,
    form_page,
    version_or_404,
)


def evaluation_page(request: HttpRequest, year: int) -> HttpResponse:
    evaluation = evaluation_or_404(request, year)
    context = selectors.evaluation_context(request.user, request.territory, evaluation)
    return render(request, "plan/evaluation.html", context)


def evaluation_pdf(request: HttpRequest, year: int) -> HttpResponse:
    evaluation = evaluation_or_404(request, year)
    html = render_to_string("plan/evaluation_pdf.html", selectors.report_context(evaluation), request=request)
    body = pdf.render_pdf(html, base_url=request.territory.absolute_url("/"))
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="evaluation-plan-{year}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def evaluation_comment(request: HttpRequest, year: int) -> HttpResponse:
    evaluation = evaluation_or_404(request, year)
    if not permissions.can_comment(request.user, evaluation):
        raise PermissionDenied(permissions.COMMENT_MESSAGE)
    structures = permissions.commenting_structures(request.user, evaluation)
    form = forms.CommentForm(request.POST or None, structures=structures)
    back = reverse("plan:evaluation", args=[year])
    if request.method == "POST" and form.is_valid():
        try:
            services.add_evaluation_comment(
                actor=request.user,
                evaluation=evaluation,
                text=form.cleaned_data["text"],
                structure=form.cleaned_data.get("structure"),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Merci, votre commentaire est enregistré.")
            return redirect(back)
    intro = (
        f"Consultation ouverte jusqu'au {evaluation.consultation_ends_on:%d/%m/%Y}. "
        "Votre commentaire est lu par "
        "l'animation et figure dans le rapport, avec le nom de votre structure (pas le vôtre)."
        if services.consultation_open(evaluation)
        else "La consultation des partenaires est close."
    )
    return form_page(
        request, form=form, title=f"Commenter l'évaluation {year}", back=back, intro=intro, submit="Envoyer"
    )


@animator_required
def evaluation_manage(request: HttpRequest, year: int) -> HttpResponse:
    """Open the evaluation (consultation end date), then write the conclusions and changes."""
    version = version_or_404(request, year)
    evaluation = Evaluation.objects.filter(version=version).first()
    back = reverse("plan:version", args=[year])
    if evaluation is None:
        form: Form = forms.EvaluationOpenForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.open_evaluation(actor=request.user, version=version, **form.cleaned_data)
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, "L'évaluation est ouverte : les partenaires peuvent la commenter.")
                return redirect("plan:evaluation", year=year)
        return form_page(
            request,
            form=form,
            title=f"Ouvrir l'évaluation du plan {year}",
            back=back,
            intro="Le rapport est préparé à partir du plan ; "
            "les partenaires le commentent jusqu'à la date choisie.",
            submit="Ouvrir l'évaluation",
        )
    if evaluation.status == Evaluation.Status.ADOPTED:
        messages.info(request, "Ce rapport est adopté : il est figé.")
        return redirect("plan:evaluation", year=year)
    form = forms.EvaluationConcludeForm(
        request.POST or None,
        initial={
            "conclusions": evaluation.conclusions,
            "next_year_changes": evaluation.next_year_changes,
            "plenary_event": evaluation.plenary_object_id,
            "plenary_label": "" if evaluation.plenary_object_id else evaluation.plenary_label,
            "plenary_url": "" if evaluation.plenary_object_id else evaluation.plenary_url,
        },
        plenary_choices=selectors.plenary_choices_for(request.territory, evaluation),
    )
    if request.method == "POST" and form.is_valid():
        adopt = form.cleaned_data.pop("adopt")
        try:
            evaluation = services.conclude_evaluation(
                actor=request.user, evaluation=evaluation, **form.cleaned_data
            )
            if adopt:
                services.adopt_evaluation(actor=request.user, evaluation=evaluation)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request, "Le rapport est adopté et figé." if adopt else "Les conclusions sont enregistrées."
            )
            return redirect("plan:evaluation", year=year)
    return form_page(
        request,
        form=form,
        title=f"Conclure l'évaluation du plan {year}",
        back=reverse("plan:evaluation", args=[year]),
        intro="Une fois adopté, le rapport est figé : "
        "les modifications ultérieures du plan ne le changent plus.",
    )
