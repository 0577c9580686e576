"""The public agenda: list, map markers, month, event page, iCalendar feeds, quarterly programme."""

from __future__ import annotations

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from maillage.core.geo import BBox
from maillage.events import calendars, pdf
from maillage.events.models import Event
from maillage.events.selectors import (
    agenda_context,
    detail_context,
    filtered,
    markers_in,
    month_context,
    period,
    programme_context,
)
from maillage.events.views.common import _event_or_404, _visible


def agenda(request: HttpRequest) -> HttpResponse:
    return render(request, "events/agenda.html", agenda_context(request, _visible(request)))


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
    return render(request, "events/month.html", month_context(request, _visible(request)))


def detail(request: HttpRequest, slug: str) -> HttpResponse:
    return render(request, "events/detail.html", detail_context(request, _event_or_404(request, slug)))


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
