"""Public pages: the charter in force, a version, the comparison of two versions, the signatories (list,
map, CSV), a structure's history and its certificate."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from maillage.actors.models import Structure
from maillage.charter import selectors
from maillage.charter.forms import SignatoryFilterForm
from maillage.charter.models import CharterVersion, Signature, SignatureStatus, VersionStatus
from maillage.charter.pdf import cached_pdf, pdf_response, rate_limited, render_pdf, too_many_response
from maillage.charter.views.common import version_or_404
from maillage.core.exports import export_response


def charter_home(request: HttpRequest) -> HttpResponse:
    return render(request, "charter/home.html", selectors.home_context(request.user, request.territory))


def version_detail(request: HttpRequest, number: int) -> HttpResponse:
    version = version_or_404(request, number)
    context = selectors.version_context(request.user, request.territory, version)
    return render(request, "charter/version.html", context)


def version_diff(request: HttpRequest) -> HttpResponse:
    context = selectors.diff_context(
        request.user, request.territory, request.GET.get("de", "0"), request.GET.get("a", "0")
    )
    return render(request, "charter/diff.html", context)


def version_pdf(request: HttpRequest, number: int) -> HttpResponse:
    version = version_or_404(request, number)
    if rate_limited(request):
        return too_many_response()
    frozen = version.status in (VersionStatus.ADOPTED, VersionStatus.SUPERSEDED)
    data = cached_pdf(
        f"charter:pdf:version:{version.pk}:{version.status}" if frozen else None,
        lambda: render_pdf(
            "charter/pdf_charter.html",
            {"version": version, "articles": version.articles.all(), "territory": request.territory},
            base_url=request.territory.absolute_url("/"),
        ),
    )
    return pdf_response(data, f"charte-v{version.number}.pdf")


def signatory_list(request: HttpRequest) -> HttpResponse:
    territory = request.territory
    form = SignatoryFilterForm(request.GET or None, communes=selectors.signatory_communes(territory))
    filters = form.cleaned_data if form.is_valid() else {}
    rows = selectors.signatories(
        territory,
        family=filters.get("family", ""),
        commune=filters.get("commune", ""),
        status=filters.get("status", ""),
        q=filters.get("q", ""),
    )
    return render(
        request,
        "charter/signatories.html",
        {
            "rows": rows,
            "counts": selectors.signatory_counts(territory, rows),
            "form": form,
            "points": selectors.signatory_points(rows),
            "adopted": CharterVersion.objects.adopted(territory),
            "tiles_url": settings.MAILLAGE_MAP_TILES_URL,
            "tiles_attribution": settings.MAILLAGE_MAP_TILES_ATTRIBUTION,
            "breadcrumbs": selectors.crumbs(("Signataires", None)),
        },
    )


def signatory_csv(request: HttpRequest) -> HttpResponse:
    rows = selectors.signatories(request.territory)
    return export_response(
        headers=[
            "Structure",
            "Commune",
            "Dernière version signée",
            "Version en vigueur signée",
            "Date de signature",
            "Nom de la personne qui a signé",
            "Fonction",
        ],
        rows=(
            [
                r.structure.name,
                r.structure.commune.name if r.structure.commune else "",
                r.latest.version.number,
                "oui" if r.is_current else "non",
                r.latest.signed_on,
                r.latest.signer_name,
                r.latest.signer_role,
            ]
            for r in rows
        ),
        filename="signataires-charte",
        fmt="csv",
        title="Signataires",
    )


def structure_history(request: HttpRequest, slug: str) -> HttpResponse:
    structure = get_object_or_404(
        Structure, territory=request.territory, slug=slug, status=Structure.Status.PUBLISHED
    )
    context = selectors.structure_context(request.user, request.territory, structure)
    return render(request, "charter/structure.html", context)


def certificate_pdf(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    signature: Signature = get_object_or_404(
        Signature.objects.public(request.territory).select_related("structure__commune", "ceremony"),
        structure__slug=slug,
        version__number=number,
        status=SignatureStatus.ACTIVE,
    )
    if rate_limited(request):
        return too_many_response()
    # Not cached: it holds the signer's name, which an erasure must be able to remove everywhere.
    data = render_pdf(
        "charter/pdf_certificate.html",
        selectors.certificate_context(request.territory, signature),
        base_url=request.territory.absolute_url("/"),
    )
    return pdf_response(data, f"attestation-charte-v{number}-{slug}.pdf")
