"""Views of the directory: search and map, profile, contact, self-service, moderation, practices, exports."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from maillage.actors import directory, exports, permissions, selectors, services
from maillage.actors.forms import (
    ContactForm,
    ErrorReportForm,
    ImportForm,
    ManagementRequestForm,
    PracticeForm,
    StructureForm,
)
from maillage.actors.models import (
    STRUCTURE_MACHINE,
    EditProposal,
    ErrorReport,
    ImportBatch,
    ManagementRequest,
    MergeProposal,
    Structure,
)
from maillage.core import page_cache
from maillage.core.geo import BBox
from maillage.core.ratelimit import client_ip, over_limit

CONTACT_LIMIT_PER_IP = 5  # per hour
CONTACT_LIMIT_PER_STRUCTURE = 20  # per hour
REPORT_LIMIT_PER_IP = 5


def _require_animator(request: HttpRequest) -> None:
    if not request.user.is_animator_of(request.territory):
        raise PermissionDenied


def _require_moderator(request: HttpRequest) -> None:
    """The territory's moderators and animators (`permissions.can_moderate`)."""
    if not permissions.can_moderate(request.user, request.territory):
        raise PermissionDenied


# --- search and map ---------------------------------------------------------------------------------


@require_GET
def structure_list(request: HttpRequest) -> HttpResponse:
    # htmx asks for the same page and swaps the results and the facets (hx-select / hx-select-oob).
    def page() -> HttpResponse:
        response = render(
            request,
            "actors/structure_list.html",
            selectors.search_page(request.territory, request.GET, client_key=client_ip(request)),
        )
        response["Vary"] = "HX-Request"
        return response

    # Anonymous visitors share whole pages under the directory's version (maillage/core/page_cache.py).
    return page_cache.anonymous_page(
        request,
        page,
        namespace="actors:list",
        version=lambda: directory.page_version(request.territory),
        params=directory.PAGE_PARAMS,
        vary=["HX-Request"],
        # an address is located within the visitor's own rate budget, and may be answered from its commune
        shared=not request.GET.get("adresse", "").strip(),
    )


@require_GET
def structure_markers(request: HttpRequest) -> JsonResponse:
    """Markers of the current search inside `bbox` (« ouest,sud,est,nord »), as light JSON."""
    territory = request.territory
    try:
        bbox = BBox.parse(request.GET.get("bbox", ""))
    except ValueError as exc:
        return JsonResponse({"erreur": str(exc) or "Emprise invalide."}, status=400)
    filters = directory.parse_filters(request.GET, territory, client_key=client_ip(request))
    rows = directory.markers(Structure.objects.published(territory), filters, territory, bbox)
    return JsonResponse({"count": len(rows), "markers": rows})


@require_GET
def structure_export(request: HttpRequest, fmt: str) -> HttpResponse:
    territory = request.territory
    filters = directory.parse_filters(request.GET, territory, client_key=client_ip(request))
    base = Structure.objects.published(territory)
    qs = directory.base_queryset(base, filters, territory).filter(
        directory.filter_conditions(filters, territory)
    )
    key = f"actors:export:{client_ip(request)}"
    if over_limit(key, limit=30, window=3600):
        return HttpResponse("Trop d'exports en peu de temps ; réessayez dans une heure.", status=429)
    if fmt == "geojson":
        return exports.geojson_response(qs, territory)
    if fmt == "data-inclusion":
        return exports.data_inclusion_response(qs, territory)
    if fmt in ("csv", "xlsx", "ods"):
        return exports.table_response(qs, territory, fmt)
    raise Http404


# --- profile ---------------------------------------------------------------------------------------


def _structure(request: HttpRequest, slug: str) -> Structure:
    return get_object_or_404(
        Structure.objects.for_user(request.user, request.territory).select_related("commune", "territory"),
        slug=slug,
    )


@require_GET
def structure_detail(request: HttpRequest, slug: str) -> HttpResponse:
    structure = _structure(request, slug)
    return render(request, "actors/structure_detail.html", selectors.structure_page(request, structure))


def structure_contact(request: HttpRequest, slug: str) -> HttpResponse:
    """The contact form (also on the profile): the message reaches the structure by mail; no address shown."""
    structure = _structure(request, slug)
    if not structure.is_published or not services.contact_recipients(structure):
        raise Http404
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        by_ip = over_limit(f"actors:contact:ip:{client_ip(request)}", limit=CONTACT_LIMIT_PER_IP, window=3600)
        to_structure = over_limit(
            f"actors:contact:s:{structure.pk}", limit=CONTACT_LIMIT_PER_STRUCTURE, window=3600
        )
        if by_ip or to_structure:
            form.add_error(None, "Trop de messages envoyés en peu de temps : réessayez dans une heure.")
            return render(request, "actors/contact.html", {"structure": structure, "form": form}, status=429)
        services.send_contact_message(
            structure=structure,
            sender_name=form.cleaned_data["name"],
            sender_email=form.cleaned_data["email"],
            message=form.cleaned_data["message"],
        )
        messages.success(request, "Votre message a été transmis à la structure.")
        return redirect("actors:detail", slug=structure.slug)
    return render(request, "actors/contact.html", {"structure": structure, "form": form})


