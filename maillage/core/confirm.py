"""GET shows, POST acts: the reusable view behind every link sent by e-mail.

Mail scanners and link previews follow links: a GET must change nothing. `ConfirmTokenView` answers a GET
with a page describing the action and a button (a POST form); the POST checks the token again, spends it if
single-use, and calls `act(payload)` in the same transaction. Subclass it::

    class ConfirmSubscriptionView(ConfirmTokenView):
        purpose = "newsletter.confirm"
        max_age = timedelta(days=7)
        title = _("Confirmer votre abonnement")
        question = _("Voulez-vous recevoir la lettre d'information ?")
        button_label = _("Confirmer mon abonnement")
        done_message = _("Votre abonnement est confirmé.")

        def act(self, payload):
            confirm_subscription(subscriber_id=payload["id"])

and route it with ``path("lettre/confirmer/<str:token>/", ConfirmSubscriptionView.as_view())``.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.decorators.cache import never_cache

from maillage.core.tokens import TokenError, TokenExpired, TokenUsed, read_token, spend_token


@method_decorator(never_cache, name="dispatch")
class ConfirmTokenView(View):
    purpose: str = ""
    max_age: timedelta = timedelta(days=3)
    template_name = "core/confirm.html"
    done_template_name = "core/confirm_done.html"
    error_template_name = "core/confirm_error.html"
    title: Any = _("Confirmer")
    question: Any = _("Voulez-vous confirmer cette action ?")
    button_label: Any = _("Confirmer")
    done_message: Any = _("C'est fait : votre confirmation a bien été enregistrée.")
    http_method_names = ["get", "post", "head", "options"]

    def act(self, payload: Any) -> HttpResponse | None:
        """Do the action. Return a response (e.g. a redirect) or None for the default « done » page."""
        raise NotImplementedError

    def describe(self, payload: Any) -> dict[str, Any]:
        """Extra context for the confirmation page (what is about to happen)."""
        return {}

    def context(self, **extra: Any) -> dict[str, Any]:
        return {
            "title": self.title,
            "question": self.question,
            "button_label": self.button_label,
            "done_message": self.done_message,
            **extra,
        }

    def error(self, request: HttpRequest, error: TokenError) -> HttpResponse:
        status = 410 if isinstance(error, TokenExpired | TokenUsed) else 400
        response = TemplateResponse(
            request, self.error_template_name, self.context(error_message=str(error)), status=status
        )
        return self._private(response)

    @staticmethod
    def _private(response: HttpResponse) -> HttpResponse:
        # same-origin, never no-referrer: Chromium then posts `Origin: null` and the CSRF check refuses the
        # form (DESIGN.md). The token in the URL still never leaves the site.
        response["Referrer-Policy"] = "same-origin"
        response["X-Robots-Tag"] = "noindex"
        return response

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        try:
            payload = read_token(self.purpose, token, self.max_age)
        except TokenError as error:
            return self.error(request, error)
        response = TemplateResponse(request, self.template_name, self.context(**self.describe(payload)))
        return self._private(response)

    def post(self, request: HttpRequest, token: str) -> HttpResponse:
        try:
            with transaction.atomic():
                payload = spend_token(self.purpose, token, self.max_age)
                result = self.act(payload)
        except TokenError as error:
            return self.error(request, error)
        if result is not None:
            return result
        return self._private(TemplateResponse(request, self.done_template_name, self.context()))
