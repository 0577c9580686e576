"""« Vis ma vie »: the campaign page, volunteering and wishes, the animation's page (pairing, moderation),
a pair's page (confirm from the mail, ICS, testimony)."""

from __future__ import annotations

import datetime as dt

import icalendar
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from maillage.matchmaking import exchange_selectors as selectors
from maillage.matchmaking import services
from maillage.matchmaking.forms import CampaignForm, TestimonyForm, VolunteerForm
from maillage.matchmaking.models import (
    CAMPAIGN_MACHINE,
    CampaignStatus,
    Exchange,
    ExchangeCampaign,
    Testimony,
    Volunteer,
)
from maillage.matchmaking.permissions import can_animate
from maillage.matchmaking.views.common import add_errors, animators_only


def _campaign(request: HttpRequest, pk: int) -> ExchangeCampaign:
    return get_object_or_404(ExchangeCampaign.objects.for_user(request.user, request.territory), pk=pk)


def _exchange(request: HttpRequest, pk: int) -> Exchange:
    """A pair of the territory, for its two volunteers and the animation (403 for anybody else)."""
    exchange = get_object_or_404(
        Exchange.objects.select_related("campaign", "a", "b"), pk=pk, campaign__territory=request.territory
    )
    if not selectors.exchanges_for_user(request.user, request.territory).filter(pk=pk).exists():
        raise PermissionDenied
    return exchange


def _me(request: HttpRequest, exchange: Exchange) -> Volunteer:
    for volunteer in (exchange.a, exchange.b):
        if volunteer.user_id == request.user.pk:
            return volunteer
    raise PermissionDenied


def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    context = selectors.campaign_context(campaign, request.user)
    context["can_animate"] = can_animate(request.user, request.territory)
    return render(request, "matchmaking/campaign.html", context)


