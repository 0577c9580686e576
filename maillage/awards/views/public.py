"""Public pages: the Trophée's home and archive, an edition, its winners, and the public vote (a form that
mails a link; the page that link opens confirms the vote by POST)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from maillage.awards import selectors
from maillage.awards.models import EditionStatus, Nomination, Vote
from maillage.awards.services import votes
from maillage.awards.views.common import edition_or_404, message
from maillage.core.actors import visitor
from maillage.core.ratelimit import client_ip, over_limit
from maillage.core.tokens import TokenError, TokenExpired

VOTE_FORM = visitor("formulaire de vote")
MAIL_LINK = visitor("lien de vote du courriel")
WINDOW = 3600
LIMITS = {"request_ip": 10, "request_address": 3, "confirm_ip": 120}
TOO_MANY = "Trop de demandes depuis votre connexion : réessayez dans une heure."
TOO_MANY_ADDRESS = "Trop de demandes pour cette adresse : réessayez dans une heure."


def _limit(name: str) -> int:
    return int(getattr(settings, "AWARDS_RATE_LIMITS", {}).get(name, LIMITS[name]))


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "awards/home.html", selectors.home_context(request.user, request.territory))


@require_GET
def edition(request: HttpRequest, year: int) -> HttpResponse:
    found = edition_or_404(request, year)
    return render(request, "awards/edition.html", selectors.edition_context(request.user, found))


@require_GET
def winners(request: HttpRequest, year: int) -> HttpResponse:
    found = edition_or_404(request, year)
    if found.status != EditionStatus.PUBLISHED:
        raise Http404("Le palmarès de cette édition n'est pas encore publié.")
    return render(request, "awards/winners.html", selectors.winners_context(found))


@require_http_methods(["GET", "POST"])
def vote(request: HttpRequest, pk: int) -> HttpResponse:
    nomination = get_object_or_404(
        Nomination.objects.public(request.territory).select_related("category__edition", "structure"), pk=pk
    )
    edition = nomination.category.edition
    context = {
        "nomination": nomination,
        "edition": edition,
        "open": edition.status == EditionStatus.VOTING,
        "email": "",
        "errors": [],
        "breadcrumbs": selectors.crumbs(
            (f"Édition {edition.year}", reverse("awards:edition", args=[edition.year])), ("Voter", None)
        ),
    }
    status = 200
    if request.method == "POST":
        email = request.POST.get("email", "")
        context["email"] = email
        territory = request.territory
        if over_limit(
            f"awards:vote:ip:{territory.pk}:{client_ip(request)}", limit=_limit("request_ip"), window=WINDOW
        ):
            context["errors"], status = [TOO_MANY], 429
        elif over_limit(
            f"awards:vote:addr:{territory.pk}:{votes.normalise_address(email)}",
            limit=_limit("request_address"),
            window=WINDOW,
        ):
            context["errors"], status = [TOO_MANY_ADDRESS], 429
        else:
            try:
                votes.request_vote(actor=VOTE_FORM, nomination=nomination, email=email)
            except ValidationError as exc:
                context["errors"] = exc.messages
            else:
                return render(request, "awards/vote_sent.html", context)
    return render(request, "awards/vote.html", context, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def vote_confirm(request: HttpRequest, token: str) -> HttpResponse:
    title = "Confirmer votre vote"
    try:
        payload = votes.pending_vote(token)
    except TokenError as error:
        text = str(error) + (
            " Demandez un nouveau lien depuis la page du Trophée." if isinstance(error, TokenExpired) else ""
        )
        return message(request, title, text, status=410 if isinstance(error, TokenExpired) else 400)
    except ValidationError as error:
        return message(request, title, " ".join(error.messages), status=400)
    nomination = (
        Nomination.objects.select_related("category__edition", "structure")
        .filter(pk=payload["n"], category__edition__territory=request.territory)  # never another territory's
        .first()
    )
    if nomination is None:
        return message(request, title, votes.BAD_LINK, status=400)
    done = Vote.objects.filter(token_digest=votes.token_digest(token)).exists()
    if request.method == "POST":
        if over_limit(
            f"awards:confirm:ip:{request.territory.pk}:{client_ip(request)}",
            limit=_limit("confirm_ip"),
            window=WINDOW,
        ):
            return message(request, title, TOO_MANY, status=429)
        try:
            result = votes.confirm_vote(actor=MAIL_LINK, token=token)
        except ValidationError as error:
            return message(request, title, " ".join(error.messages), status=409)
        except TokenError as error:
            return message(request, title, str(error), status=400)
        text = (
            f"Merci : votre vote pour « {nomination.initiative} » ({nomination.structure.name}) dans la "
            f"catégorie « {nomination.category.name} » est enregistré. Les résultats seront publiés à la "
            "clôture du vote."
            if result.created
            else "Votre vote était déjà enregistré : il n'est compté qu'une fois."
        )
        return message(
            request,
            "Vote enregistré",
            text,
            link=reverse("awards:edition", args=[nomination.category.edition.year]),
        )
    response = render(
        request, "awards/vote_confirm.html", {"nomination": nomination, "done": done, "title": title}
    )
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex"
    return response
