from __future__ import annotations

import calendar as pycalendar
import datetime as dt
from typing import Any

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from django.views.decorators.http import require_GET, require_http_methods

from maillage.actors.models import Structure
from maillage.core.confirm import ConfirmTokenView
from maillage.core.exports import PersonalDataLog, export_response
from maillage.core.geo import BBox
from maillage.core.models import Commune
from maillage.core.ratelimit import client_ip, over_limit
from maillage.core.tokens import TokenError, make_token, read_token
from maillage.events import calendars, pdf, services
from maillage.events.forms import (
    EmailRegistrationForm,
    EventForm,
    MessageForm,
    OccurrenceForm,
    PhotoForm,
    RegistrationForm,
    ReportForm,
    SeriesForm,
)
from maillage.events.jsonld import event_jsonld
from maillage.events.models import EVENT_TRANSITIONS, Campaign, Event, Kind, Registration, Status
from maillage.events.querysets import EventQuerySet, RegistrationQuerySet
from maillage.events.recurrence import PARIS, summary_fr

CHECKIN_PURPOSE = "events.checkin"
CHECKIN_MAX_AGE = dt.timedelta(hours=36)
MONTHS_FR = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]


# --- helpers ---------------------------------------------------------------------------------------------


def _visible(request: HttpRequest):
    return EventQuerySet.for_user(request.user, request.territory)


def _event_or_404(request: HttpRequest, slug: str) -> Event:
    return get_object_or_404(
        _visible(request).select_related("territory", "commune", "series", "campaign"), slug=slug
    )


def _managed_event(request: HttpRequest, slug: str) -> Event:
    event = _event_or_404(request, slug)
    if not request.user.has_perm("events.manage_event", event):
        raise PermissionDenied
    return event


def _require_animator(request: HttpRequest) -> None:
    if not request.user.has_perm("events.animate_agenda", request.territory):
        raise PermissionDenied


def _filters(request: HttpRequest) -> dict[str, str]:
    """The agenda's filters from the query string (shared by the pages and the ICS feeds)."""
    get = request.GET
    return {
        "q": get.get("q", "").strip()[:100],
        "kind": get.get("kind", "") if get.get("kind", "") in Kind.values else "",
        "commune": get.get("commune", "").strip()[:10],
        "structure": get.get("structure", "").strip()[:120],
    }


def _filtered(request: HttpRequest, qs):
    filters = _filters(request)
    if filters["q"]:
        qs = qs.filter(Q(title__icontains=filters["q"]) | Q(description__icontains=filters["q"]))
    if filters["kind"]:
        qs = qs.filter(kind=filters["kind"])
    if filters["commune"]:
        qs = qs.filter(commune__insee_code=filters["commune"])
    if filters["structure"]:
        hosted = Event.objects.filter(hosts__slug=filters["structure"], hosts__territory=request.territory)
        qs = qs.filter(pk__in=hosted.values("pk"))
    return filters, qs


def _options(pairs, selected: str) -> SafeString:
    """<option> elements built in Python (one template node instead of one per option: long lists stay
    fast)."""
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((v, mark_safe(" selected") if v == selected else "", label) for v, label in pairs),
    )


def _filter_choices(territory, filters: dict[str, str]) -> dict[str, Any]:
    """Options of the filter form (rendered by hand: Django's select widgets are slow with long lists)."""
    communes = (
        Commune.objects.filter(territories=territory).order_by("name").values_list("insee_code", "name")
    )
    structures = (
        Structure.objects.filter(territory=territory, status=Structure.Status.PUBLISHED)
        .order_by("name")
        .values_list("slug", "name")
    )
    return {
        "kinds": _options(((v, capfirst(str(label))) for v, label in Kind.choices), filters["kind"]),
        "communes": _options(communes, filters["commune"]),
        "structures": _options(structures, filters["structure"]),
    }


def _querystring(request: HttpRequest, *drop: str) -> str:
    params = request.GET.copy()
    for name in drop:
        params.pop(name, None)
    return params.urlencode()


def _map_points(events) -> list[dict[str, Any]]:
    points = []
    for event in events:
        coordinates = event.coordinates
        if coordinates:
            points.append(
                {
                    "lat": coordinates[0],
                    "lng": coordinates[1],
                    "title": event.title,
                    "url": reverse("events:detail", kwargs={"slug": event.slug}),
                    "when": services.when_label(event),
                }
            )
    return points


