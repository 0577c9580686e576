"""A buyer's shortlists of suppliers (kept from the search, renamed, exported, deleted, used to send a need);
the moderation of a supplier offer's edit; the download of a document joined to an answer."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from maillage.actors.models import Decision
from maillage.core.exports import export_response
from maillage.core.uploads import private_file_response
from maillage.procurement import selectors, services
from maillage.procurement.forms import (
    OfferDecisionForm,
    ShortlistAddForm,
    ShortlistRenameForm,
    ShortlistSendForm,
)
from maillage.procurement.models import AnswerDocument, Need, NeedStatus, OfferProposal, Shortlist
from maillage.procurement.permissions import can_buy_for, can_moderate_offers
from maillage.procurement.taxonomy import reservation_labels
from maillage.procurement.views.common import add_errors, crumbs


def _my_shortlists(request: HttpRequest):  # noqa: ANN202
    return (
        Shortlist.objects.for_user(request.user, request.territory)
        .select_related("buyer")
        .annotate(size=Count("entries"))
        .order_by("buyer__name", "name")
    )


@login_required
@require_http_methods(["GET", "POST"])
def shortlists(request: HttpRequest) -> HttpResponse:
    """The person's buyer structures' shortlists; the search's « garder dans une liste » posts here."""
    lists = _my_shortlists(request)
    buyers = selectors.managed_structures(request.user, request.territory)
    form = ShortlistAddForm(request.POST or None, shortlists=lists, buyers=buyers)
    if request.method == "POST" and form.is_valid():
        data, chosen = form.cleaned_data, request.POST.getlist("suppliers")
        try:
            if data.get("shortlist"):
                target = data["shortlist"]
                added = services.add_to_shortlist(actor=request.user, shortlist=target, suppliers=chosen)
                messages.success(request, f"{added} fournisseur(s) ajouté(s) à la liste « {target.name} ».")
            else:
                target = services.create_shortlist(
                    actor=request.user, buyer=data["buyer"], name=data["name"], suppliers=chosen
                )
                messages.success(
                    request,
                    f"La liste « {target.name} » est créée avec {target.entries.count()} fournisseur(s).",
                )
        except (ValidationError, PermissionDenied) as exc:
            add_errors(form, exc if isinstance(exc, ValidationError) else ValidationError(str(exc)))
        else:
            return redirect("procurement:shortlist", pk=target.pk)
    return render(
        request,
        "procurement/shortlists.html",
        {
            "lists": lists,
            "form": form,
            "chosen": [v for v in request.POST.getlist("suppliers") if v.isdigit()],
            "breadcrumbs": crumbs(("Mes listes de fournisseurs", None)),
        },
    )


def _export(shortlist: Shortlist, entries) -> HttpResponse:  # noqa: ANN001
    rows = (
        (
            e.structure.name,
            e.structure.siret,
            e.structure.commune.name if e.structure.commune else "",
            ", ".join(e.structure.supplier_offer.offer_type_labels()),
            e.structure.supplier_offer.get_perimeter_display(),
            e.structure.supplier_offer.staff or "",
            ", ".join(reservation_labels(e.structure.inclusion_kind)),
            e.structure.public_email,
        )
        for e in entries
    )
    headers = ["Structure", "SIRET", "Commune", "Offre", "Périmètre", "Effectif", "Marchés réservés"]
    return export_response(
        headers=[*headers, "Adresse de contact"],
        rows=rows,
        filename=f"liste-{shortlist.name}",
        fmt="csv",
        delimiter=";",
    )


