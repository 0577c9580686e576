"""Needs: a buyer posts and follows them; the animation validates them; every step on the need's page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from maillage.actors.models import Structure
from maillage.core.machines import history
from maillage.core.uploads import private_file_response
from maillage.procurement import selectors, services
from maillage.procurement.forms import NeedForm, OutcomeForm, ReturnForm
from maillage.procurement.matching import ranked_matches
from maillage.procurement.models import Need, NeedStatus, OfferProposal, Recipient
from maillage.procurement.permissions import can_animate, can_buy_for, can_see_matches
from maillage.procurement.views.common import add_errors, crumbs, need_or_404


def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    context = {
        "managed": selectors.managed_structures(user, request.territory),
        "buyer_needs": Need.objects.of_buyers(user, request.territory).select_related("buyer")[:20]
        if user.is_authenticated
        else [],
        "received": Recipient.objects.for_supplier(user, request.territory).order_by("-sent_at")[:20]
        if user.is_authenticated
        else [],
        "animates": can_animate(user, request.territory),
    }
    return render(request, "procurement/home.html", context)


@login_required
def animation(request: HttpRequest) -> HttpResponse:
    if not can_animate(request.user, request.territory):
        raise PermissionDenied
    needs = Need.objects.of_territory(request.territory).select_related("buyer")
    return render(
        request,
        "procurement/animation.html",
        {
            "to_validate": needs.filter(status=NeedStatus.SUBMITTED),
            "offer_proposals": OfferProposal.objects.filter(
                structure__territory=request.territory, status="pending"
            ).select_related("structure"),
            "needs": needs.exclude(status=NeedStatus.DRAFT)[:100],
            "figures": selectors.ledger_figures(
                selectors.territory_ledger(request.territory, "1900-01-01", "2999-12-31")
            ),
            "breadcrumbs": crumbs(("Animation", None)),
        },
    )


def _save_attachment(request: HttpRequest, form: NeedForm, need: Need) -> None:
    upload = form.cleaned_data.get("attachment")
    if upload:
        services.add_attachment(actor=request.user, need=need, file=upload)


@login_required
@require_http_methods(["GET", "POST"])
def need_create(request: HttpRequest) -> HttpResponse:
    buyers = selectors.managed_structures(request.user, request.territory)
    form = NeedForm(request.POST or None, request.FILES or None, territory=request.territory, buyers=buyers)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                need = services.create_need(
                    actor=request.user, buyer=form.cleaned_data["buyer"], **form.need_data()
                )
                _save_attachment(request, form, need)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request, "Votre besoin est enregistré en brouillon. Relisez-le, puis soumettez-le."
            )
            return redirect("procurement:need", pk=need.pk)
    return render(
        request,
        "procurement/need_form.html",
        {
            "form": form,
            "need": None,
            "has_buyers": buyers.exists(),
            "breadcrumbs": crumbs(("Déposer un besoin", None)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def need_edit(request: HttpRequest, pk: int) -> HttpResponse:
    need = need_or_404(request, pk)
    if not can_buy_for(request.user, need.buyer):
        raise PermissionDenied
    buyers = Structure.objects.filter(pk=need.buyer_id)
    initial = {name: getattr(need, name) for name in services.needs.NEED_FIELDS} | {"buyer": need.buyer}
    form = NeedForm(
        request.POST or None,
        request.FILES or None,
        territory=request.territory,
        buyers=buyers,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                services.update_need(actor=request.user, need=need, **form.need_data())
                _save_attachment(request, form, need)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "Le besoin est modifié.")
            return redirect("procurement:need", pk=need.pk)
    return render(
        request,
        "procurement/need_form.html",
        {
            "form": form,
            "need": need,
            "has_buyers": True,
            "breadcrumbs": crumbs((need.title, reverse("procurement:need", args=[pk])), ("Modifier", None)),
        },
    )


def _act(request: HttpRequest, need: Need, action: str, return_form: ReturnForm) -> str | None:
    """Run the button's action; the success message, or None when the form shows an error."""
    user = request.user
    if action == "submit":
        services.submit_need(actor=user, need=need)
        return "Votre besoin est soumis à l'animation, qui le relit avant son envoi aux fournisseurs."
    if action == "validate":
        services.validate_need(actor=user, need=need)
        return "Le besoin est validé : l'acheteur peut l'envoyer aux fournisseurs."
    if action == "return":
        if not return_form.is_valid():
            return None
        services.return_need(actor=user, need=need, note=return_form.cleaned_data["note"])
        return "Le besoin est renvoyé à l'acheteur."
    if action == "send":
        sent = services.send_next_batch(actor=user, need=need)
        return f"Le besoin est envoyé à {len(sent)} fournisseur(s)."
    if action == "close":
        services.close_need(actor=user, need=need)
        return "Le besoin est clos."
    raise Http404