MARKERS_LIMIT = 2000
DAYS_FR = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]


def _marker_when(start: dt.datetime) -> str:
    """« vendredi 4 décembre 2026, 18 h » (Paris time), built by hand: Django's date formatting, with its
    translations looked up for every call, cost most of a 2,000-marker answer."""
    local = start.astimezone(PARIS)
    hour = f"{local.hour} h" if local.minute == 0 else f"{local.hour} h {local.minute:02d}"
    day = "1er" if local.day == 1 else str(local.day)
    return f"{DAYS_FR[local.weekday()]} {day} {MONTHS_FR[local.month - 1]} {local.year}, {hour}"


def _period(request: HttpRequest, qs, now: dt.datetime):
    """Upcoming events, or past ones with « ?periode=passes » (the agenda page and its map)."""
    past = request.GET.get("periode") == "passes"
    return past, (EventQuerySet.past(qs, now) if past else EventQuerySet.upcoming(qs, now))


def _markers(qs, bbox: BBox, limit: int | None = None) -> tuple[list[dict[str, Any]], bool]:
    """Light map rows of `qs` located inside `bbox`: the event's own coordinates, else its commune's centroid
    (as `Event.coordinates`). Returns (markers, truncated)."""
    limit = limit or MARKERS_LIMIT
    own = Q(
        latitude__isnull=False,
        longitude__isnull=False,
        latitude__gte=bbox.south,
        latitude__lte=bbox.north,
        longitude__gte=bbox.west,
        longitude__lte=bbox.east,
    )
    by_commune = Q(
        Q(latitude__isnull=True) | Q(longitude__isnull=True),
        commune__latitude__gte=bbox.south,
        commune__latitude__lte=bbox.north,
        commune__longitude__gte=bbox.west,
        commune__longitude__lte=bbox.east,
    )
    located = ("latitude", "longitude", "commune__latitude", "commune__longitude")
    fields = ("slug", "title", "start", *located)
    rows = list(qs.filter(own | by_commune).values_list(*fields)[: limit + 1])
    prefix = reverse("events:list")
    markers = []
    for slug, title, start, lat, lng, commune_lat, commune_lng in rows[:limit]:
        if lat is None or lng is None:
            lat, lng = commune_lat, commune_lng
        markers.append(
            {
                "lat": round(lat, 6),
                "lng": round(lng, 6),
                "title": title,
                "url": f"{prefix}{slug}/",
                "when": _marker_when(start),
            }
        )
    return markers, len(rows) > limit


def _qr_svg(code: str) -> SafeString:
    """The registration code as an inline SVG QR code (no script, no style: CSP-safe)."""
    image = qrcode.make(code, image_factory=qrcode.image.svg.SvgPathImage, box_size=10)
    svg = image.to_string(encoding="unicode")
    return mark_safe(svg.replace("<svg ", '<svg role="img" aria-label="QR code de votre inscription" ', 1))  # noqa: S308 (generated by qrcode)


# --- agenda pages ----------------------------------------------------------------------------------------


def agenda(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    base = _visible(request).select_related("commune").prefetch_related("hosts")
    form, qs = _filtered(request, base)
    past, qs = _period(request, qs, now)
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)  # evaluated once
    markers_query = _querystring(request, "page", "bbox")
    return render(
        request,
        "events/agenda.html",
        {
            "page": page,
            "filters": form,
            "choices": _filter_choices(request.territory, form),
            "past": past,
            # the map loads every event matching the filters (not only this page's) from markers_url
            "markers_url": reverse("events:markers") + (f"?{markers_query}" if markers_query else ""),
            "querystring": _querystring(request, "page", "periode"),
            "feed_url": reverse("events:feed")
            + (
                "?" + _querystring(request, "page", "periode")
                if _querystring(request, "page", "periode")
                else ""
            ),
            "can_animate": request.user.has_perm("events.animate_agenda", request.territory),
            "breadcrumbs": [("Accueil", reverse("core:home")), ("Agenda", "")],
        },
    )


