"""Collective writing: an article's discussion (comments, amendment proposals), an amendment (support,
the animation's decision)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from maillage.charter import selectors, services
from maillage.charter.forms import AmendmentForm, CommentForm, DecisionForm
from maillage.charter.models import Amendment
from maillage.charter.permissions import can_animate
from maillage.charter.views.common import add_errors, contributors_only, version_or_404


@login_required
@require_http_methods(["GET", "POST"])
def article_discussion(request: HttpRequest, number: int, pk: int) -> HttpResponse:
    contributors_only(request)
    version = version_or_404(request, number)
    article = get_object_or_404(version.articles, pk=pk)
    action = request.POST.get("form")
    comment_form = CommentForm(request.POST if action == "comment" else None, prefix="comment")
    amendment_form = AmendmentForm(
        request.POST if action == "amendment" else None, prefix="amendment", initial={"text": article.body}
    )
    if request.method == "POST":
        try:
            if action == "comment" and comment_form.is_valid():
                services.comment_article(
                    actor=request.user, article=article, body=comment_form.cleaned_data["body"]
                )
                messages.success(request, "Votre commentaire a été publié.")
                return redirect("charter:article", number=number, pk=pk)
            if action == "amendment" and amendment_form.is_valid():
                amendment = services.propose_amendment(
                    actor=request.user, version=version, article_id=article.pk, **amendment_form.cleaned_data
                )
                messages.success(request, "Votre amendement a été proposé.")
                return redirect("charter:amendment", pk=amendment.pk)
        except ValidationError as exc:
            add_errors(comment_form if action == "comment" else amendment_form, exc)
    context = selectors.article_context(version, article)
    context.update(comment_form=comment_form, amendment_form=amendment_form)
    return render(request, "charter/article.html", context)


def _decide(request: HttpRequest, amendment: Amendment, form: DecisionForm) -> bool:
    """Accept or reject through the service; True when decided (else the form holds the errors)."""
    if not can_animate(request.user, request.territory):
        raise PermissionDenied
    if not form.is_valid():
        return False
    reason = form.cleaned_data["reason"]
    if form.cleaned_data["decision"] == "accept":
        services.accept_amendment(actor=request.user, amendment=amendment, reason=reason)
        messages.success(request, "L'amendement est accepté : son texte est entré dans la version.")
    else:
        services.reject_amendment(actor=request.user, amendment=amendment, reason=reason)
        messages.success(request, "L'amendement est rejeté ; son auteur ou autrice est prévenu.")
    return True


@login_required
@require_http_methods(["GET", "POST"])
def amendment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    contributors_only(request)
    amendment = get_object_or_404(
        Amendment.objects.for_user(request.user, request.territory).select_related(
            "article__version", "author"
        ),
        pk=pk,
    )
    which = request.POST.get("form")
    form = DecisionForm(request.POST if which == "decision" else None)
    if request.method == "POST":
        try:
            if which == "support":
                services.support_amendment(actor=request.user, amendment=amendment)
                messages.success(request, "Votre soutien a été enregistré.")
                return redirect("charter:amendment", pk=pk)
            if which == "decision" and _decide(request, amendment, form):
                return redirect("charter:amendment", pk=pk)
        except ValidationError as exc:
            if which == "decision":
                add_errors(form, exc)
            else:
                messages.error(request, " ".join(exc.messages))
                return redirect("charter:amendment", pk=pk)
    context = selectors.amendment_context(request.user, request.territory, amendment)
    context["form"] = form
    return render(request, "charter/amendment.html", context)