def structure_report(request: HttpRequest, slug: str) -> HttpResponse:
    structure = _structure(request, slug)
    form = ErrorReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if over_limit(f"actors:report:{client_ip(request)}", limit=REPORT_LIMIT_PER_IP, window=3600):
            form.add_error(None, "Trop de signalements en peu de temps : réessayez dans une heure.")
        else:
            try:
                services.report_error(structure=structure, message=form.cleaned_data["message"])
            except ValidationError as exc:
                form.add_error("message", exc.messages[0])
            else:
                messages.success(request, "Merci : l'animation du territoire va vérifier la fiche.")
                return redirect("actors:detail", slug=structure.slug)
    return render(request, "actors/report.html", {"structure": structure, "form": form})


# --- self-service ----------------------------------------------------------------------------------


def _add_errors(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@login_required
def structure_create(request: HttpRequest) -> HttpResponse:
    territory = request.territory
    form = StructureForm(request.POST or None, request.FILES or None, territory=territory)
    duplicate = None
    if request.method == "POST" and form.is_valid():
        try:
            structure = services.create_structure(
                actor=request.user,
                territory=territory,
                data=form.structure_data(),
                sectors=form.cleaned_data["sectors"],
                logo=form.cleaned_data.get("logo_upload"),
            )
        except services.DuplicateStructure as exc:
            duplicate = exc.existing
            form.add_error(None, exc.messages)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            if structure.status == Structure.Status.PENDING:
                messages.success(request, "Merci ! La fiche sera publiée après vérification par l'animation.")
            else:
                messages.success(request, "La fiche est publiée.")
            return redirect("actors:detail", slug=structure.slug)
    return render(
        request,
        "actors/structure_form.html",
        {
            "form": form,
            "duplicate": duplicate,
            "title": "Inscrire une structure",
            "breadcrumbs": [
                ("Annuaire des acteurs", reverse("actors:list")),
                ("Inscrire une structure", None),
            ],
        },
    )


@login_required
def structure_edit(request: HttpRequest, slug: str) -> HttpResponse:
    structure = _structure(request, slug)
    if not request.user.has_perm("actors.change_structure", structure):
        raise PermissionDenied
    form = StructureForm(
        request.POST or None, request.FILES or None, instance=structure, territory=request.territory
    )
    if request.method == "POST" and form.is_valid():
        fresh = Structure.objects.get(pk=structure.pk)  # the form wrote into `structure`
        try:
            outcome = services.update_structure(
                actor=request.user,
                structure=fresh,
                data=form.structure_data(),
                sectors=form.cleaned_data["sectors"],
                logo=form.cleaned_data.get("logo_upload"),
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            if isinstance(outcome, EditProposal):
                messages.success(
                    request, "Vos modifications seront visibles après validation par l'animation."
                )
            else:
                messages.success(request, "La fiche est à jour.")
            return redirect("actors:detail", slug=fresh.slug)
    return render(
        request,
        "actors/structure_form.html",
        {
            "form": form,
            "duplicate": None,
            "title": f"Modifier « {structure.name} »",
            "breadcrumbs": [
                ("Annuaire des acteurs", reverse("actors:list")),
                (structure.name, reverse("actors:detail", args=[structure.slug])),
                ("Modifier", None),
            ],
        },
    )


@login_required
def structure_claim(request: HttpRequest, slug: str) -> HttpResponse:
    """« Demander la gestion d'une fiche »."""
    structure = _structure(request, slug)
    form = ManagementRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.request_management(
                actor=request.user, structure=structure, message=form.cleaned_data["message"]
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, "Votre demande est envoyée : vous recevrez la réponse par courriel.")
            return redirect("actors:detail", slug=structure.slug)
    return render(request, "actors/claim.html", {"structure": structure, "form": form})


@login_required
def structure_claims(request: HttpRequest, slug: str) -> HttpResponse:
    """The pending « demandes de gestion » of a structure, for its managers (the claim mail links here)."""
    structure = _structure(request, slug)
    if not permissions.can_decide_claim(request.user, structure):
        raise PermissionDenied
    return render(request, "actors/claims.html", selectors.claims_page(structure))


# --- moderation ------------------------------------------------------------------------------------


@login_required
def moderation(request: HttpRequest) -> HttpResponse:
    _require_moderator(request)
    return render(
        request, "actors/moderation.html", selectors.moderation_page(request.user, request.territory)
    )


@login_required
@require_POST
def moderate(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """The decisions of the moderation page: a structure's status (publish, refuse, archive…), a proposed
    edit, a « demande de gestion » (which the structure's managers decide too, from the claims page)."""
    territory, accept, back = (
        request.territory,
        request.POST.get("accept") == "1",
        reverse("actors:moderation"),
    )
    try:
        if kind == "structure":
            _require_moderator(request)
            structure = get_object_or_404(Structure, pk=pk, territory=territory)
            to_status = request.POST.get("to", "")
            if not STRUCTURE_MACHINE.can(structure.status, to_status):
                messages.error(request, "Cette action n'est pas possible pour cette fiche.")
                return redirect(back)
            services.transition_structure(
                actor=request.user,
                structure=structure,
                to_status=to_status,
                reason=request.POST.get("reason", ""),
            )
            done = f"« {structure.name} » : {Structure.Status(to_status).label}."
        elif kind == "proposal":
            _require_moderator(request)
            proposal = get_object_or_404(EditProposal, pk=pk, structure__territory=territory)
            services.decide_edit_proposal(actor=request.user, proposal=proposal, accept=accept)
            done = "Modification traitée."
        else:
            claim = get_object_or_404(ManagementRequest, pk=pk, structure__territory=territory)
            if not permissions.can_moderate(request.user, territory):
                back = reverse("actors:claims", args=[claim.structure.slug])
            services.decide_management_request(actor=request.user, request=claim, accept=accept)
            done = "Demande de gestion traitée."
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done)
    return redirect(back)


@login_required
@require_POST
def resolve_report(request: HttpRequest, pk: int) -> HttpResponse:
    _require_moderator(request)
    report = get_object_or_404(ErrorReport, pk=pk, structure__territory=request.territory)
    services.resolve_error_report(actor=request.user, report=report)
    messages.success(request, "Signalement traité.")
    return redirect("actors:moderation")


# --- practices -------------------------------------------------------------------------------------


@require_GET
def practice_list(request: HttpRequest) -> HttpResponse:
    context = selectors.practice_list_page(request.territory, request.GET)
    return render(request, "actors/practice_list.html", context)


@require_GET
def practice_detail(request: HttpRequest, slug: str, practice_slug: str) -> HttpResponse:
    structure = _structure(request, slug)
    practice = get_object_or_404(structure.practices, slug=practice_slug)
    if not practice.is_published and not request.user.has_perm("actors.change_structure", structure):
        raise Http404
    return render(
        request,
        "actors/practice_detail.html",
        {
            "practice": practice,
            "structure": structure,
            "breadcrumbs": [
                ("Guide des pratiques", reverse("actors:practices")),
                (practice.title, None),
            ],
        },
    )


@login_required
def practice_edit(request: HttpRequest, slug: str, practice_slug: str = "") -> HttpResponse:
    structure = _structure(request, slug)
    if not request.user.has_perm("actors.change_structure", structure):
        raise PermissionDenied
    practice = get_object_or_404(structure.practices, slug=practice_slug) if practice_slug else None
    initial = (
        {
            "title": practice.title,
            "themes": practice.themes,
            "summary": practice.summary,
            "body": practice.body,
        }
        if practice
        else None
    )
    form = PracticeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            practice = services.save_practice(
                actor=request.user, structure=structure, practice=practice, **form.cleaned_data
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, "La pratique est enregistrée.")
            return redirect("actors:practice_detail", slug=structure.slug, practice_slug=practice.slug)
    return render(
        request,
        "actors/practice_form.html",
        {"form": form, "structure": structure, "practice": practice},
    )


# --- imports (the animation) ----------------------------------------------------------------------------


@login_required
def import_start(request: HttpRequest) -> HttpResponse:
    _require_animator(request)
    territory = request.territory
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            batch = services.start_import(
                actor=request.user,
                territory=territory,
                kind=form.cleaned_data["kind"],
                source=form.cleaned_data["source"],
                files=[f for f in (form.cleaned_data["file"], form.cleaned_data.get("unit_file")) if f],
                mapping=form.cleaned_data["mapping"],
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            return redirect("actors:import_status", pk=batch.pk)
    return render(
        request,
        "actors/import_form.html",
        {
            "form": form,
            "batches": ImportBatch.objects.filter(territory=territory)[:10],
            "breadcrumbs": [("Modération", reverse("actors:moderation")), ("Importer des structures", None)],
        },
    )


@login_required
def import_status(request: HttpRequest, pk: int) -> HttpResponse:
    _require_animator(request)
    batch = get_object_or_404(ImportBatch, pk=pk, territory=request.territory)
    if request.method == "POST":
        try:
            services.commit_import(actor=request.user, batch=batch)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("actors:import_status", pk=batch.pk)
    running = batch.state in (ImportBatch.State.QUEUED, ImportBatch.State.RUNNING)
    context = {
        "batch": batch,
        "running": running,
        "counts": batch.report.get("counts", {}),
        "breadcrumbs": [("Importer des structures", reverse("actors:import")), (str(batch), None)],
    }
    if request.headers.get("HX-Request"):
        return render(request, "actors/_import_status.html", context)
    return render(request, "actors/import_status.html", context)


@login_required
@require_POST
def moderate_merge(request: HttpRequest, pk: int) -> HttpResponse:
    _require_animator(request)
    proposal = get_object_or_404(MergeProposal, pk=pk, territory=request.territory)
    try:
        services.decide_merge(actor=request.user, proposal=proposal, accept=request.POST.get("accept") == "1")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Proposition de fusion traitée.")
    return redirect("actors:moderation")