@login_required
@require_http_methods(["GET", "POST"])
def need_detail(request: HttpRequest, pk: int) -> HttpResponse:
    need = need_or_404(request, pk)
    if not can_see_matches(request.user, need):
        # A supplier the need was sent to reads it on its answer page.
        recipient = Recipient.objects.for_supplier(request.user, request.territory).filter(need=need).first()
        if recipient is None:
            raise Http404
        return redirect("procurement:answer", pk=recipient.pk)
    return_form = ReturnForm(request.POST if request.POST.get("action") == "return" else None)
    error = None
    if request.method == "POST":
        try:
            done = _act(request, need, request.POST.get("action", ""), return_form)
        except (ValidationError, PermissionDenied) as exc:
            error = " ".join(getattr(exc, "messages", None) or [str(exc)])
        else:
            if done:
                messages.success(request, done)
                return redirect("procurement:need", pk=pk)
        need.refresh_from_db()
    recipients = need.recipients.select_related("structure").prefetch_related("documents").order_by("rank")
    preview = (
        ranked_matches(need, limit=10) if need.status in (NeedStatus.SUBMITTED, NeedStatus.VALIDATED) else []
    )
    return render(
        request,
        "procurement/need.html",
        {
            "need": need,
            "error": error,
            "return_form": return_form,
            "recipients": recipients,
            "summary": selectors.recipients_summary(need),
            "preview": preview,
            "history": [
                (
                    line,
                    NeedStatus(line.from_state).label if line.from_state else "∅",
                    NeedStatus(line.to_state).label,
                )
                for line in history(need)
            ],
            "is_buyer": can_buy_for(request.user, need.buyer),
            "animates": can_animate(request.user, need.territory),
            "award": getattr(need, "award", None),
            "breadcrumbs": crumbs((need.title, None)),
        },
    )


@login_required
def attachment(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    need = need_or_404(request, pk)
    item = get_object_or_404(need.attachments, pk=attachment_pk)
    return private_file_response(item.file, item.name)


@login_required
@require_http_methods(["GET", "POST"])
def outcome(request: HttpRequest, pk: int) -> HttpResponse:
    need = need_or_404(request, pk)
    if not can_buy_for(request.user, need.buyer):
        raise PermissionDenied
    suppliers = Structure.objects.filter(pk__in=need.recipients.sent().values("structure_id")).order_by(
        "name"
    )
    form = OutcomeForm(request.POST or None, suppliers=suppliers)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.record_outcome(
                actor=request.user,
                need=need,
                contract_followed=data["contract_followed"],
                supplier=data.get("supplier"),
                amount=data.get("amount"),
                clause_hours=data.get("clause_hours") or 0,
                notified_on=data.get("notified_on"),
                duration_months=data.get("duration_months"),
                cpv=data.get("cpv") or "",
                reference=data.get("reference") or "",
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "La suite du besoin est enregistrée et le besoin est clos.")
            return redirect("procurement:need", pk=pk)
    return render(
        request,
        "procurement/outcome.html",
        {
            "need": need,
            "form": form,
            "award": getattr(need, "award", None),
            "breadcrumbs": crumbs(
                (need.title, reverse("procurement:need", args=[pk])), ("Suite donnée", None)
            ),
        },
    )
