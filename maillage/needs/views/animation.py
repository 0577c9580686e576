"""The animation's pages: the register to work on, moves with a public answer, merges, structures,
categories."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from maillage.actors.models import Structure
from maillage.core.machines import TransitionError
from maillage.needs import selectors, services
from maillage.needs.forms import CategoryForm, MergeForm, MoveForm, StructureLinkForm
from maillage.needs.models import MOVE_LABELS, NEED_MACHINE, Need, NeedCategory, NeedStatus
from maillage.needs.views.common import add_errors, animators_only, ensure_categories, need_or_404


def _need_crumbs(need: Need, label: str) -> list[tuple[str, str | None]]:
    return selectors.crumbs((need.title, reverse("needs:detail", args=[need.pk])), (label, None))


@login_required
def manage(request: HttpRequest) -> HttpResponse:
    animators_only(request)
    return render(request, "needs/manage.html", selectors.manage_context(request.territory))


@login_required
@require_http_methods(["GET", "POST"])
def move(request: HttpRequest, pk: int) -> HttpResponse:
    animators_only(request)
    need = need_or_404(request, pk)
    moves = [s for s in sorted(NEED_MACHINE.allowed(need.status)) if s in MOVE_LABELS]
    wanted = request.GET.get("vers")
    form = MoveForm(
        request.POST or None,
        moves=moves,
        initial={"to_status": wanted if wanted in moves else None, "synthesis": need.synthesis},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.move_need(
                actor=request.user,
                need=need,
                to_status=data["to_status"],
                answer=data["answer"],
                synthesis=data["synthesis"],
            )
        except (ValidationError, TransitionError) as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request, f"Le besoin est maintenant « {NEED_MACHINE.label(data['to_status'])} »."
            )
            return redirect("needs:detail", pk=need.pk)
    return render(
        request,
        "needs/move.html",
        {"need": need, "form": form, "moves": moves, "breadcrumbs": _need_crumbs(need, "Changer le statut")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def merge(request: HttpRequest, pk: int) -> HttpResponse:
    animators_only(request)
    need = need_or_404(request, pk)
    candidates = (
        Need.objects.for_user(request.user, request.territory)
        .exclude(status__in=[NeedStatus.DUPLICATE, NeedStatus.OUT_OF_SCOPE])
        .order_by("title")
    )
    if request.method == "POST":
        # Any need of the register may be named: the service says why a choice is refused (itself, a cycle…).
        candidates = Need.objects.for_user(request.user, request.territory)
    form = MergeForm(request.POST or None, candidates=candidates)
    if request.method == "GET":
        form.fields["into"].queryset = candidates.exclude(pk=need.pk)
    if request.method == "POST" and form.is_valid():
        try:
            moved = services.merge_needs(
                actor=request.user,
                duplicate=need,
                into=form.cleaned_data["into"],
                answer=form.cleaned_data["answer"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            into = form.cleaned_data["into"]
            messages.success(
                request, f"Besoin fusionné dans « {into.title} » : {moved} soutien(s) reporté(s)."
            )
            return redirect("needs:detail", pk=into.pk)
    return render(
        request,
        "needs/merge.html",
        {"need": need, "form": form, "breadcrumbs": _need_crumbs(need, "Fusionner")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def structures(request: HttpRequest, pk: int) -> HttpResponse:
    animators_only(request)
    need = need_or_404(request, pk)
    form = StructureLinkForm(request.POST or None, territory=request.territory)
    if request.method == "POST":
        remove = request.POST.get("retirer")
        if remove:
            structure = get_object_or_404(Structure.objects.filter(territory=request.territory), pk=remove)
            services.unlink_structure(actor=request.user, need=need, structure=structure)
            messages.success(request, f"{structure.name} n'est plus reliée à ce besoin.")
            return redirect("needs:structures", pk=need.pk)
        if form.is_valid():
            try:
                services.link_structure(
                    actor=request.user, need=need, structure=form.cleaned_data["structure"]
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, f"{form.cleaned_data['structure'].name} est reliée à ce besoin.")
                return redirect("needs:structures", pk=need.pk)
    return render(
        request,
        "needs/structures.html",
        {
            "need": need,
            "form": form,
            "linked": need.structures.order_by("name"),
            "breadcrumbs": _need_crumbs(need, "Structures qui y répondent"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def categories(request: HttpRequest) -> HttpResponse:
    animators_only(request)
    ensure_categories(request)
    form = CategoryForm(request.POST or None if "ajouter" in request.POST else None)
    if request.method == "POST":
        if "ajouter" in request.POST:
            if form.is_valid():
                try:
                    services.add_category(
                        actor=request.user, territory=request.territory, label=form.cleaned_data["label"]
                    )
                except ValidationError as exc:
                    add_errors(form, exc)
                else:
                    messages.success(request, "Catégorie ajoutée.")
                    return redirect("needs:categories")
        else:
            category = get_object_or_404(
                NeedCategory.objects.filter(territory=request.territory), pk=request.POST.get("categorie")
            )
            try:
                services.update_category(
                    actor=request.user,
                    category=category,
                    label=request.POST.get("label", ""),
                    is_active=request.POST.get("is_active") == "1",
                )
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, f"Catégorie « {category.label} » enregistrée.")
                return redirect("needs:categories")
    return render(
        request,
        "needs/categories.html",
        {
            "form": form,
            "categories": selectors.categories(request.territory, active_only=False),
            "breadcrumbs": selectors.crumbs(("Catégories", None)),
        },
    )
