"""Registering: by account or by e-mail, the confirmation and cancellation links, unregistering."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from maillage.core.confirm import ConfirmTokenView
from maillage.core.ratelimit import client_ip, over_limit
from maillage.core.tokens import TokenError
from maillage.events import services
from maillage.events.forms import (
    EmailRegistrationForm,
    RegistrationForm,
)
from maillage.events.models import Registration
from maillage.events.views.common import _event_or_404, _visible


@require_http_methods(["GET", "POST"])
def register(request: HttpRequest, slug: str) -> HttpResponse:
    if request.method == "POST":
        # the hot path (bench_events_registration.py): the event without its relations, which only the page
        # re-shown on an error reads; its territory is the request's (the query is scoped to it)
        event = get_object_or_404(_visible(request), slug=slug)
        event.territory = request.territory
    else:
        event = _event_or_404(request, slug)
    signed_in = request.user.is_authenticated
    form_class = RegistrationForm if signed_in else EmailRegistrationForm
    form = form_class(request.POST if request.method == "POST" else None, event=event, user=request.user)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            if signed_in:
                registration = services.register_account(
                    actor=request.user,
                    event=event,
                    structure=form.cleaned_data.get("structure"),
                    structure_name=form.cleaned_data.get("structure_name", ""),
                    answers=form.answers(),
                )
                if registration.state == Registration.State.REGISTERED:
                    messages.success(
                        request,
                        "Votre inscription est confirmée. Un courriel récapitulatif vous a été envoyé.",
                    )
                else:
                    messages.warning(
                        request,
                        "Le rendez-vous est complet : vous êtes sur la liste d'attente. "
                        "Vous serez prévenu si une place se libère.",
                    )
                return redirect("events:detail", slug=event.slug)
            email = form.cleaned_data["email"].strip().lower()
            by_ip = over_limit(f"events:register:ip:{client_ip(request)}", limit=10, window=3600)
            by_address = over_limit(f"events:register:mail:{email}:{event.pk}", limit=3, window=3600)
            if by_ip or by_address:
                return render(
                    request,
                    "events/register.html",
                    {
                        "event": event,
                        "form": form,
                        "error": "Trop de demandes : réessayez dans une heure.",
                        "when": services.when_label(event),
                    },
                    status=429,
                )
            services.request_registration(
                event=event,
                email=email,
                name=form.cleaned_data["name"],
                structure_name=form.cleaned_data.get("structure_name", ""),
                answers=form.answers(),
            )
            return render(request, "events/register_sent.html", {"event": event})
        except ValidationError as exc:
            error = " ".join(exc.messages)
    status = 400 if error else 200
    return render(
        request,
        "events/register.html",
        {
            "event": event,
            "form": form,
            "error": error,
            "when": services.when_label(event),
            "seats_left": services.seats_left(event),
            "breadcrumbs": [
                ("Agenda", reverse("events:list")),
                (event.title, reverse("events:detail", kwargs={"slug": event.slug})),
                ("Inscription", ""),
            ],
        },
        status=status,
    )


class ConfirmRegistrationView(ConfirmTokenView):
    purpose = services.CONFIRM_PURPOSE
    max_age = services.CONFIRM_MAX_AGE
    title = "Confirmer votre inscription"
    question = "Voulez-vous confirmer votre inscription à ce rendez-vous ?"
    button_label = "Confirmer mon inscription"
    done_message = "Votre inscription est confirmée. Un courriel récapitulatif vous a été envoyé."
    template_name = "events/confirm.html"

    def describe(self, payload: Any) -> dict[str, Any]:
        registration = Registration.objects.filter(pk=payload.get("r")).select_related("event").first()
        return {"event": registration.event if registration else None}

    def act(self, payload: Any) -> HttpResponse | None:
        try:
            registration = services.confirm_registration(registration_id=payload["r"])
        except ValidationError as exc:
            raise TokenError(" ".join(exc.messages)) from exc
        if registration.state == Registration.State.WAITLISTED:
            self.done_message = (
                "Le rendez-vous est complet : vous êtes sur la liste d'attente. "
                "Vous serez prévenu par courriel si une place se libère."
            )
        return None


class CancelRegistrationLinkView(ConfirmTokenView):
    purpose = services.CANCEL_PURPOSE
    max_age = services.CANCEL_MAX_AGE
    title = "Annuler votre inscription"
    question = (
        "Voulez-vous annuler votre inscription ? "
        "Votre place sera proposée à la personne suivante sur la liste d'attente."
    )
    button_label = "Annuler mon inscription"
    done_message = "Votre inscription est annulée."
    template_name = "events/confirm.html"

    def describe(self, payload: Any) -> dict[str, Any]:
        registration = Registration.objects.filter(pk=payload.get("r")).select_related("event").first()
        return {"event": registration.event if registration else None}

    def act(self, payload: Any) -> HttpResponse | None:
        try:
            services.cancel_registration(actor=services.BY_MAIL_LINK, registration_id=payload["r"])
        except ValidationError as exc:
            raise TokenError(" ".join(exc.messages)) from exc
        return None


@login_required
@require_http_methods(["GET", "POST"])
def unregister(request: HttpRequest, slug: str) -> HttpResponse:
    event = _event_or_404(request, slug)
    registration = (
        Registration.objects.filter(event=event)
        .filter(Q(user=request.user) | Q(email__iexact=request.user.email))
        .exclude(state=Registration.State.CANCELLED)
        .first()
    )
    if request.method == "POST" and registration is not None:
        services.cancel_registration(actor=request.user, registration_id=registration.pk)
        messages.success(request, "Votre inscription est annulée.")
        return redirect("events:detail", slug=event.slug)
    return render(
        request,
        "events/unregister.html",
        {"event": event, "registration": registration, "when": services.when_label(event)},
    )