def _post(request: HttpRequest, shortlist: Shortlist, forms: dict) -> HttpResponse | None:  # noqa: C901
    action = request.POST.get("action", "")
    if action == "rename" and forms["rename"].is_valid():
        services.rename_shortlist(
            actor=request.user, shortlist=shortlist, name=forms["rename"].cleaned_data["name"]
        )
        messages.success(request, "La liste est renommée.")
        return redirect("procurement:shortlist", pk=shortlist.pk)
    if action == "remove":
        value = request.POST.get("structure", "")
        services.remove_from_shortlist(
            actor=request.user, shortlist=shortlist, structure_id=int(value) if value.isdigit() else 0
        )
        messages.success(request, "Le fournisseur est retiré de la liste.")
        return redirect("procurement:shortlist", pk=shortlist.pk)
    if action == "delete":
        name = shortlist.name
        services.delete_shortlist(actor=request.user, shortlist=shortlist)
        messages.success(request, f"La liste « {name} » est supprimée.")
        return redirect("procurement:shortlists")
    if action == "send" and forms["send"].is_valid():
        need = forms["send"].cleaned_data["need"]
        sent = services.send_to_shortlist(actor=request.user, need=need, shortlist=shortlist)
        messages.success(
            request, f"Le besoin « {need.title} » est envoyé à {len(sent)} fournisseur(s) de la liste."
        )
        return redirect("procurement:need", pk=need.pk)
    return None


@login_required
@require_http_methods(["GET", "POST"])
def shortlist(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(_my_shortlists(request), pk=pk)
    may_write = can_buy_for(request.user, item.buyer)
    entries = item.entries.select_related("structure__supplier_offer", "structure__commune").order_by(
        "structure__name"
    )
    if request.GET.get("format") == "csv":
        return _export(item, entries)
    action = request.POST.get("action", "")
    needs = Need.objects.of_buyers(request.user, request.territory).filter(
        buyer=item.buyer, status__in=[NeedStatus.VALIDATED, NeedStatus.SENT]
    )
    forms = {
        "rename": ShortlistRenameForm(
            request.POST if action == "rename" else None, initial={"name": item.name}, prefix="rename"
        ),
        "send": ShortlistSendForm(request.POST if action == "send" else None, needs=needs, prefix="send"),
    }
    if request.method == "POST":
        if not may_write:
            raise PermissionDenied
        try:
            response = _post(request, item, forms)
        except (ValidationError, PermissionDenied) as exc:
            form = forms["rename" if action == "rename" else "send"]
            add_errors(form, exc if isinstance(exc, ValidationError) else ValidationError(str(exc)))
        else:
            if response is not None:
                return response
    return render(
        request,
        "procurement/shortlist.html",
        {
            "shortlist": item,
            "entries": [(e, reservation_labels(e.structure.inclusion_kind)) for e in entries],
            "may_write": may_write,
            "rename_form": forms["rename"],
            "send_form": forms["send"],
            "has_needs": needs.exists(),
            "breadcrumbs": crumbs(("Mes listes de fournisseurs", "/achats/listes/"), (item.name, None)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def offer_proposal(request: HttpRequest, pk: int) -> HttpResponse:
    """The moderation reads a manager's edit of a supplier offer beside the public one, accepts or refuses."""
    proposal = get_object_or_404(
        OfferProposal.objects.filter(structure__territory=request.territory).select_related(
            "structure", "author"
        ),
        pk=pk,
    )
    if not can_moderate_offers(request.user, request.territory):
        raise PermissionDenied
    form = OfferDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        accept = form.cleaned_data["decision"] == "accept"
        try:
            services.decide_offer_proposal(
                actor=request.user, proposal=proposal, accept=accept, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            add_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                "La modification est acceptée : l'offre est en ligne."
                if accept
                else "La modification est refusée : le gestionnaire en reçoit le motif.",
            )
            return redirect("procurement:offer_proposal", pk=pk)
    return render(
        request,
        "procurement/offer_proposal.html",
        {
            "proposal": proposal,
            "rows": selectors.offer_changes(proposal),
            "form": form,
            "pending": proposal.status == Decision.PENDING,
            "breadcrumbs": crumbs(
                ("Animation", "/achats/animation/"), (f"Offre de {proposal.structure.name}", None)
            ),
        },
    )


@login_required
@require_GET
def answer_document(request: HttpRequest, pk: int, document_pk: int) -> HttpResponse:
    """A document joined to an answer: the buyer, the supplier and the animation only."""
    document = get_object_or_404(
        AnswerDocument.objects.for_user(request.user, request.territory), pk=document_pk, recipient_id=pk
    )
    return private_file_response(document.file, document.name)
