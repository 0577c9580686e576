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
from maillage.core.registry import registry
from maillage.needs import selectors, services
from maillage.needs.forms import (
    AtelierForm,
    CategoryForm,
    CategoryRenameForm,
    MergeForm,
    MoveForm,
    StructureLinkForm,
)
from maillage.needs.models import MOVE_LABELS, NEED_MACHINE, Need, NeedCategory, NeedStatus
from maillage.needs.permissions import ATELIER_GROUP, atelier_slug
from maillage.needs.views.common import (
    add_errors,
    animators_only,
    ensure_categories,
    need_or_404,
    qualifiers_only,
)


def _need_crumbs(need: Need, label: str) -> list[tuple[str, str | None]]:
    return selectors.crumbs((need.title, reverse("needs:detail", args=[need.pk])), (label, None))


@login_required
def manage(request: HttpRequest) -> HttpResponse:
    animators_only(request)
    return render(request, "needs/manage.html", selectors.manage_context(request.territory))


@login_required
@require_http_methods(["GET", "POST"])
def move(request: HttpRequest, pk: int) -> HttpResponse:
    animates = qualifiers_only(request)
    need = need_or_404(request, pk)
    moves = [s for s in sorted(NEED_MACHINE.allowed(need.status)) if s in MOVE_LABELS]
    if not animates:  # the needs atelier qualifies a reported need; the other moves are the animation's
        moves = [s for s in moves if s == NeedStatus.QUALIFIED and need.status == NeedStatus.REPORTED]
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
        {
            "need": need,
            "form": form,
            "moves": moves,
            "animates": animates,
            "breadcrumbs": _need_crumbs(need, "Changer le statut"),
        },
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
    territory = request.territory
    post = request.POST if request.method == "POST" else None
    form = CategoryForm(post if post and "ajouter" in post else None)
    groups = registry.groups(ATELIER_GROUP, territory)
    atelier_form = AtelierForm(
        post if post and "atelier_du_registre" in post else None,
        groups=groups,
        initial={"atelier": atelier_slug(territory)},
    )
    rename: CategoryRenameForm | None = None
    if post and "ajouter" in post:
        if form.is_valid():
            try:
                services.add_category(
                    actor=request.user, territory=territory, label=form.cleaned_data["label"]
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, "Catégorie ajoutée.")
                return redirect("needs:categories")
    elif post and "atelier_du_registre" in post:
        if atelier_form.is_valid():
            try:
                services.set_needs_atelier(
                    actor=request.user, territory=territory, slug=atelier_form.cleaned_data["atelier"]
                )
            except ValidationError as exc:
                add_errors(atelier_form, exc)
            else:
                name = dict(groups).get(atelier_form.cleaned_data["atelier"])
                messages.success(
                    request,
                    f"Les membres de l'atelier « {name} » peuvent qualifier les besoins."
                    if name
                    else "Seule l'animation qualifie désormais les besoins.",
                )
                return redirect("needs:categories")
    elif post:
        category = get_object_or_404(
            NeedCategory.objects.filter(territory=territory), pk=post.get("categorie")
        )
        rename = CategoryRenameForm(post, category=category)
        rename.is_valid()
        try:
            services.update_category(
                actor=request.user,
                category=category,
                label=post.get("label", ""),
                is_active=post.get("is_active") == "1",
            )
        except ValidationError as exc:
            add_errors(rename, exc)
        else:
            messages.success(request, f"Catégorie « {category.label} » enregistrée.")
            return redirect("needs:categories")
    return render(
        request,
        "needs/categories.html",
        {
            "form": form,
            "atelier_form": atelier_form,
            "rename": rename,
            "categories": selectors.categories(territory, active_only=False),
            "breadcrumbs": selectors.crumbs(("Catégories", None)),
        },
    )