@require_GET
def markers(request: HttpRequest) -> JsonResponse:
    """The agenda map's markers: every event matching the agenda's filters (and period) inside `bbox`
    (« ouest,sud,est,nord »), as light JSON. Capped at MARKERS_LIMIT (`tronque` says so)."""
    try:
        bbox = BBox.parse(request.GET.get("bbox", ""))
    except ValueError as exc:
        ours = str(exc).startswith(("Une emprise", "Emprise"))  # float() speaks English: replaced
        message = str(exc) if ours else "Emprise invalide : quatre nombres attendus, ouest,sud,est,nord."
        return JsonResponse({"erreur": message}, status=400)
    _form, qs = _filtered(request, _visible(request))
    _past, qs = _period(request, qs, timezone.now())
    rows, truncated = _markers(qs, bbox)
    return JsonResponse({"count": len(rows), "tronque": truncated, "markers": rows})


def month(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    try:
        year, number = (int(x) for x in request.GET.get("mois", f"{today:%Y-%m}").split("-"))
        first = dt.date(year, number, 1)
    except (ValueError, TypeError):
        first = today.replace(day=1)
    last = first.replace(day=pycalendar.monthrange(first.year, first.month)[1])
    start = dt.datetime.combine(first, dt.time.min, tzinfo=PARIS)
    end = dt.datetime.combine(last, dt.time.max, tzinfo=PARIS)
    form, qs = _filtered(request, _visible(request))
    by_day: dict[dt.date, list[Event]] = {}
    for event in qs.filter(start__gte=start, start__lte=end).order_by("start"):
        by_day.setdefault(timezone.localtime(event.start, PARIS).date(), []).append(event)
    weeks = []
    for week in pycalendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month):
        weeks.append(
            [
                {
                    "date": d,
                    "in_month": d.month == first.month,
                    "events": by_day.get(d, []),
                    "today": d == today,
                }
                for d in week
            ]
        )
    previous = (first - dt.timedelta(days=1)).replace(day=1)
    following = last + dt.timedelta(days=1)
    return render(
        request,
        "events/month.html",
        {
            "weeks": weeks,
            "title": f"{MONTHS_FR[first.month - 1]} {first.year}",
            "days": [
                (e, d)
                for e, d in zip(
                    ["Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi", "Samedi", "Dimanche"],
                    ["lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim."],
                    strict=True,
                )
            ],
            "previous": f"{previous:%Y-%m}",
            "following": f"{following:%Y-%m}",
            "filters": form,
            "choices": _filter_choices(request.territory, form),
            "querystring": _querystring(request, "mois"),
            "has_events": bool(by_day),
            "breadcrumbs": [
                ("Accueil", reverse("core:home")),
                ("Agenda", reverse("events:list")),
                ("Vue du mois", ""),
            ],
        },
    )


def detail(request: HttpRequest, slug: str) -> HttpResponse:
    event = _event_or_404(request, slug)
    registration = None
    if request.user.is_authenticated:
        registration = (
            Registration.objects.filter(event=event)
            .filter(Q(user=request.user) | Q(email__iexact=request.user.email))
            .exclude(state=Registration.State.CANCELLED)
            .first()
        )
    waitlist_position = None
    if registration and registration.state == Registration.State.WAITLISTED:
        waitlist_position = (
            RegistrationQuerySet.waitlist(event).filter(sequence__lt=registration.sequence).count() + 1
        )
    return render(
        request,
        "events/detail.html",
        {
            "event": event,
            "hosts": list(event.hosts.all()),
            "registration": registration,
            "waitlist_position": waitlist_position,
            "seats_left": services.seats_left(event),
            "when": services.when_label(event),
            "jsonld": event_jsonld(event),
            "can_manage": request.user.has_perm("events.manage_event", event),
            "series_summary": summary_fr(event.series.rrule, event.series.first_start)
            if event.series_id
            else "",
            "photos": list(event.photos.all()) if event.report_published_at else [],
            "attendance": event.registrations.filter(attended=True).count()
            if event.report_published_at
            else 0,
            "points": _map_points([event]),
            "show_online_link": bool(event.online_url)
            and (
                (registration is not None and registration.state == Registration.State.REGISTERED)
                or request.user.has_perm("events.manage_event", event)
            ),
            "qr_svg": _qr_svg(registration.checkin_code)
            if registration and registration.state == Registration.State.REGISTERED
            else "",
            "breadcrumbs": [
                ("Accueil", reverse("core:home")),
                ("Agenda", reverse("events:list")),
                (event.title, ""),
            ],
        },
    )


