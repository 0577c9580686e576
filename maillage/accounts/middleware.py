"""TOTP is required for animators, moderators and superusers before they reach any other page.

The decision is cheap: once a person is known not to need a redirect, the session remembers it, keyed on
the user's `access_version` (bumped by every change of territory roles) and superuser flag, both read with
the user row that authentication loads anyway. An ordinary person therefore costs no query per request; a
person who must still set up TOTP costs one `exists()` until they do. Removing the TOTP of a person who
needs it is refused by the MFA adapter, so a cached « ok » cannot go stale that way.
"""

from __future__ import annotations

from collections.abc import Callable

from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

# Paths a person who must set up TOTP may still reach: the TOTP set-up itself, logout, static files.
_ALLOWED_PREFIXES = (
    "/compte/2fa/",
    "/compte/logout/",
    "/compte/deconnexion/",
    "/static/",
    "/media/",
    "/compte/login/",
    "/compte/reauthenticate/",
    "/mentions-legales/",
    "/donnees-personnelles/",
    "/accessibilite/",
)

SESSION_KEY = "_maillage_mfa_ok"


def mfa_stamp(user) -> str:
    return f"{user.pk}:{user.access_version}:{int(user.is_superuser)}"


def must_set_up_totp(request: HttpRequest, user) -> bool:
    """True when the person must activate TOTP before going on; remembers a « no » in the session."""
    stamp = mfa_stamp(user)
    if request.session.get(SESSION_KEY) == stamp:
        return False
    if (
        user.requires_mfa
        and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    ):
        request.session.pop(SESSION_KEY, None)
        return True
    request.session[SESSION_KEY] = stamp
    return False


class RequireMFAMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(_ALLOWED_PREFIXES)
            and must_set_up_totp(request, user)
        ):
            messages.warning(
                request,
                "Votre rôle (animation, modération ou administration) demande une double authentification : "
                "configurez une application d'authentification (TOTP) pour continuer.",
            )
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)
