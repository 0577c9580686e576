"""A structure's pages: its answer sheet (managers fill it, members read it), its results, their PDF."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from maillage.assessment import selectors, services
from maillage.assessment.forms import AnswerForm, SharingForm
from maillage.assessment.models import AnswerSheet
from maillage.assessment.permissions import can_fill_for
from maillage.assessment.services.sheets import grid_questions
from maillage.assessment.views.common import add_errors, campaign_and_structure, sheet_or_404
from maillage.core.pdf import pdf_response, render_pdf


@login_required
@require_http_methods(["GET", "POST"])
def sheet(request: HttpRequest, year: int, slug: str) -> HttpResponse:
    campaign, structure = campaign_and_structure(request, year, slug)
    can_fill = can_fill_for(request.user, structure)
    current = (
        AnswerSheet.objects.for_user(request.user, request.territory)
        .filter(campaign=campaign, structure=structure)
        .first()
    )
    action = request.POST.get("action", "")
    if request.method == "POST" and not can_fill:
        raise PermissionDenied
    if request.method == "POST" and action == "start":
        try:
            current = services.start_sheet(actor=request.user, campaign=campaign, structure=structure)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            if current.prefilled_from_id:
                messages.info(request, "Vos réponses de l'an dernier ont été reprises : mettez-les à jour.")
        return redirect(selectors.sheet_url(current) if current else "assessment:home")
    if request.method == "POST" and action == "reopen" and current is not None:
        try:
            services.reopen_sheet(actor=request.user, sheet=current)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request, "Vos réponses sont rouvertes : modifiez-les puis transmettez-les à nouveau."
            )
        return redirect(selectors.sheet_url(current))
    questions = grid_questions(campaign)
    values = selectors.answers_of(current) if current else {}
    form = AnswerForm(questions, values, request.POST if request.method == "POST" else None)
    if request.method == "POST" and current is not None and action in ("save", "submit"):
        form.is_valid()
        raw = {name: request.POST.get(name, "") for name in form.fields}
        try:
            if action == "submit":
                services.submit_sheet(actor=request.user, sheet=current, raw=raw)
            else:
                services.save_answers(actor=request.user, sheet=current, raw=raw)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            if action == "submit":
                messages.success(request, "Merci : vos réponses sont transmises. Voici vos résultats.")
                return redirect(selectors.sheet_url(current, "assessment:results"))
            messages.success(request, "Brouillon enregistré : vous pourrez reprendre plus tard.")
            return redirect(selectors.sheet_url(current))
    return render(
        request,
        "assessment/sheet.html",
        {
            "campaign": campaign,
            "structure": structure,
            "sheet": current,
            "can_fill": can_fill,
            "editable": bool(current and can_fill and not current.is_submitted and campaign.is_open),
            "form": form,
            "blocks": form.fields_by_theme(),
            "lines": selectors.answer_lines(current) if current else [],
            "breadcrumbs": selectors.crumbs((f"{structure.name} — {campaign.year}", None)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def results(request: HttpRequest, year: int, slug: str) -> HttpResponse:
    sheet = sheet_or_404(request, year, slug)
    form = SharingForm(request.POST if request.method == "POST" else None, initial={"shared": sheet.shared})
    if request.method == "POST":
        if not can_fill_for(request.user, sheet.structure):
            raise PermissionDenied
        if form.is_valid():
            try:
                services.set_sharing(actor=request.user, sheet=sheet, shared=form.cleaned_data["shared"])
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(
                    request,
                    "Vos scores par thème sont affichés sur la fiche publique de la structure."
                    if form.cleaned_data["shared"]
                    else "Vos scores ne sont plus affichés sur la fiche publique.",
                )
                return redirect(selectors.sheet_url(sheet, "assessment:results"))
    context = selectors.results_context(sheet) if sheet.is_submitted else {"sheet": sheet}
    context.update(
        {
            "form": form,
            "can_fill": can_fill_for(request.user, sheet.structure),
            "lines": selectors.answer_lines(sheet),
            "breadcrumbs": selectors.crumbs(
                (f"{sheet.structure.name} — {sheet.campaign.year}", selectors.sheet_url(sheet)),
                ("Résultats", None),
            ),
        }
    )
    return render(request, "assessment/results.html", context)


@login_required
def results_pdf(request: HttpRequest, year: int, slug: str) -> HttpResponse:
    sheet = sheet_or_404(request, year, slug)
    if not sheet.is_submitted:
        messages.error(request, "Transmettez d'abord vos réponses : le PDF présente des résultats complets.")
        return redirect(selectors.sheet_url(sheet))
    context = selectors.results_context(sheet, with_suggestions=False)
    context.update(
        {
            "lines": selectors.answer_lines(sheet),
            "territory": request.territory,
            "today": timezone.localdate(),
        }
    )
    data = render_pdf("assessment/pdf_results.html", context, request=request)
    return pdf_response(
        data, f"utilite-sociale-{sheet.structure.slug}-{sheet.campaign.year}.pdf", private=True
    )
