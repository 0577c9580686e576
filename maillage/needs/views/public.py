"""Public pages of the register: the list, the map by commune, a need's page, reporting and supporting."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from maillage.core.actors import visitor
from maillage.core.confirm import ConfirmTokenView
from maillage.core.ratelimit import client_ip, over_limit
from maillage.core.tokens import TokenError, TokenExpired, read_token
from maillage.needs import selectors, services
from maillage.needs.forms import ReportForm, SupportForm
from maillage.needs.services import reporting, supports
from maillage.needs.views.common import add_errors, ensure_categories, need_or_404

PUBLIC_FORM = visitor("formulaire public")
RATE_WINDOW = 3600
RATE_PER_IP = 5
RATE_PER_ADDRESS = 3
TOO_MANY = "Trop de signalements depuis votre connexion : réessayez dans une heure."
TOO_MANY_ADDRESS = "Trop de demandes pour cette adresse : réessayez dans une heure."


def need_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "needs/list.html", selectors.list_context(request.user, request.territory, request.GET)
    )


def need_map(request: HttpRequest) -> HttpResponse:
    return render(request, "needs/map.html", selectors.map_context(request.user, request.territory))


def need_detail(request: HttpRequest, pk: int) -> HttpResponse:
    need = need_or_404(request, pk)
    context = selectors.need_context(request.user, request.territory, need)
    context["support_form"] = SupportForm(citizen=not request.user.is_authenticated)
    return render(request, "needs/detail.html", context)


def _limited(request: HttpRequest, email: str, what: str) -> str:
    """The French refusal when this connection or this address asked too often, else ""."""
    territory = request.territory
    if over_limit(
        f"needs:{what}:ip:{territory.pk}:{client_ip(request)}", limit=RATE_PER_IP, window=RATE_WINDOW
    ):
        return TOO_MANY
    if email and over_limit(
        f"needs:{what}:addr:{territory.pk}:{email.strip().lower()}",
        limit=RATE_PER_ADDRESS,
        window=RATE_WINDOW,
    ):
        return TOO_MANY_ADDRESS
    return ""


@require_http_methods(["GET", "POST"])
def report(request: HttpRequest) -> HttpResponse:
    ensure_categories(request)
    citizen = not request.user.is_authenticated
    form = ReportForm(request.POST or None, territory=request.territory, citizen=citizen)
    status = 200
    if request.method == "POST":
        refusal = _limited(request, request.POST.get("email", ""), "report") if citizen else ""
        if refusal:
            form.is_valid()
            form.add_error(None, refusal)
            status = 429
        elif form.is_valid():
            data = dict(form.cleaned_data)
            fields: dict[str, Any] = {
                "territory": request.territory,
                "title": data["title"],
                "description": data["description"],
                "category": data["category"],
                "communes": list(data["communes"]),
                "latitude": data["latitude"],
                "longitude": data["longitude"],
                "public_concerned": data["public_concerned"],
                "evidence": data["evidence"],
                "anonymous": data["anonymous"],
            }
            try:
                if citizen:
                    services.request_need(
                        actor=PUBLIC_FORM, email=data["email"], reporter_name=data["reporter_name"], **fields
                    )
                else:
                    need = services.report_need(actor=request.user, **fields)
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                if citizen:
                    return render(
                        request,
                        "needs/report_sent.html",
                        {"breadcrumbs": selectors.crumbs(("Signaler", None))},
                    )
                messages.success(
                    request, "Merci : le besoin est inscrit au registre. L'animation va le qualifier."
                )
                return redirect("needs:detail", pk=need.pk)
        else:
            status = 200
    return render(
        request,
        "needs/report.html",
        {"form": form, "citizen": citizen, "breadcrumbs": selectors.crumbs(("Signaler un besoin", None))},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def support(request: HttpRequest, pk: int) -> HttpResponse:
    need = need_or_404(request, pk)
    citizen = not request.user.is_authenticated
    form = SupportForm(request.POST or None, citizen=citizen)
    status = 200
    if request.method == "POST":
        refusal = _limited(request, request.POST.get("email", ""), "support") if citizen else ""
        if refusal:
            form.is_valid()
            form.add_error(None, refusal)
            status = 429
        elif form.is_valid():
            try:
                if citizen:
                    supports.request_support(
                        actor=PUBLIC_FORM,
                        need=need,
                        email=form.cleaned_data["email"],
                        testimony=form.cleaned_data["testimony"],
                    )
                else:
                    services.support_need(
                        actor=request.user, need=need, testimony=form.cleaned_data["testimony"]
                    )
            except ValidationError as exc:
                add_errors(form, exc)
                status = 400
            else:
                if citizen:
                    messages.success(
                        request,
                        "Merci : ouvrez le lien que nous venons d'envoyer à votre adresse pour "
                        "confirmer votre soutien.",
                    )
                else:
                    messages.success(request, "Merci : votre soutien est compté.")
                return redirect("needs:detail", pk=need.pk)
    return render(
        request,
        "needs/support.html",
        {
            "need": need,
            "form": form,
            "citizen": citizen,
            "breadcrumbs": selectors.crumbs(
                (need.title, reverse("needs:detail", args=[need.pk])), ("Soutenir", None)
            ),
        },
        status=status,
    )


class _PendingConfirmView(ConfirmTokenView):
    template_name = "needs/confirm.html"
    stale_message = ""

    def find(self, payload: Any) -> Any:
        raise NotImplementedError

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        try:
            payload = read_token(self.purpose, token, self.max_age)
        except TokenError as error:
            return self.error(request, error)
        self.pending = self.find(payload)
        if self.pending is None:
            return self.error(request, TokenExpired(self.stale_message))
        return super().get(request, token)

    def refused(self, error: ValidationError) -> HttpResponse:
        message = " ".join(error.messages)
        if message == self.stale_message:
            return self.error(self.request, TokenExpired(message))
        return render(self.request, self.error_template_name, self.context(error_message=message), status=400)


class ConfirmNeedView(_PendingConfirmView):
    purpose = reporting.CONFIRM_PURPOSE
    max_age = reporting.CONFIRM_MAX_AGE
    stale_message = reporting.STALE_LINK_MESSAGE
    title = "Confirmer votre signalement"
    question = "Voulez-vous inscrire ce besoin au registre des besoins sociaux du territoire ?"
    button_label = "Confirmer le signalement"

    def find(self, payload: Any) -> Any:
        return reporting.pending_need(territory=self.request.territory, payload=payload)

    def describe(self, payload: Any) -> dict[str, Any]:
        return {"pending_title": self.pending.title}

    def act(self, payload: Any) -> HttpResponse | None:
        try:
            need = services.confirm_need(territory=self.request.territory, payload=payload)
        except ValidationError as error:
            return self.refused(error)
        messages.success(self.request, "Merci : votre signalement est confirmé et inscrit au registre.")
        return redirect("needs:detail", pk=need.pk)


class ConfirmSupportView(_PendingConfirmView):
    purpose = supports.SUPPORT_PURPOSE
    max_age = supports.SUPPORT_MAX_AGE
    stale_message = supports.STALE_SUPPORT_MESSAGE
    title = "Confirmer votre soutien"
    question = "Confirmez-vous que vous rencontrez aussi ce besoin ?"
    button_label = "Confirmer mon soutien"

    def find(self, payload: Any) -> Any:
        return supports.pending_support(territory=self.request.territory, payload=payload)

    def describe(self, payload: Any) -> dict[str, Any]:
        return {"pending_title": self.pending.need.title}

    def act(self, payload: Any) -> HttpResponse | None:
        try:
            support = services.confirm_support(territory=self.request.territory, payload=payload)
        except ValidationError as error:
            return self.refused(error)
        messages.success(self.request, "Merci : votre soutien est confirmé et compté.")
        return redirect("needs:detail", pk=support.need_id)