def event_ics(request: HttpRequest, slug: str) -> HttpResponse:
    event = _event_or_404(request, slug)
    response = HttpResponse(calendars.single_event_ics(event), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{event.slug}.ics"'
    return response


def feed(request: HttpRequest) -> HttpResponse:
    """The public agenda as a subscribable calendar, filtered like the agenda page (kind, structure,
    commune)."""
    lo, hi = calendars.window()
    _filters_used, qs = _filtered(request, EventQuerySet.public_agenda(request.territory))
    qs = qs.filter(end__gte=lo, start__lte=hi)
    key = f"{request.territory.pk}|{request.GET.urlencode()}|{lo:%Y-%m-%d}"
    etag = calendars.feed_etag(request.territory, key)
    if etag in [t.strip() for t in request.headers.get("If-None-Match", "").split(",")]:
        response = HttpResponseNotModified()
        response["ETag"] = etag
        return response
    cache_key = "events:feed:" + etag.strip('"')
    body = cache.get(cache_key)
    if body is None:
        body = calendars.feed_ics(request.territory, qs, name=f"Agenda de l'ESS — {request.territory.name}")
        cache.set(cache_key, body, 3600)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["ETag"] = etag
    response["Cache-Control"] = "public, max-age=900"
    response["Content-Disposition"] = 'inline; filename="agenda.ics"'
    return response


# --- registration ----------------------------------------------------------------------------------------


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
            services.cancel_registration(actor=None, registration_id=payload["r"])
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


# --- organiser -------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    _require_animator(request)
    form = EventForm(request.POST or None, request.FILES or None, territory=request.territory)
    if request.method == "POST" and form.is_valid():
        try:
            event = services.create_event(
                actor=request.user,
                territory=request.territory,
                hosts=form.cleaned_data["hosts"],
                status=Status.PUBLISHED if request.POST.get("publish") else Status.DRAFT,
                **form.service_fields(),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Le rendez-vous est enregistré.")
            return redirect("events:manage", slug=event.slug)
    return render(
        request, "events/event_form.html", {"form": form, "title": "Nouveau rendez-vous", "creating": True}
    )


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, slug: str) -> HttpResponse:
    event = _managed_event(request, slug)
    if event.series_id:
        return redirect("events:occurrence_edit", slug=event.slug)
    form = EventForm(
        request.POST or None,
        request.FILES or None,
        instance=Event.objects.get(pk=event.pk),
        territory=request.territory,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_event(
                actor=request.user, event=event, hosts=form.cleaned_data["hosts"], **form.service_fields()
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Les modifications sont enregistrées.")
            return redirect("events:manage", slug=event.slug)
    return render(
        request,
        "events/event_form.html",
        {"form": form, "title": f"Modifier « {event.title} »", "event": event, "creating": False},
    )


@login_required
@require_http_methods(["GET", "POST"])
def series_create(request: HttpRequest) -> HttpResponse:
    _require_animator(request)
    form = SeriesForm(request.POST or None, territory=request.territory)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fields = {
            name: data[name]
            for name in [
                "title",
                "kind",
                "description",
                "mode",
                "venue",
                "address",
                "commune",
                "online_url",
                "accessibility",
                "capacity",
                "visibility",
            ]
        }
        try:
            series = services.create_series(
                actor=request.user,
                territory=request.territory,
                rrule=data["rule"],
                first_start=data["first_start"],
                duration=dt.timedelta(minutes=data["duration_minutes"]),
                hosts=data["hosts"],
                on_holiday=data["on_holiday"],
                **fields,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            first = series.occurrences.order_by("start").first()
            messages.success(request, f"La série est créée : {summary_fr(series.rrule, series.first_start)}.")
            return redirect("events:detail", slug=first.slug) if first else redirect("events:list")
    return render(request, "events/series_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def occurrence_edit(request: HttpRequest, slug: str) -> HttpResponse:
    event = _managed_event(request, slug)
    if not event.series_id:
        return redirect("events:edit", slug=event.slug)
    form = OccurrenceForm(request.POST or None, event=event)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        scope = data["scope"]
        if scope != "this" and not request.user.has_perm("events.animate_agenda", request.territory):
            form.add_error("scope", "Seule l'animation du territoire peut modifier toute la série.")
        else:
            local = timezone.localtime(event.start, PARIS)
            new_start = dt.datetime.combine(local.date(), data["start_time"])
            shift = new_start - local.replace(tzinfo=None)
            try:
                services.edit_occurrences(
                    actor=request.user,
                    event=event,
                    scope=scope,
                    shift=shift,
                    duration=dt.timedelta(minutes=data["duration_minutes"]),
                    hosts=data["hosts"],
                    venue=data["venue"],
                    address=data["address"],
                    capacity=data["capacity"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(
                    request, "Les modifications sont enregistrées ; les inscrits concernés sont prévenus."
                )
                return redirect("events:manage", slug=event.slug)
    return render(
        request,
        "events/occurrence_form.html",
        {
            "form": form,
            "event": event,
            "when": services.when_label(event),
            "series_summary": summary_fr(event.series.rrule, event.series.first_start),
        },
    )


STATUS_ACTIONS = {
    Status.PUBLISHED: "Publier",
    Status.CANCELLED: "Annuler le rendez-vous",
    Status.CLOSED: "Clore les inscriptions",
    Status.DRAFT: "Repasser en brouillon",
}


@login_required
@require_http_methods(["GET", "POST"])
def change_status(request: HttpRequest, slug: str) -> HttpResponse:
    event = _managed_event(request, slug)
    allowed = [(s, STATUS_ACTIONS[s]) for s in Status if s in EVENT_TRANSITIONS[event.status]]
    error = ""
    if request.method == "POST":
        try:
            services.change_status(
                actor=request.user,
                event=event,
                to=request.POST.get("to", ""),
                note=request.POST.get("note", "")[:300],
            )
        except (ValidationError, KeyError, ValueError) as exc:
            error = " ".join(getattr(exc, "messages", ["Ce changement n'est pas possible."]))
        else:
            messages.success(request, "Le statut du rendez-vous est changé.")
            return redirect("events:manage", slug=event.slug)
    return render(
        request,
        "events/status.html",
        {
            "event": event,
            "allowed": allowed,
            "error": error,
            "transitions": event.transitions.select_related("actor"),
        },
        status=400 if error else 200,
    )


@login_required
def manage(request: HttpRequest, slug: str) -> HttpResponse:
    event = _managed_event(request, slug)
    checkin_token = make_token(CHECKIN_PURPOSE, {"e": event.pk})
    return render(
        request,
        "events/manage.html",
        {
            "event": event,
            "when": services.when_label(event),
            "registered": list(RegistrationQuerySet.registered(event).select_related("structure")),
            "waitlist": list(RegistrationQuerySet.waitlist(event)),
            "pending": event.registrations.filter(state=Registration.State.PENDING).count(),
            "seats_left": services.seats_left(event),
            "checkin_url": request.territory.absolute_url(
                reverse("events:checkin", kwargs={"token": checkin_token})
            ),
            "messages_sent": list(event.messages.all()[:10]),
            "breadcrumbs": [
                ("Agenda", reverse("events:list")),
                (event.title, reverse("events:detail", kwargs={"slug": event.slug})),
                ("Gestion", ""),
            ],
        },
    )


@login_required
def export(request: HttpRequest, slug: str) -> HttpResponse:
    event = _managed_event(request, slug)
    fmt = request.GET.get("format", "csv")
    if fmt not in ("csv", "xlsx", "ods"):
        fmt = "csv"
    rows = [
        [
            r.name,
            r.email,
            r.structure.name if r.structure else r.structure_name,
            r.get_state_display(),
            r.sequence,
            "oui" if r.attended else "non",
            *[r.answers.get(q, "") for q in event.questions],
        ]
        for r in RegistrationQuerySet.active(event).order_by("state", "sequence")
    ]
    return export_response(
        headers=["Nom", "Adresse électronique", "Structure", "État", "Ordre", "Présent", *event.questions],
        rows=rows,
        filename=f"inscrits-{event.slug}",
        fmt=fmt,
        delimiter=";" if fmt == "csv" else ",",
        title="Inscrits",
        personal_data=PersonalDataLog(
            actor=request.user, territory=request.territory, what=f"Inscrits au rendez-vous « {event.title} »"
        ),
    )


@login_required
def signin_sheet(request: HttpRequest, slug: str) -> HttpResponse:
    event = _managed_event(request, slug)
    data = pdf.render_pdf(
        "events/pdf/signin_sheet.html",
        {
            "event": event,
            "when": services.when_label(event),
            "registered": RegistrationQuerySet.registered(event).select_related("structure"),
            "blank_rows": range(8),
            "territory": request.territory,
        },
    )
    return pdf.pdf_response(data, f"emargement-{event.slug}.pdf")


@login_required
def attestation(request: HttpRequest, slug: str, registration_id: int) -> HttpResponse:
    event = _managed_event(request, slug)
    registration = get_object_or_404(Registration, pk=registration_id, event=event, attended=True)
    duration = event.end - event.start
    data = pdf.render_pdf(
        "events/pdf/attestation.html",
        {
            "event": event,
            "registration": registration,
            "when": services.when_label(event),
            "hours": round(duration.total_seconds() / 3600, 1),
            "territory": request.territory,
            "today": timezone.localdate(),
        },
    )
    return pdf.pdf_response(data, f"attestation-{event.slug}-{registration.pk}.pdf")


@require_http_methods(["GET", "POST"])
def checkin(request: HttpRequest, token: str) -> HttpResponse:
    """The tablet at the door: a time-limited link (no sign-in), search by name, or type a registration
    code."""
    try:
        payload = read_token(CHECKIN_PURPOSE, token, CHECKIN_MAX_AGE)
    except TokenError as exc:
        return render(request, "events/checkin_error.html", {"error_message": str(exc)}, status=410)
    event = get_object_or_404(Event, pk=payload.get("e"), territory=request.territory)
    notice = ""
    if request.method == "POST":
        code = request.POST.get("code", "").strip().upper()
        registration_id = request.POST.get("registration")
        qs = Registration.objects.filter(event=event, state=Registration.State.REGISTERED)
        found = (
            qs.filter(checkin_code=code).first()
            if code
            else qs.filter(pk=registration_id).first()
            if registration_id and registration_id.isdigit()
            else None
        )
        if found is None:
            notice = "Aucune inscription ne correspond à ce code."
        else:
            services.check_in(actor=None, registration=found, attended=request.POST.get("undo") != "1")
            done = "présence enregistrée" if request.POST.get("undo") != "1" else "présence retirée"
            notice = f"{found.display_name} : {done}."
    query = request.GET.get("q", "").strip()
    registered = RegistrationQuerySet.registered(event)
    if query:
        registered = registered.filter(name__icontains=query)
    response = render(
        request,
        "events/checkin.html",
        {
            "event": event,
            "registered": registered[:200],
            "query": query,
            "notice": notice,
            "when": services.when_label(event),
            "present": event.registrations.filter(attended=True).count(),
            "total": RegistrationQuerySet.registered(event).count(),
        },
    )
    # same-origin, never no-referrer: the page's forms would post `Origin: null` and fail the CSRF check.
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def message(request: HttpRequest, slug: str) -> HttpResponse:
    event = _managed_event(request, slug)
    form = MessageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            sent = services.send_message(actor=request.user, event=event, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"Le message part vers {sent.recipients_count} inscrit(s).")
            return redirect("events:manage", slug=event.slug)
    return render(request, "events/message.html", {"form": form, "event": event})


@login_required
@require_http_methods(["GET", "POST"])
def report(request: HttpRequest, slug: str) -> HttpResponse:
    event = _managed_event(request, slug)
    form = ReportForm(
        request.POST if request.POST.get("action") == "report" else None,
        initial={"report": event.report, "publish": bool(event.report_published_at)},
    )
    photo_form = PhotoForm(
        request.POST if request.POST.get("action") == "photo" else None, request.FILES or None
    )
    if request.method == "POST":
        try:
            if request.POST.get("action") == "photo" and photo_form.is_valid():
                services.add_photo(actor=request.user, event=event, **photo_form.cleaned_data)
                messages.success(request, "La photo est ajoutée.")
                return redirect("events:report", slug=event.slug)
            if request.POST.get("action") == "report" and form.is_valid():
                services.save_report(actor=request.user, event=event, **form.cleaned_data)
                messages.success(request, "Le compte rendu est enregistré.")
                return redirect("events:report", slug=event.slug)
        except ValidationError as exc:
            (photo_form if request.POST.get("action") == "photo" else form).add_error(None, exc)
    registered = RegistrationQuerySet.registered(event)
    structures = (
        registered.filter(attended=True)
        .exclude(structure_name="")
        .values("structure_name")
        .annotate(n=Count("pk"))
        .order_by("-n", "structure_name")
    )
    return render(
        request,
        "events/report.html",
        {
            "event": event,
            "form": form,
            "photo_form": photo_form,
            "photos": event.photos.all(),
            "registered_count": registered.count(),
            "attended_count": registered.filter(attended=True).count(),
            "structures": structures,
            "is_future": event.start > timezone.now(),
        },
    )


# --- campaigns and programme -----------------------------------------------------------------------------


def campaign(request: HttpRequest, slug: str) -> HttpResponse:
    item = get_object_or_404(Campaign, territory=request.territory, slug=slug)
    events = (
        _visible(request)
        .filter(campaign=item, campaign_validated=True)
        .select_related("commune")
        .order_by("start")
    )
    can_animate = request.user.has_perm("events.animate_agenda", request.territory)
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
            "points": _map_points(events),
            "proposals": proposals,
            "can_animate": can_animate,
            "can_propose": item.proposals_open
            and request.user.has_perm("events.propose_event", request.territory),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def propose(request: HttpRequest, slug: str) -> HttpResponse:
    item = get_object_or_404(Campaign, territory=request.territory, slug=slug, proposals_open=True)
    if not request.user.has_perm("events.propose_event", request.territory):
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


def _quarter(value: str | None) -> tuple[int, int]:
    today = timezone.localdate()
    try:
        year_text, q_text = (value or "").upper().split("-T")
        year, quarter = int(year_text), int(q_text)
        if 1 <= quarter <= 4 and 2000 <= year <= 2100:
            return year, quarter
    except ValueError:
        pass
    return today.year, (today.month - 1) // 3 + 1


def _programme_context(request: HttpRequest, quarter_text: str | None) -> dict[str, Any]:
    year, quarter = _quarter(quarter_text)
    first = dt.date(year, 3 * (quarter - 1) + 1, 1)
    after = dt.date(year + (quarter == 4), (3 * quarter) % 12 + 1, 1)
    start = dt.datetime.combine(first, dt.time.min, tzinfo=PARIS)
    end = dt.datetime.combine(after, dt.time.min, tzinfo=PARIS)
    events = (
        EventQuerySet.public_agenda(request.territory)
        .filter(start__gte=start, start__lt=end)
        .exclude(status=Status.CANCELLED)
        .select_related("commune")
        .prefetch_related("hosts")
        .order_by("start")
    )
    months: dict[str, list[Event]] = {}
    for event in events:
        local = timezone.localtime(event.start, PARIS)
        months.setdefault(f"{MONTHS_FR[local.month - 1]} {local.year}", []).append(event)
    prev_q = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    next_q = (year, quarter + 1) if quarter < 4 else (year + 1, 1)
    return {
        "year": year,
        "quarter": quarter,
        "code": f"{year}-T{quarter}",
        "months": [(name, [(e, services.when_label(e)) for e in items]) for name, items in months.items()],
        "previous": f"{prev_q[0]}-T{prev_q[1]}",
        "following": f"{next_q[0]}-T{next_q[1]}",
        "territory": request.territory,
    }


def programme(request: HttpRequest) -> HttpResponse:
    context = _programme_context(request, request.GET.get("trimestre"))
    context["breadcrumbs"] = [("Agenda", reverse("events:list")), ("Programme du trimestre", "")]
    return render(request, "events/programme.html", context)


def programme_pdf(request: HttpRequest) -> HttpResponse:
    context = _programme_context(request, request.GET.get("trimestre"))
    return pdf.pdf_response(
        pdf.render_pdf("events/pdf/programme.html", context), f"programme-{context['code']}.pdf"
    )
