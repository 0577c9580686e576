"""Pages of the lettre d'information. Thin: read through a scoped queryset, call one service, render."""

from __future__ import annotations

import functools
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.contrib.syndication.views import Feed
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.feedgenerator import Rss201rev2Feed
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from maillage.core.confirm import ConfirmTokenView
from maillage.core.ratelimit import client_ip, over_limit
from maillage.core.registry import registry
from maillage.core.tokens import TokenError, TokenExpired, read_token
from maillage.newsletter import permissions, rendering, services
from maillage.newsletter.forms import IssueForm, SubscribeForm, TestSendForm
from maillage.newsletter.models import LETTRE_TAGLINE, LETTRE_TITLE, Issue, Subscriber, retention_phrase

RATE_PER_IP = 10  # subscription requests per IP per hour
RATE_PER_ADDRESS = 3  # confirmation mails per address per hour
RATE_WINDOW = 3600


def _territory(request: HttpRequest):
    territory = getattr(request, "territory", None)
    if territory is None:
        raise Http404("Aucun territoire n'est servi à cette adresse.")
    return territory


def animator_required(view):
    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not permissions.can_manage(request.user, _territory(request)):
            raise PermissionDenied("Réservé à l'équipe d'animation du territoire.")
        return view(request, *args, **kwargs)

    return wrapper


def _lettre_context() -> dict[str, str]:
    return {"lettre_title": LETTRE_TITLE, "lettre_tagline": LETTRE_TAGLINE, "retention": retention_phrase()}


# --- public ------------------------------------------------------------------------------------------


def subscribe(request: HttpRequest) -> HttpResponse:
    territory = _territory(request)
    form = SubscribeForm(request.POST or None, territory=territory)
    status = 200
    if request.method == "POST":
        if over_limit(
            f"lettre:ip:{territory.pk}:{client_ip(request)}", limit=RATE_PER_IP, window=RATE_WINDOW
        ):
            messages.error(request, "Trop de demandes depuis votre connexion : réessayez dans une heure.")
            status = 429
        elif form.is_valid():
            email = form.cleaned_data["email"].strip().lower()
            # An address asked for too often gets the same answer, and no mail.
            if not over_limit(
                f"lettre:addr:{territory.pk}:{email}", limit=RATE_PER_ADDRESS, window=RATE_WINDOW
            ):
                try:
                    services.request_subscription(
                        territory=territory, email=email, commune=form.cleaned_data["commune"]
                    )
                except ValidationError as error:
                    form.add_error(None, error)
            if not form.errors:
                return render(request, "newsletter/subscribe_sent.html", _lettre_context())
    latest = Issue.objects.published(territory).first()
    return render(
        request,
        "newsletter/subscribe.html",
        {"form": form, "latest": latest, **_lettre_context()},
        status=status,
    )


class ConfirmSubscriptionView(ConfirmTokenView):
    purpose = services.CONFIRM_PURPOSE
    max_age = services.CONFIRM_MAX_AGE
    template_name = "newsletter/confirm.html"
    title = f"Confirmer votre abonnement à {LETTRE_TITLE}"
    question = "Voulez-vous recevoir la lettre d'information du territoire à cette adresse ?"
    button_label = "Confirmer mon abonnement"
    done_message = "Votre abonnement est confirmé : vous recevrez le prochain numéro."

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        # A valid signature is not enough: the request it designates must still exist (an old-style link
        # carried the address instead; a confirmed or expired request is gone).
        try:
            payload = read_token(self.purpose, token, self.max_age)
        except TokenError as error:
            return self.error(request, error)
        self.pending = services.pending_request(territory=_territory(request), payload=payload)
        if self.pending is None:
            return self.error(request, TokenExpired(services.STALE_LINK_MESSAGE))
        return super().get(request, token)

    def describe(self, payload: Any) -> dict[str, Any]:
        return {"email": self.pending.email, "consent_text": services.CONSENT_TEXT}

    def act(self, payload: Any) -> HttpResponse | None:
        try:
            services.confirm_subscription(territory=_territory(self.request), payload=payload)
        except ValidationError as error:
            message = " ".join(error.messages)
            if message == services.STALE_LINK_MESSAGE:
                return self.error(self.request, TokenExpired(message))
            return render(
                self.request, self.error_template_name, self.context(error_message=message), status=400
            )
        return None


