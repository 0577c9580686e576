"""The supplier's answer page; the buyer's dashboard, ledger import and DECP export."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from maillage.actors.models import Structure
from maillage.procurement import decp, selectors, services
from maillage.procurement.forms import AnswerForm, LedgerImportForm
from maillage.procurement.models import Award, Recipient
from maillage.procurement.permissions import can_answer_for, can_buy_for, can_view_buyer
from maillage.procurement.views.common import add_errors, crumbs


@login_required
@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    """A supplier's page for a need it was sent: read it, answer « intéressé » or « pas intéressé »."""
    recipient = Recipient.objects.for_supplier(request.user, request.territory).filter(pk=pk).first()
    if recipient is None:
        raise Http404
    may_answer = can_answer_for(request.user, recipient.structure)
    if may_answer and request.method == "GET":
        services.mark_opened(actor=request.user, recipient=recipient)
    form = AnswerForm(
        request.POST or None,
        request.FILES or None,
        initial={"answer": recipient.answer or None, "message": recipient.message},
    )
    if request.method == "POST":
        if not may_answer:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.answer_need(
                    actor=request.user,
                    need=recipient.need,
                    structure=recipient.structure,
                    answer=form.cleaned_data["answer"],
                    message=form.cleaned_data["message"],
                    reason=form.cleaned_data["reason"],
                    document=form.cleaned_data.get("document"),
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, "Merci : votre réponse est transmise à l'acheteur.")
                return redirect("procurement:answer", pk=pk)
    need = recipient.need
    return render(
        request,
        "procurement/answer.html",
        {
            "recipient": recipient,
            "documents": recipient.documents.all(),
            "need": need,
            "form": form,
            "may_answer": may_answer,
            "open": need.status == "sent" and need.deadline >= timezone.localdate(),
            "breadcrumbs": crumbs(("Besoin reçu", None)),
        },
    )


def _buyer(request: HttpRequest, slug: str) -> Structure:
    buyer = get_object_or_404(Structure.objects.filter(territory=request.territory), slug=slug)
    if not can_view_buyer(request.user, buyer):
        raise PermissionDenied
    return buyer


def _year(request: HttpRequest) -> int:
    value = request.GET.get("annee", "")
    return int(value) if value.isdigit() and 2000 <= int(value) <= 2100 else timezone.localdate().year - 1


@login_required
def dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    buyer = _buyer(request, slug)
    context = selectors.dashboard_context(buyer, _year(request))
    context["may_import"] = can_buy_for(request.user, buyer)
    context["breadcrumbs"] = crumbs((f"Part d'achat responsable : {buyer.name}", None))
    return render(request, "procurement/dashboard.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def ledger_import(request: HttpRequest, slug: str) -> HttpResponse:
    buyer = _buyer(request, slug)
    if not can_buy_for(request.user, buyer):
        raise PermissionDenied
    form = LedgerImportForm(request.POST or None, request.FILES or None, initial={"year": _year(request)})
    if request.method == "POST" and form.is_valid():
        try:
            report = services.import_ledger(
                actor=request.user,
                buyer=buyer,
                year=form.cleaned_data["year"],
                data=form.cleaned_data["file"].read(),
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"{report.imported} ligne(s) d'achat importée(s).")
            return redirect(f"{request.path.rsplit('import/', 1)[0]}?annee={form.cleaned_data['year']}")
    return render(
        request,
        "procurement/ledger_import.html",
        {"buyer": buyer, "form": form, "breadcrumbs": crumbs(("Importer le grand livre des achats", None))},
    )


@login_required
def decp_export(request: HttpRequest, slug: str) -> HttpResponse:
    buyer = _buyer(request, slug)
    document = decp.document(Award.objects.filter(need__buyer=buyer))
    response = HttpResponse(
        json.dumps(document, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="decp-{buyer.slug}.json"'
    return response
