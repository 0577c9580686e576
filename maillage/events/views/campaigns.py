"""Campaigns (« Mois de l'ESS »): the campaign's page, proposing an event, validating proposals."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from maillage.events import permissions, services
from maillage.events.forms import (
    EventForm,
)
from maillage.events.models import Campaign, Event, Status
from maillage.events.selectors import map_points
from maillage.events.views.common import _require_animator, _visible


def campaign(request: HttpRequest, slug: str) -> HttpResponse:
    item = get_object_or_404(Campaign, territory=request.territory, slug=slug)
    events = (
        _visible(request)
        .filter(campaign=item, campaign_validated=True)
        .select_related("commune")
        .order_by("start")
    )
    can_animate = permissions.can_animate(request.user, request.territory)
    proposals = (
        Event.objects.filter(campaign=item, campaign_validated=False).exclude(status=Status.CANCELLED)
        if can_animate
        else []
    )
    return render(
        request,
        "events/campaign.html",
        {
            "campaign": item,
            "events": events,
            "points": map_points(events),
            "proposals": proposals,
            "can_animate": can_animate,
            "can_propose": item.proposals_open and permissions.can_propose(request.user, request.territory),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def propose(request: HttpRequest, slug: str) -> HttpResponse:
    item = get_object_or_404(Campaign, territory=request.territory, slug=slug, proposals_open=True)
    if not permissions.can_propose(request.user, request.territory):
        raise PermissionDenied
    form = EventForm(request.POST or None, request.FILES or None, territory=request.territory)
    if request.method == "POST" and form.is_valid():
        try:
            services.create_event(
                actor=request.user,
                territory=request.territory,
                hosts=form.cleaned_data["hosts"],
                **{**form.service_fields(), "campaign": item},
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                "Merci ! Votre proposition est transmise à l'animation du territoire, qui la validera.",
            )
            return redirect("events:campaign", slug=item.slug)
    return render(
        request,
        "events/event_form.html",
        {
            "form": form,
            "title": f"Proposer un rendez-vous pour « {item.title} »",
            "creating": True,
            "campaign": item,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def campaign_validate(request: HttpRequest, slug: str) -> HttpResponse:
    _require_animator(request)
    event = get_object_or_404(Event, territory=request.territory, slug=slug, campaign__isnull=False)
    if request.method == "POST":
        services.validate_campaign_event(
            actor=request.user, event=event, accept=request.POST.get("accept") == "1"
        )
        messages.success(request, "La proposition est traitée.")
        return redirect("events:campaign", slug=event.campaign.slug)
    return render(
        request,
        "events/campaign_validate.html",
        {"event": event, "when": services.when_label(event), "hosts": list(event.hosts.all())},
    )
