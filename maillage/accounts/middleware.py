"""TOTP is required for animators, moderators and superusers before they reach any other page."""

from __future__ import annotations

from collections.abc import Callable

from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

# Paths a person who must set up TOTP may still reach: the TOTP set-up itself, logout, static files.
_ALLOWED_PREFIXES = ("/compte/2fa/", "/compte/logout/", "/compte/deconnexion/", "/static/", "/media/",
                     "/compte/login/", "/compte/reauthenticate/", "/mentions-legales/",
                     "/donnees-personnelles/", "/accessibilite/")


class RequireMFAMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(_ALLOWED_PREFIXES)
            and user.requires_mfa
            and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
        ):
            messages.warning(
                request,
                "Votre rôle (animation, modération ou administration) demande une double authentification : "
                "configurez une application d'authentification (TOTP) pour continuer.",
            )
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)