@login_required
def campaign_create(request: HttpRequest) -> HttpResponse:
    animators_only(request)
    form = CampaignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.create_campaign(
                actor=request.user, territory=request.territory, **form.cleaned_data
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            return redirect("matchmaking:campaign_manage", pk=campaign.pk)
    return render(
        request, "matchmaking/campaign_create.html", {"form": form}, status=400 if form.errors else 200
    )


@login_required
def volunteer(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    mine = selectors.own_volunteer(campaign, request.user)
    initial = {"name": f"{request.user.first_name} {request.user.last_name}".strip(), "side": "a"}
    if mine is not None:
        initial = {
            "side": mine.side,
            "name": mine.name,
            "role": mine.role,
            "structure_name": mine.structure_name,
            "dates": mine.dates,
            "presentation": mine.presentation,
        }
    form = VolunteerForm(request.POST or None, campaign=campaign, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.register_volunteer(actor=request.user, campaign=campaign, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request, "Vous êtes inscrit comme volontaire. Dites maintenant qui vous aimeriez suivre."
            )
            return redirect("matchmaking:volunteer_wishes", pk=campaign.pk)
    context = {
        "campaign": campaign,
        "form": form,
        "mine": mine,
        "open": campaign.status == CampaignStatus.OPEN,
    }
    return render(request, "matchmaking/volunteer.html", context, status=400 if form.errors else 200)


@login_required
def volunteer_wishes(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    mine = selectors.own_volunteer(campaign, request.user)
    if mine is None:
        raise PermissionDenied
    error = None
    if request.method == "POST":
        ranked: list[tuple[int, int]] = []
        for key, value in request.POST.items():
            if key.startswith("rang_") and value.strip():
                target = key.removeprefix("rang_")
                if not (target.isdigit() and value.strip().isdigit()):
                    error = "Un rang est un nombre entier."
                    break
                ranked.append((int(value), int(target)))
        if error is None:
            try:
                services.save_volunteer_wishes(
                    actor=request.user, volunteer=mine, wished=[t for _rank, t in sorted(ranked)]
                )
            except ValidationError as exc:
                error = " ".join(exc.messages)
            else:
                messages.success(
                    request, f"Vos vœux sont enregistrés : {len(ranked)} personne(s) classée(s)."
                )
                return redirect("matchmaking:campaign", pk=campaign.pk)
    context = {"campaign": campaign, "volunteer": mine, "rows": selectors.wishes_rows(mine), "error": error}
    return render(request, "matchmaking/volunteer_wishes.html", context, status=400 if error else 200)


@login_required
def campaign_manage(request: HttpRequest, pk: int) -> HttpResponse:
    animators_only(request)
    campaign = _campaign(request, pk)
    if request.method == "POST":
        try:
            services.transition_campaign(actor=request.user, campaign=campaign, to=request.POST.get("to", ""))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"Nouvel état : {campaign.get_status_display()}.")
        return redirect("matchmaking:campaign_manage", pk=campaign.pk)
    context = selectors.manage_context(campaign)
    allowed = CAMPAIGN_MACHINE.moves.get(campaign.status, set())
    context["statuses"] = [
        (s, label) for s, label in CampaignStatus.choices if s in allowed and s != CampaignStatus.PAIRED
    ]
    return render(request, "matchmaking/campaign_manage.html", context)


@login_required
@require_POST
def form_pairs(request: HttpRequest, pk: int) -> HttpResponse:
    animators_only(request)
    campaign = _campaign(request, pk)
    try:
        created = services.form_pairs(actor=request.user, campaign=campaign)
    except ValidationError as exc:
        messages.error(request, "Binômes impossibles : " + " ".join(exc.messages))
    else:
        messages.success(
            request, f"{len(created)} binôme(s) formé(s) : chacun a reçu un courriel pour confirmer."
        )
    return redirect("matchmaking:campaign_manage", pk=campaign.pk)


@login_required
@require_POST
def moderate(request: HttpRequest, pk: int) -> HttpResponse:
    animators_only(request)
    testimony = get_object_or_404(
        Testimony.objects.select_related("exchange__campaign"),
        pk=pk,
        exchange__campaign__territory=request.territory,
    )
    publish = request.POST.get("decision") == "publier"
    try:
        services.moderate_testimony(actor=request.user, testimony=testimony, publish=publish)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Témoignage publié." if publish else "Témoignage retiré de la page.")
    return redirect("matchmaking:campaign_manage", pk=testimony.exchange.campaign_id)


@login_required
def exchange_detail(request: HttpRequest, pk: int) -> HttpResponse:
    exchange = _exchange(request, pk)
    me = next((v for v in (exchange.a, exchange.b) if v.user_id == request.user.pk), None)
    testimony = exchange.testimonies.filter(author=me).first() if me else None
    form = TestimonyForm(
        initial={"text": testimony.text, "consent": testimony.consent} if testimony else None
    )
    return render(request, "matchmaking/exchange.html", _exchange_context(exchange, me, testimony, form))


def _exchange_context(exchange, me, testimony, form) -> dict:
    today = timezone.localdate()
    return {
        "exchange": exchange,
        "campaign": exchange.campaign,
        "me": me,
        "partner": exchange.partner_of(me) if me else None,
        "confirmed_by_me": exchange.confirmed_by(me) if me else False,
        "testimony": testimony,
        "form": form,
        "can_testify": me is not None and exchange.status == "confirmed" and today >= exchange.first_date,
    }


@login_required
@require_POST
def exchange_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    exchange = _exchange(request, pk)
    me = _me(request, exchange)
    decline = request.POST.get("decision") == "decliner"
    try:
        if decline:
            services.decline_exchange(actor=request.user, exchange=exchange, volunteer=me)
        else:
            services.confirm_exchange(actor=request.user, exchange=exchange, volunteer=me)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        exchange.refresh_from_db()
        if decline:
            messages.success(
                request, "Vous avez décliné ce binôme ; l'animation vous en proposera peut-être un autre."
            )
        elif exchange.status == "confirmed":
            messages.success(request, "Binôme confirmé par vous deux : les dates sont retenues.")
        else:
            messages.success(
                request, "Merci, votre confirmation est notée ; nous attendons celle de votre binôme."
            )
    return redirect("matchmaking:exchange", pk=exchange.pk)


@login_required
def exchange_ics(request: HttpRequest, pk: int) -> HttpResponse:
    exchange = _exchange(request, pk)
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Maillage//Vis ma vie//FR")
    calendar.add("version", "2.0")
    for index, (day, host, guest) in enumerate(
        ((exchange.first_date, exchange.a, exchange.b), (exchange.second_date, exchange.b, exchange.a)), 1
    ):
        event = icalendar.Event()
        event.add("uid", f"vis-ma-vie-{exchange.pk}-{index}@maillage")
        event.add("summary", f"Vis ma vie : {guest.name} chez {host.structure_name}")
        event.add("dtstart", day)
        event.add("dtend", day + dt.timedelta(days=1))
        event.add("location", host.structure_name)
        event.add("description", f"{exchange.campaign.title} — {host.label} accueille {guest.label}.")
        calendar.add_component(event)
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="vis-ma-vie-{exchange.pk}.ics"'
    return response


@login_required
@require_POST
def testimony(request: HttpRequest, pk: int) -> HttpResponse:
    exchange = _exchange(request, pk)
    me = _me(request, exchange)
    form = TestimonyForm(request.POST)
    if form.is_valid():
        try:
            services.submit_testimony(
                actor=request.user,
                exchange=exchange,
                volunteer=me,
                today=timezone.localdate(),
                **form.cleaned_data,
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request, "Merci pour votre témoignage : l'animation le relit avant de le publier."
            )
            return redirect("matchmaking:exchange", pk=exchange.pk)
    current = exchange.testimonies.filter(author=me).first()
    return render(
        request, "matchmaking/exchange.html", _exchange_context(exchange, me, current, form), status=400
    )
