"""The public agenda: list, map markers, month, event page, iCalendar feeds, quarterly programme."""

from __future__ import annotations

import calendar as pycalendar
import datetime as dt

from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from maillage.core.geo import BBox
from maillage.events import calendars, pdf, permissions, services
from maillage.events.jsonld import event_jsonld
from maillage.events.models import Event, Registration
from maillage.events.recurrence import PARIS, summary_fr
from maillage.events.selectors import (
    MONTHS_FR,
    filter_choices,
    filtered,
    map_points,
    markers_in,
    period,
    programme_context,
    qr_svg,
    querystring,
)
from maillage.events.views.common import _event_or_404, _visible


def agenda(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    base = _visible(request).select_related("commune").prefetch_related("hosts")
    form, qs = filtered(request, base)
    past, qs = period(request, qs, now)
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)  # evaluated once
    markers_query = querystring(request, "page", "bbox")
    return render(
        request,
        "events/agenda.html",
        {
            "page": page,
            "filters": form,
            "choices": filter_choices(request.territory, form),
            "past": past,
            # the map loads every event matching the filters (not only this page's) from markers_url
            "markers_url": reverse("events:markers") + (f"?{markers_query}" if markers_query else ""),
            "querystring": querystring(request, "page", "periode"),
            "feed_url": reverse("events:feed")
            + (
                "?" + querystring(request, "page", "periode")
                if querystring(request, "page", "periode")
                else ""
            ),
            "can_animate": permissions.can_animate(request.user, request.territory),
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
    _form, qs = filtered(request, _visible(request))
    _past, qs = period(request, qs, timezone.now())
    rows, truncated = markers_in(qs, bbox)
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
    form, qs = filtered(request, _visible(request))
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
            "choices": filter_choices(request.territory, form),
            "querystring": querystring(request, "mois"),
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
            event.registrations.waitlist().filter(sequence__lt=registration.sequence).count() + 1
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
            "can_manage": permissions.can_manage_event(request.user, event),
            "series_summary": summary_fr(event.series.rrule, event.series.first_start)
            if event.series_id
            else "",
            "photos": list(event.photos.all()) if event.report_published_at else [],
            "attendance": event.registrations.filter(attended=True).count()
            if event.report_published_at
            else 0,
            "points": map_points([event]),
            "show_online_link": bool(event.online_url)
            and (
                (registration is not None and registration.state == Registration.State.REGISTERED)
                or permissions.can_manage_event(request.user, event)
            ),
            "qr_svg": qr_svg(registration.checkin_code)
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
    _filters_used, qs = filtered(request, Event.objects.public_agenda(request.territory))
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


def programme(request: HttpRequest) -> HttpResponse:
    context = programme_context(request, request.GET.get("trimestre"))
    context["breadcrumbs"] = [("Agenda", reverse("events:list")), ("Programme du trimestre", "")]
    return render(request, "events/programme.html", context)


def programme_pdf(request: HttpRequest) -> HttpResponse:
    context = programme_context(request, request.GET.get("trimestre"))
    return pdf.pdf_response(
        pdf.render_pdf("events/pdf/programme.html", context), f"programme-{context['code']}.pdf"
    )
