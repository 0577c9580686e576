"""Pages of the discussions: threads of an atelier, the « échanges » area, messages and their moderation."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from maillage.workspace import permissions, selectors, services
from maillage.workspace.forms import (
    EditPostForm,
    ExchangeForm,
    ModerateForm,
    ReplyForm,
    ReportForm,
    ThreadForm,
)
from maillage.workspace.models import AbuseReport
from maillage.workspace.views._common import (
    form_errors,
    readable_atelier,
    readable_post,
    readable_thread,
    served_territory,
    territory_member,
    territory_staff,
)

MODERATORS_ONLY = "Seuls les coordinateurs de l'atelier et l'équipe d'animation modèrent."


@login_required
def thread_create(request: HttpRequest, slug: str) -> HttpResponse:
    atelier = readable_atelier(request, slug, "Seuls les membres de l'atelier y ouvrent des discussions.")
    form = ThreadForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            thread = services.create_thread(
                actor=request.user, territory=atelier.territory, atelier=atelier, **form.cleaned_data
            )
        except ValidationError as error:
            form_errors(form, error)
        else:
            return redirect("workspace:thread", pk=thread.pk)
    return render(request, "workspace/thread_form.html", {"form": form, "atelier": atelier})


@login_required
def thread_detail(request: HttpRequest, pk: int) -> HttpResponse:
    thread = readable_thread(request, pk)
    form = ReplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            post = services.reply_to_thread(actor=request.user, thread=thread, body=form.cleaned_data["body"])
        except ValidationError as error:
            form_errors(form, error)
        else:
            return redirect(f"{request.path}#message-{post.pk}")
    return render(
        request, "workspace/thread_detail.html", selectors.thread_detail(request.user, thread, form)
    )


@login_required
def post_edit(request: HttpRequest, pk: int) -> HttpResponse:
    post = readable_post(request, pk)
    if not permissions.can_edit_post(request.user, post):
        raise PermissionDenied("Seule la personne qui a écrit ce message peut le modifier.")
    form = EditPostForm(request.POST or None, initial={"body": post.body})
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_post(actor=request.user, post=post, body=form.cleaned_data["body"])
        except ValidationError as error:
            form_errors(form, error)
        else:
            return redirect(f"/ateliers/discussions/{post.thread_id}/#message-{post.pk}")
    return render(request, "workspace/post_edit.html", {"form": form, "post": post})


@login_required
def post_history(request: HttpRequest, pk: int) -> HttpResponse:
    post = readable_post(request, pk)
    return render(request, "workspace/post_history.html", {"post": post, "revisions": post.revisions.all()})


@login_required
def post_report(request: HttpRequest, pk: int) -> HttpResponse:
    post = readable_post(request, pk)
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.report_post(actor=request.user, post=post, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, "Merci : la modération a été prévenue.")
            return redirect("workspace:thread", pk=post.thread_id)
    return render(request, "workspace/post_report.html", {"form": form, "post": post})


@login_required
def post_moderate(request: HttpRequest, pk: int) -> HttpResponse:
    post = readable_post(request, pk)
    if not permissions.can_moderate_thread(request.user, post.thread):
        raise PermissionDenied(MODERATORS_ONLY)
    form = ModerateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.moderate_post(
                actor=request.user,
                post=post,
                hide=request.POST.get("action") != "show",
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, "Décision de modération enregistrée.")
            return redirect("workspace:thread", pk=post.thread_id)
    return render(request, "workspace/post_moderate.html", {"form": form, "post": post})


@login_required
def reports(request: HttpRequest) -> HttpResponse:
    territory = territory_staff(request, "Réservé à la modération du territoire.")
    open_reports = (
        AbuseReport.objects.for_user(request.user, territory)
        .open()
        .select_related("post__thread", "reporter")
    )
    return render(request, "workspace/reports.html", {"reports": open_reports})


@login_required
@require_POST
def report_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    territory = served_territory(request)
    report = get_object_or_404(AbuseReport.objects.filter(post__thread__territory=territory), pk=pk)
    services.dismiss_report(actor=request.user, report=report)
    messages.success(request, "Signalement classé sans suite.")
    return redirect("workspace:reports")


@login_required
def exchanges(request: HttpRequest) -> HttpResponse:
    territory = territory_member(request)
    context = selectors.exchanges(
        request.user, territory, request.GET.get("type", ""), request.GET.get("page")
    )
    return render(request, "workspace/exchanges.html", context)


@login_required
def exchange_create(request: HttpRequest) -> HttpResponse:
    territory = territory_member(request)
    form = ExchangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            thread = services.create_thread(
                actor=request.user, territory=territory, atelier=None, **form.cleaned_data
            )
        except ValidationError as error:
            form_errors(form, error)
        else:
            return redirect("workspace:thread", pk=thread.pk)
    return render(request, "workspace/thread_form.html", {"form": form, "atelier": None})
