"""A structure's supplier offer, edited by its managers; the supplier search for buyers; « potentiel »."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from maillage.actors.models import Decision, Structure
from maillage.core.exports import export_response
from maillage.core.models import Commune
from maillage.core.search import matching_ids
from maillage.procurement import selectors, services
from maillage.procurement.forms import OfferForm, ReferenceForm, ShortlistAddForm, SupplierSearchForm
from maillage.procurement.matching import candidates
from maillage.procurement.models import ClientReference, OfferProposal, Shortlist, SupplierOffer
from maillage.procurement.permissions import can_edit_offer
from maillage.procurement.taxonomy import reservation_labels
from maillage.procurement.views.common import add_errors, crumbs


def _initial(data: dict | None, offer: SupplierOffer | None) -> dict:
    """The form shows the edit waiting for the moderation, else the accepted offer."""
    if data is not None:
        return {
            "offer_types": [t for t in data.get("offer_types", "").split(",") if t],
            "summary": data.get("summary", ""),
            "perimeter": data.get("perimeter"),
            "radius_km": data.get("radius_km"),
            "communes": list(Commune.objects.filter(pk__in=data.get("communes") or [])),
            "staff": data.get("staff"),
            "turnover_band": data.get("turnover_band", ""),
            "labels": ", ".join(data.get("labels") or []),
        }
    if offer is None:
        return {}
    return {
        "offer_types": offer.offer_type_list,
        "summary": offer.summary,
        "perimeter": offer.perimeter,
        "radius_km": offer.radius_km,
        "communes": list(offer.communes.all()),
        "staff": offer.staff,
        "turnover_band": offer.turnover_band,
        "labels": ", ".join(offer.labels),
    }


@login_required
@require_http_methods(["GET", "POST"])
def offer_edit(request: HttpRequest, slug: str) -> HttpResponse:
    structure = get_object_or_404(Structure.objects.filter(territory=request.territory), slug=slug)
    if not can_edit_offer(request.user, structure):
        raise PermissionDenied
    offer = SupplierOffer.objects.filter(structure=structure).first()
    proposals = OfferProposal.objects.filter(structure=structure).order_by("-created_at", "-pk")
    pending = proposals.filter(status=Decision.PENDING).first()
    last_decided = proposals.exclude(status=Decision.PENDING).first()
    initial = _initial(pending.data if pending else None, offer)
    which = request.POST.get("form", "offer")
    form = OfferForm(
        request.POST if which == "offer" and request.method == "POST" else None,
        territory=request.territory,
        initial=initial,
    )
    ref_form = ReferenceForm(request.POST if which == "reference" else None)
    if request.method == "POST":
        try:
            if which == "offer" and form.is_valid():
                data = form.cleaned_data
                saved = services.save_offer(
                    actor=request.user,
                    structure=structure,
                    offer_types=data["offer_types"],
                    summary=data["summary"],
                    perimeter=data["perimeter"],
                    radius_km=data["radius_km"],
                    communes=list(data["communes"]),
                    staff=data["staff"],
                    turnover_band=data["turnover_band"] or "",
                    labels=data["labels"].split(","),
                )
                messages.success(
                    request,
                    "Votre modification est transmise à l'animation : l'offre en ligne reste la précédente "
                    "jusqu'à sa validation."
                    if isinstance(saved, OfferProposal)
                    else "L'offre de la structure est enregistrée.",
                )
                return redirect("procurement:offer", slug=slug)
            if which == "reference" and ref_form.is_valid():
                services.add_reference(actor=request.user, structure=structure, **ref_form.cleaned_data)
                messages.success(request, "La référence est ajoutée.")
                return redirect("procurement:offer", slug=slug)
            if which == "remove_reference":
                reference = get_object_or_404(
                    ClientReference.objects.filter(offer__structure=structure), pk=request.POST.get("pk")
                )
                services.remove_reference(actor=request.user, reference=reference)
                messages.success(request, "La référence est retirée.")
                return redirect("procurement:offer", slug=slug)
        except ValidationError as exc:
            add_errors(form if which == "offer" else ref_form, exc)
    return render(
        request,
        "procurement/offer_edit.html",
        {
            "structure": structure,
            "offer": offer,
            "pending": pending,
            "last_decided": last_decided,
            "form": form,
            "ref_form": ref_form,
            "references": offer.references.all() if offer else [],
            "reservations": reservation_labels(structure.inclusion_kind),
            "breadcrumbs": crumbs((f"Offre de {structure.name}", None)),
        },
    )


def _search(request: HttpRequest, form: SupplierSearchForm):  # noqa: ANN202
    data = form.cleaned_data if form.is_valid() else {}
    qs = candidates(
        territory=request.territory,
        sectors=[data["sector"]] if data.get("sector") else [],
        offer_type=data.get("offer_type") or "",
        commune=data.get("commune"),
        reserved=data.get("reserved") or "",
    )
    if data.get("min_staff"):
        qs = qs.filter(supplier_offer__staff__gte=data["min_staff"])
    if data.get("q"):
        ids = matching_ids(request.territory, data["q"], kind="structure")
        if ids is not None:
            qs = qs.filter(pk__in=ids)
    return qs.select_related("supplier_offer", "commune").order_by("name")


def supplier_search(request: HttpRequest) -> HttpResponse:
    form = SupplierSearchForm(request.GET or None, territory=request.territory)
    qs = _search(request, form)
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx", "ods"):
        rows = (
            (
                s.name,
                s.siret,
                s.commune.name if s.commune else "",
                ", ".join(s.supplier_offer.offer_type_labels()),
                s.supplier_offer.get_perimeter_display(),
                s.supplier_offer.staff or "",
                ", ".join(reservation_labels(s.inclusion_kind)),
                s.public_email,
            )
            for s in qs[:5000]
        )
        return export_response(
            headers=[
                "Structure",
                "SIRET",
                "Commune",
                "Offre",
                "Périmètre",
                "Effectif",
                "Marchés réservés",
                "Adresse de contact",
            ],
            rows=rows,
            filename="fournisseurs",
            fmt=fmt,
            delimiter=";" if fmt == "csv" else ",",
        )
    total = qs.count()
    results = [(s, reservation_labels(s.inclusion_kind)) for s in qs[:100]]
    buyers = selectors.managed_structures(request.user, request.territory)
    keep_form = None
    if results and buyers.exists():
        keep_form = ShortlistAddForm(
            shortlists=Shortlist.objects.for_user(request.user, request.territory).filter(buyer__in=buyers),
            buyers=buyers,
        )
    return render(
        request,
        "procurement/suppliers.html",
        {
            "form": form,
            "results": results,
            "keep_form": keep_form,
            "total": total,
            "query": request.GET.urlencode(),
            "breadcrumbs": crumbs(("Trouver des fournisseurs", None)),
        },
    )


def potential(request: HttpRequest) -> HttpResponse:
    form = SupplierSearchForm(request.GET or None, territory=request.territory)
    figures = None
    if form.is_valid():
        data = form.cleaned_data
        figures = selectors.potential(
            territory=request.territory,
            sectors=[data["sector"]] if data.get("sector") else [],
            offer_type=data.get("offer_type") or "",
            commune=data.get("commune"),
            reserved=data.get("reserved") or "",
        )
    return render(
        request,
        "procurement/potential.html",
        {"form": form, "figures": figures, "breadcrumbs": crumbs(("Potentiel", None))},
    )
