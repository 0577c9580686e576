"""The animation's pages: versions (create, edit, move along their machine) and their articles."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from maillage.charter import selectors, services
from maillage.charter.forms import ArticleForm, TransitionForm, VersionForm
from maillage.charter.models import TRANSITION_LABELS, Article, CharterVersion, VersionStatus
from maillage.charter.views.common import add_errors, animators_only, version_or_404


@login_required
@require_http_methods(["GET", "POST"])
def manage(request: HttpRequest) -> HttpResponse:
    animators_only(request)
    form = VersionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            version = services.create_version(
                actor=request.user, territory=request.territory, title=form.cleaned_data["title"]
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"La version {version.number} a été créée (brouillon).")
            return redirect("charter:version_edit", number=version.number)
    return render(
        request,
        "charter/manage.html",
        {
            "versions": CharterVersion.objects.for_user(request.user, request.territory).order_by("-number"),
            "form": form,
            "working": CharterVersion.objects.working(request.territory),
            "breadcrumbs": selectors.crumbs(("Gérer la charte", None)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def version_edit(request: HttpRequest, number: int) -> HttpResponse:
    animators_only(request)
    version = version_or_404(request, number)
    which = request.POST.get("form")
    version_form = VersionForm(
        request.POST if which == "version" else None,
        initial={"title": version.title, "preamble": version.preamble},
        prefix="version",
    )
    article_form = ArticleForm(request.POST if which == "article" else None, prefix="article")
    if request.method == "POST":
        try:
            if which == "version" and version_form.is_valid():
                services.update_version(actor=request.user, version=version, **version_form.cleaned_data)
                messages.success(request, "La version a été enregistrée.")
                return redirect("charter:version_edit", number=number)
            if which == "article" and article_form.is_valid():
                services.save_article(actor=request.user, version=version, **article_form.cleaned_data)
                messages.success(request, "L'article a été ajouté.")
                return redirect("charter:version_edit", number=number)
        except ValidationError as exc:
            add_errors(version_form if which == "version" else article_form, exc)
    context = selectors.version_edit_context(version)
    context.update(version_form=version_form, article_form=article_form)
    return render(request, "charter/version_edit.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def article_edit(request: HttpRequest, pk: int) -> HttpResponse:
    animators_only(request)
    article = get_object_or_404(
        Article.objects.select_related("version__charter"),
        pk=pk,
        version__charter__territory=request.territory,
    )
    version = article.version
    form = ArticleForm(
        request.POST if request.POST.get("action") != "delete" else None,
        initial={"title": article.title, "body": article.body, "position": article.position},
    )
    if request.method == "POST":
        try:
            if request.POST.get("action") == "delete":
                services.delete_article(actor=request.user, article=article)
                messages.success(request, "L'article a été supprimé.")
                return redirect("charter:version_edit", number=version.number)
            if form.is_valid():
                services.save_article(
                    actor=request.user, version=version, article=article, **form.cleaned_data
                )
                messages.success(request, "L'article a été enregistré.")
                return redirect("charter:version_edit", number=version.number)
        except ValidationError as exc:
            add_errors(form, exc)
    context = selectors.article_edit_context(article)
    context["form"] = form
    return render(request, "charter/article_edit.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def transition(request: HttpRequest, number: int, to: str) -> HttpResponse:
    animators_only(request)
    version = version_or_404(request, number)
    if to not in TRANSITION_LABELS or to == VersionStatus.SUPERSEDED:
        raise Http404
    form = TransitionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.transition_version(
                actor=request.user, version=version, to_status=to, note=form.cleaned_data["note"]
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request, f"La version {version.number} est maintenant « {VersionStatus(to).label} »."
            )
            return redirect("charter:version_edit", number=number)
    context = selectors.transition_context(version, to)
    context["form"] = form
    return render(request, "charter/transition.html", context)
