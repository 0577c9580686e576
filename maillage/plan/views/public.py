"""Public pages of the plan: the accountability page, a node's page, the roadmap, the export; and the import.

The plan is public (citizens, elected officials); its contexts are built in `selectors.py`.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from maillage.core.demo import demo_today
from maillage.core.exports import export_response
from maillage.core.uploads import validate_upload
from maillage.plan import forms, selectors, services, transfer
from maillage.plan.selectors import crumbs, plan_crumb
from maillage.plan.views._common import animator_required, node_or_404, version_or_404, warn


def index(request: HttpRequest, year: int | None = None) -> HttpResponse:
    """The accountability page: the plan of a year with progress, status and indicators; filters."""
    context = selectors.index_context(
        request.user,
        request.territory,
        year=year,
        today=demo_today(),
        objective=request.GET.get("objectif", ""),
        status=request.GET.get("statut", ""),
    )
    return render(request, "plan/index.html", context)


def node_detail(request: HttpRequest, pk: int) -> HttpResponse:
    node = node_or_404(request, pk)
    return render(
        request, "plan/node_detail.html", selectors.node_context(request.user, request.territory, node)
    )


def roadmap_page(request: HttpRequest, year: int) -> HttpResponse:
    """The « feuille de route »: timeline by semester or quarter, Gantt-like SVG with a table alternative."""
    version = version_or_404(request, year)
    by = "quarter" if request.GET.get("par") == "trimestre" else "semester"
    return render(request, "plan/roadmap.html", selectors.roadmap_context(version, by=by, today=demo_today()))


def export(request: HttpRequest, year: int, fmt: str) -> HttpResponse:
    """The plan of a year as CSV or XLSX (public data: no personal data in it)."""
    version = version_or_404(request, year)
    if fmt not in ("csv", "xlsx"):
        raise Http404
    return export_response(
        headers=transfer.HEADERS,
        rows=transfer.export_rows(version),
        filename=f"plan-d-actions-{version.year}",
        fmt=fmt,
        title=f"Plan {version.year}",
    )


@animator_required
def import_plan(request: HttpRequest, year: int) -> HttpResponse:
    version = version_or_404(request, year)
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            checked = validate_upload(upload, kinds=("csv", "xlsx"), max_bytes=2 * 1024 * 1024)
            upload.seek(0)
            rows = transfer.read_table(upload.read(), checked.kind)
            report = services.import_plan(
                actor=request.user, version=version, rows=rows, dry_run=form.cleaned_data["dry_run"]
            )
        except ValidationError as error:
            form.add_error("file", error)
        except transfer.ImportFailed as failure:
            report = failure.report
        else:
            if not report.dry_run:
                messages.success(
                    request,
                    f"Import terminé : {report.created} élément(s) créé(s), {report.updated} modifié(s), "
                    f"{report.unchanged} inchangé(s).",
                )
                warn(request, [f"ligne {line} : {w}" for line, w in report.warnings])
                return redirect("plan:version", year=version.year)
    return render(
        request,
        "plan/import.html",
        {
            "form": form,
            "version": version,
            "report": report,
            "breadcrumbs": crumbs(plan_crumb(version), ("Importer", None)),
        },
    )
