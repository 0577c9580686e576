"""Collective sessions: the animation creates one from a theme; invited structures register first."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from maillage.training import selectors, services
from maillage.training.forms import SessionForm
from maillage.training.models import CollectiveSession, Theme
from maillage.training.views.common import add_errors, animators_only, crumbs


@login_required
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest, pk: int) -> HttpResponse:
    animators_only(request)
    theme = get_object_or_404(
        Theme.objects.select_related("census"), pk=pk, census__territory=request.territory
    )
    interested = services.interested_structures(theme)
    form = SessionForm(
        request.POST or None,
        territory=request.territory,
        initial={"title": f"DLA collectif : {theme.name}"},
    )
    if request.method == "POST" and form.is_valid():
        try:
            session = services.create_collective_session(actor=request.user, theme=theme, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request,
                f"La session est créée dans l'agenda ; {len(interested)} structure(s) intéressée(s) sont "
                "invitées à s'inscrire en priorité.",
            )
            return redirect("training:session", pk=session.pk)
    return render(
        request,
        "training/session_create.html",
        {
            "theme": theme,
            "interested": interested,
            "form": form,
            "breadcrumbs": crumbs(
                ("Animation", reverse("training:manage")),
                ("Résultats", reverse("training:results", args=[theme.census_id])),
                ("Nouvelle session", ""),
            ),
        },
    )


@require_http_methods(["GET", "POST"])
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(
        CollectiveSession.objects.select_related("event", "theme").filter(event__territory=request.territory),
        pk=pk,
    )
    mine = session.invited.filter(pk__in=selectors.member_structures(request.user, request.territory))
    priority = services.is_priority_phase(session)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('account_login')}?next={request.path}")
        structure = mine.filter(pk=request.POST.get("structure")).first()
        try:
            if structure is None:
                raise ValidationError("Choisissez une de vos structures invitées.")
            services.register_invited(actor=request.user, session=session, structure=structure)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(
                request, f"Vous êtes inscrit à « {session.event.title} » au nom de {structure.name}."
            )
        return redirect("training:session", pk=session.pk)
    return render(
        request,
        "training/session.html",
        {
            "session": session,
            "event": session.event,
            "mine": mine,
            "priority": priority,
            "now": timezone.now(),
            "invited_count": session.invited.count(),
            "breadcrumbs": crumbs((session.event.title, "")),
        },
    )