@method_decorator(csrf_exempt, name="dispatch")  # RFC 8058: mail clients POST without a CSRF token;
class UnsubscribeView(ConfirmTokenView):  # the signed token is the authority.
    purpose = rendering.UNSUBSCRIBE_PURPOSE
    max_age = rendering.UNSUBSCRIBE_MAX_AGE
    template_name = "newsletter/unsubscribe.html"
    title = f"Se désabonner de {LETTRE_TITLE}"
    question = "Voulez-vous ne plus recevoir la lettre d'information ?"
    button_label = "Me désabonner"
    done_message = (
        "C'est fait : vous ne recevrez plus la lettre d'information. Votre adresse a été désactivée."
    )

    def act(self, payload: Any) -> HttpResponse | None:
        try:
            services.unsubscribe(territory=_territory(self.request), payload=payload)
        except ValidationError as error:
            return render(
                self.request,
                self.error_template_name,
                self.context(error_message=" ".join(error.messages)),
                status=400,
            )
        return None


def archive(request: HttpRequest) -> HttpResponse:
    territory = _territory(request)
    page = Paginator(Issue.objects.published(territory), 20).get_page(request.GET.get("page"))
    return render(request, "newsletter/archive.html", {"page": page, **_lettre_context()})


def issue_detail(request: HttpRequest, number: int) -> HttpResponse:
    territory = _territory(request)
    issue = get_object_or_404(Issue.objects.published(territory), number=number)
    return render(
        request,
        "newsletter/issue_detail.html",
        {"issue": issue, "blocks": rendering.web_blocks(issue), "preview": False, **_lettre_context()},
    )


class IssueFeed(Feed):
    feed_type = Rss201rev2Feed
    description_template = "newsletter/feed_description.html"

    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any):
        return _territory(request)

    def title(self, territory) -> str:
        return f"{LETTRE_TITLE} — {territory.name}"

    def description(self, territory) -> str:
        return f"{LETTRE_TITLE}, {LETTRE_TAGLINE}."

    def link(self, territory) -> str:
        return territory.absolute_url(reverse("newsletter:archive"))

    def feed_url(self, territory) -> str:
        return territory.absolute_url(reverse("newsletter:feed"))

    def items(self, territory):
        return Issue.objects.published(territory)[:30]

    def item_title(self, issue: Issue) -> str:
        return f"n° {issue.number} — {issue.title}"

    def item_link(self, issue: Issue) -> str:
        return issue.territory.absolute_url(reverse("newsletter:issue", kwargs={"number": issue.number}))

    def item_pubdate(self, issue: Issue):
        return issue.sent_at

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["blocks"] = rendering.web_blocks(kwargs["item"])
        return context


# --- the animator ------------------------------------------------------------------------------------


@animator_required
def manage(request: HttpRequest) -> HttpResponse:
    territory = _territory(request)
    subscribers = Subscriber.objects.for_user(request.user, territory)
    return render(
        request,
        "newsletter/manage.html",
        {
            "issues": Issue.objects.for_user(request.user, territory).order_by("-number"),
            "confirmed": subscribers.confirmed().count(),
            "unsubscribed": subscribers.unsubscribed().count(),
            **_lettre_context(),
        },
    )


@animator_required
def subscriber_list(request: HttpRequest) -> HttpResponse:
    territory = _territory(request)
    qs = Subscriber.objects.for_user(request.user, territory).order_by("email")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "newsletter/subscriber_list.html", {"page": page, **_lettre_context()})


def _issue_form(request: HttpRequest, territory, issue: Issue | None) -> IssueForm:
    initial = None
    if issue is not None:
        initial = {
            "title": issue.title,
            "editorial": issue.editorial,
            "providers": issue.providers,
            "segment": issue.segment,
            "segment_value": issue.segment_value,
        }
    else:
        initial = {"providers": sorted(registry.content_providers)}
    return IssueForm(
        request.POST or None, initial=initial, segment_choices=services.segment_choices(territory)
    )


