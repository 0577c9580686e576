"""The call's specification (« cahier des charges »), written like the charter: the public page of the latest
version shown, its articles each with their comments (and a form to comment while it is open); the
animation's page that starts a version, writes its articles (add, change, move up or down, remove while it
is being written) and moves it along its machine."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from maillage.calls import services
from maillage.calls.forms import CommentForm, SpecArticleForm
from maillage.calls.models import Call, SpecArticle, SpecStatus
from maillage.calls.permissions import can_animate, can_comment
from maillage.calls.querysets import PUBLIC_CALL_STATES
from maillage.calls.views.common import add_errors, crumbs, managed_call_or_404
from maillage.core.versioning import TRANSITION_LABELS, WORKING


def _article_posted(articles: list[SpecArticle], request: HttpRequest) -> SpecArticle:
    posted = request.POST.get("article", "")
    found = next((a for a in articles if str(a.pk) == posted), None)
    if found is None:
        raise ValidationError("Cet article n'existe pas dans cette version du cahier des charges.")
    return found


@require_http_methods(["GET", "POST"])
def specification(request: HttpRequest, year: int) -> HttpResponse:
    """The latest version shown: drafts to the animation only. The page exists before the call opens (it is
    written first): a call in preparation shows here its specification open for comments, nothing else."""
    call = get_object_or_404(Call.objects.of_territory(request.territory), year=year)
    animator = can_animate(request.user, request.territory)
    specs = call.specifications.order_by("-number")
    if not animator:
        specs = specs.exclude(status=SpecStatus.DRAFT)
    spec = specs.first()
    if spec is None:
        raise Http404
    call_page = reverse("calls:call", args=[year]) if animator or call.status in PUBLIC_CALL_STATES else None
    commenter = spec.status == SpecStatus.OPEN and can_comment(request.user, request.territory)
    articles = list(spec.articles.prefetch_related("comments__author"))
    posted = request.POST.get("article", "") if request.method == "POST" else ""
    for article in articles:
        article.form = CommentForm(  # type: ignore[attr-defined]
            request.POST if str(article.pk) == posted else None, prefix=f"article-{article.pk}"
        )
    errors: list[str] = []
    if request.method == "POST":
        if not can_comment(request.user, request.territory):
            raise PermissionDenied
        try:
            article = _article_posted(articles, request)
            if article.form.is_valid():  # type: ignore[attr-defined]
                services.comment_spec_article(
                    actor=request.user,
                    article=article,
                    body=article.form.cleaned_data["body"],  # type: ignore[attr-defined]
                )
                messages.success(request, "Merci : votre commentaire est publié.")
                return redirect(reverse("calls:specification", args=[year]) + f"#article-{article.pk}")
        except ValidationError as exc:
            target = next((a for a in articles if str(a.pk) == posted), None)
            if target is None or not commenter:  # no form shown: the message goes on top of the page
                errors.extend(exc.messages)
            else:
                add_errors(target.form, exc)  # type: ignore[attr-defined]
    return render(
        request,
        "calls/specification.html",
        {
            "call": call,
            "spec": spec,
            "articles": articles,
            "errors": errors,
            "can_comment": commenter,
            "breadcrumbs": crumbs((f"Appel {call.year}", call_page), ("Cahier des charges", None)),
        },
    )


def _act(request: HttpRequest, call: Any, working: Any, articles: list[SpecArticle], new: Any) -> str | None:
    """Do the animation's action; the anchor to go back to, or None when a form must be shown again."""
    action = request.POST.get("action", "")
    if action == "start":
        spec = services.start_specification(actor=request.user, call=call)
        messages.success(request, f"Version {spec.number} du cahier des charges en cours de rédaction.")
        return ""
    if working is None:
        raise ValidationError("Aucune version n'est en cours de rédaction : commencez-en une.")
    if action == "transition":
        to = request.POST.get("to", "")
        services.transition_specification(actor=request.user, specification=working, to=to)
        messages.success(request, f"Version {working.number} : « {SpecStatus(to).label} ».")
        return ""
    if action == "add":
        if not new.is_valid():
            return None
        article = services.save_spec_article(actor=request.user, specification=working, **new.cleaned_data)
        messages.success(request, f"L'article « {article.title} » est ajouté.")
        return f"#article-{article.pk}"
    article = _article_posted(articles, request)
    if action == "save":
        form = article.form  # type: ignore[attr-defined]
        if not form.is_valid():
            return None
        services.save_spec_article(
            actor=request.user, specification=working, article=article, **form.cleaned_data
        )
        messages.success(request, f"L'article « {form.cleaned_data['title']} » est enregistré.")
        return f"#article-{article.pk}"
    if action in ("up", "down"):
        services.move_spec_article(actor=request.user, article=article, step=-1 if action == "up" else 1)
        messages.success(request, f"L'article « {article.title} » a changé de place.")
        return f"#article-{article.pk}"
    if action == "delete":
        services.delete_spec_article(actor=request.user, article=article)
        messages.success(request, f"L'article « {article.title} » est retiré de la version {working.number}.")
        return ""
    raise ValidationError("Cette action n'existe pas.")


@login_required
@require_http_methods(["GET", "POST"])
def spec_edit(request: HttpRequest, year: int) -> HttpResponse:
    call = managed_call_or_404(request, year)
    working = call.specifications.filter(status__in=WORKING).first()
    action = request.POST.get("action", "")
    posted = request.POST.get("article", "")
    articles = list(working.articles.prefetch_related("comments")) if working else []
    for article in articles:
        bound = request.method == "POST" and action == "save" and str(article.pk) == posted
        article.form = SpecArticleForm(  # type: ignore[attr-defined]
            request.POST if bound else None,
            prefix=f"a{article.pk}",
            initial={"title": article.title, "body": article.body},
        )
    new = SpecArticleForm(request.POST if action == "add" else None, prefix="new")
    errors: list[str] = []
    if request.method == "POST":
        try:
            anchor = _act(request, call, working, articles, new)
        except ValidationError as exc:
            target = next((a for a in articles if str(a.pk) == posted), None)
            if action == "add":
                add_errors(new, exc)
            elif action == "save" and target is not None:
                add_errors(target.form, exc)  # type: ignore[attr-defined]
            else:
                errors.extend(exc.messages)
        else:
            if anchor is not None:
                return redirect(reverse("calls:spec_edit", args=[year]) + anchor)
    return render(
        request,
        "calls/spec_edit.html",
        {
            "call": call,
            "working": working,
            "articles": articles,
            "new": new,
            "editable": working is not None,
            "versions": call.specifications.order_by("-number"),
            "errors": errors,
            "buttons": [(s, TRANSITION_LABELS[s]) for s in working.allowed_transitions()] if working else [],
            "breadcrumbs": crumbs(
                ("Gestion", reverse("calls:manage")),
                (f"Appel {call.year}", reverse("calls:call_edit", args=[year])),
                ("Cahier des charges", None),
            ),
        },
    )