def _save_issue(request: HttpRequest, form: IssueForm, territory, issue: Issue | None) -> Issue | None:
    if not form.is_valid():
        return None
    data = form.cleaned_data
    try:
        if issue is None:
            return services.create_issue(actor=request.user, territory=territory, **data)
        return services.update_issue(actor=request.user, issue=issue, **data)
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, error)
        return None


@animator_required
def issue_create(request: HttpRequest) -> HttpResponse:
    territory = _territory(request)
    form = _issue_form(request, territory, None)
    if request.method == "POST":
        issue = _save_issue(request, form, territory, None)
        if issue is not None:
            messages.success(request, f"Le numéro {issue.number} est créé : relisez son aperçu.")
            return redirect("newsletter:issue_edit", pk=issue.pk)
    return render(request, "newsletter/issue_form.html", {"form": form, "issue": None, **_lettre_context()})


@animator_required
def issue_edit(request: HttpRequest, pk: int) -> HttpResponse:
    territory = _territory(request)
    issue = get_object_or_404(Issue.objects.for_user(request.user, territory), pk=pk)
    if not issue.is_draft:
        return redirect("newsletter:issue_status", pk=issue.pk)
    form = _issue_form(request, territory, issue)
    if request.method == "POST" and _save_issue(request, form, territory, issue) is not None:
        messages.success(request, "Numéro enregistré et recomposé.")
        return redirect("newsletter:issue_edit", pk=issue.pk)
    recipients = services.segment_subscribers(territory, issue.segment, issue.segment_value).count()
    return render(
        request,
        "newsletter/issue_form.html",
        {
            "form": form,
            "issue": issue,
            "recipients": recipients,
            "test_form": TestSendForm(initial={"to": request.user.email}),
            **_lettre_context(),
        },
    )


@animator_required
def issue_preview(request: HttpRequest, pk: int) -> HttpResponse:
    issue = get_object_or_404(Issue.objects.for_user(request.user, _territory(request)), pk=pk)
    return render(
        request,
        "newsletter/issue_detail.html",
        {"issue": issue, "blocks": rendering.web_blocks(issue), "preview": True, **_lettre_context()},
    )


@animator_required
@require_POST
def issue_test_send(request: HttpRequest, pk: int) -> HttpResponse:
    issue = get_object_or_404(Issue.objects.for_user(request.user, _territory(request)), pk=pk)
    form = TestSendForm(request.POST)
    if form.is_valid():
        try:
            services.send_test(actor=request.user, issue=issue, to=form.cleaned_data["to"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"Envoi d'essai parti vers {form.cleaned_data['to']}.")
    else:
        messages.error(request, "Saisissez une adresse valide pour l'envoi d'essai.")
    return redirect("newsletter:issue_edit", pk=issue.pk)


@animator_required
def issue_send(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: what is about to be sent, to how many; POST: send (once, whatever the number of clicks)."""
    territory = _territory(request)
    issue = get_object_or_404(Issue.objects.for_user(request.user, territory), pk=pk)
    if request.method == "POST":
        try:
            count = services.start_sending(actor=request.user, issue=issue)
        except ValidationError as error:
            messages.warning(request, " ".join(error.messages))
        else:
            messages.success(request, f"Envoi lancé vers {count} abonné(s).")
        return redirect("newsletter:issue_status", pk=issue.pk)
    if not issue.is_draft:
        return redirect("newsletter:issue_status", pk=issue.pk)
    recipients = services.segment_subscribers(territory, issue.segment, issue.segment_value).count()
    return render(
        request, "newsletter/issue_send.html", {"issue": issue, "recipients": recipients, **_lettre_context()}
    )


@animator_required
def issue_status(request: HttpRequest, pk: int) -> HttpResponse:
    issue = get_object_or_404(Issue.objects.for_user(request.user, _territory(request)), pk=pk)
    report = services.sending_report(issue)
    failures = issue.deliveries.failed().select_related("subscriber").order_by("pk")[:50]
    return render(
        request,
        "newsletter/issue_status.html",
        {
            "issue": issue,
            "report": report,
            "failures": failures,
            "transitions": issue.transitions.select_related("actor"),
            "refresh": issue.status == Issue.Status.SENDING,
            **_lettre_context(),
        },
    )
