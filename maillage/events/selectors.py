"""Reads that build the agenda's pages (views stay thin): filters, map markers, page contexts."""

from __future__ import annotations

import calendar as pycalendar
import datetime as dt
from typing import Any

import qrcode
import qrcode.image.svg
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst

from maillage.actors.models import Structure
from maillage.core.geo import BBox
from maillage.core.models import Commune
from maillage.events import permissions, services
from maillage.events.jsonld import event_jsonld
from maillage.events.models import Event, Kind, Registration, Status
from maillage.events.querysets import EventQuerySet
from maillage.events.recurrence import PARIS, summary_fr

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


MARKERS_LIMIT = 2000


DAYS_FR = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]


def filters_from(request: HttpRequest) -> dict[str, str]:
    """The agenda's filters from the query string (shared by the pages and the ICS feeds)."""
    get = request.GET
    return {
        "q": get.get("q", "").strip()[:100],
        "kind": get.get("kind", "") if get.get("kind", "") in Kind.values else "",
        "commune": get.get("commune", "").strip()[:10],
        "structure": get.get("structure", "").strip()[:120],
    }


def filtered(request: HttpRequest, qs):
    filters = filters_from(request)
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


def options_html(pairs, selected: str) -> SafeString:
    """<option> elements built in Python (one template node instead of one per option: long lists stay
    fast)."""
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((v, mark_safe(" selected") if v == selected else "", label) for v, label in pairs),
    )


def filter_choices(territory, filters: dict[str, str]) -> dict[str, Any]:
    """Options of the filter form (rendered by hand: Django's select widgets are slow with long lists).

    « Structure d'accueil » offers the structures hosting an event of the territory, not every published one:
    the directory's 20,000 made the agenda a 1.2 MB page costing 290 ms of CPU (bench/load/, #22)."""
    communes = (
        Commune.objects.filter(territories=territory).order_by("name").values_list("insee_code", "name")
    )
    hosts = Event.hosts.through.objects.filter(event__territory=territory).values("structure_id")
    structures = (
        Structure.objects.filter(territory=territory, status=Structure.Status.PUBLISHED, pk__in=hosts)
        .order_by("name")
        .values_list("slug", "name")
    )
    return {
        "kinds": options_html(((v, capfirst(str(label))) for v, label in Kind.choices), filters["kind"]),
        "communes": options_html(communes, filters["commune"]),
        "structures": options_html(structures, filters["structure"]),
    }


def querystring(request: HttpRequest, *drop: str) -> str:
    params = request.GET.copy()
    for name in drop:
        params.pop(name, None)
    return params.urlencode()


def map_points(events) -> list[dict[str, Any]]:
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


def marker_when(start: dt.datetime) -> str:
    """« vendredi 4 décembre 2026, 18 h » (Paris time), built by hand: Django's date formatting, with its
    translations looked up for every call, cost most of a 2,000-marker answer."""
    local = start.astimezone(PARIS)
    hour = f"{local.hour} h" if local.minute == 0 else f"{local.hour} h {local.minute:02d}"
    day = "1er" if local.day == 1 else str(local.day)
    return f"{DAYS_FR[local.weekday()]} {day} {MONTHS_FR[local.month - 1]} {local.year}, {hour}"


def period(request: HttpRequest, qs, now: dt.datetime):
    """Upcoming events, or past ones with « ?periode=passes » (the agenda page and its map)."""
    past = request.GET.get("periode") == "passes"
    return past, (qs.past(now) if past else qs.upcoming(now))


def markers_in(qs, bbox: BBox, limit: int | None = None) -> tuple[list[dict[str, Any]], bool]:
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
                "when": marker_when(start),
            }
        )
    return markers, len(rows) > limit


def qr_svg(code: str) -> SafeString:
    """The registration code as an inline SVG QR code (no script, no style: CSP-safe)."""
    image = qrcode.make(code, image_factory=qrcode.image.svg.SvgPathImage, box_size=10)
    svg = image.to_string(encoding="unicode")
    return mark_safe(svg.replace("<svg ", '<svg role="img" aria-label="QR code de votre inscription" ', 1))  # noqa: S308 (generated by qrcode)


def quarter_of(value: str | None) -> tuple[int, int]:
    today = timezone.localdate()
    try:
        year_text, q_text = (value or "").upper().split("-T")
        year, quarter = int(year_text), int(q_text)
        if 1 <= quarter <= 4 and 2000 <= year <= 2100:
            return year, quarter
    except ValueError:
        pass
    return today.year, (today.month - 1) // 3 + 1


def programme_context(request: HttpRequest, quarter_text: str | None) -> dict[str, Any]:
    year, quarter = quarter_of(quarter_text)
    first = dt.date(year, 3 * (quarter - 1) + 1, 1)
    after = dt.date(year + (quarter == 4), (3 * quarter) % 12 + 1, 1)
    start = dt.datetime.combine(first, dt.time.min, tzinfo=PARIS)
    end = dt.datetime.combine(after, dt.time.min, tzinfo=PARIS)
    events = (
        Event.objects.public_agenda(request.territory)
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


# --- page contexts -------------------------------------------------------------------------------------


def agenda_context(request: HttpRequest, visible: EventQuerySet) -> dict[str, Any]:
    """The agenda page: this page of the events matching the filters and the period, and the map's feed."""
    base = visible.select_related("commune").prefetch_related("hosts")
    form, qs = filtered(request, base)
    past, qs = period(request, qs, timezone.now())
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)  # evaluated once
    markers_query = querystring(request, "page", "bbox")
    feed_query = querystring(request, "page", "periode")
    return {
        "page": page,
        "filters": form,
        "choices": filter_choices(request.territory, form),
        "past": past,
        # the map loads every event matching the filters (not only this page's) from markers_url
        "markers_url": reverse("events:markers") + (f"?{markers_query}" if markers_query else ""),
        "querystring": feed_query,
        "feed_url": reverse("events:feed") + (f"?{feed_query}" if feed_query else ""),
        "can_animate": permissions.can_animate(request.user, request.territory),
        "breadcrumbs": [("Accueil", reverse("core:home")), ("Agenda", "")],
    }


def month_context(request: HttpRequest, visible: EventQuerySet) -> dict[str, Any]:
    """The month view (`?mois=AAAA-MM`, this month by default): weeks of days with their events."""
    today = timezone.localdate()
    try:
        year, number = (int(x) for x in request.GET.get("mois", f"{today:%Y-%m}").split("-"))
        first = dt.date(year, number, 1)
    except (ValueError, TypeError):
        first = today.replace(day=1)
    last = first.replace(day=pycalendar.monthrange(first.year, first.month)[1])
    start = dt.datetime.combine(first, dt.time.min, tzinfo=PARIS)
    end = dt.datetime.combine(last, dt.time.max, tzinfo=PARIS)
    form, qs = filtered(request, visible)
    by_day: dict[dt.date, list[Event]] = {}
    for event in qs.filter(start__gte=start, start__lte=end).order_by("start"):
        by_day.setdefault(timezone.localtime(event.start, PARIS).date(), []).append(event)
    weeks = [
        [
            {"date": d, "in_month": d.month == first.month, "events": by_day.get(d, []), "today": d == today}
            for d in week
        ]
        for week in pycalendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    ]
    previous = (first - dt.timedelta(days=1)).replace(day=1)
    following = last + dt.timedelta(days=1)
    return {
        "weeks": weeks,
        "title": f"{MONTHS_FR[first.month - 1]} {first.year}",
        "days": list(
            zip(
                ["Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi", "Samedi", "Dimanche"],
                ["lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim."],
                strict=True,
            )
        ),
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
    }


def detail_context(request: HttpRequest, event: Event) -> dict[str, Any]:
    """The event's page, with the visitor's own registration (its waiting-list rank, its check-in QR code)."""
    registration = None
    if request.user.is_authenticated:
        registration = (
            Registration.objects.filter(event=event)
            .filter(Q(user=request.user) | Q(email__iexact=request.user.email))
            .exclude(state=Registration.State.CANCELLED)
            .first()
        )
    registered = registration is not None and registration.state == Registration.State.REGISTERED
    waitlist_position = None
    if registration and registration.state == Registration.State.WAITLISTED:
        waitlist_position = (
            event.registrations.waitlist().filter(sequence__lt=registration.sequence).count() + 1
        )
    can_manage = permissions.can_manage_event(request.user, event)
    published_report = bool(event.report_published_at)
    return {
        "event": event,
        "hosts": list(event.hosts.all()),
        "registration": registration,
        "waitlist_position": waitlist_position,
        "seats_left": services.seats_left(event),
        "when": services.when_label(event),
        "jsonld": event_jsonld(event),
        "can_manage": can_manage,
        "series_summary": summary_fr(event.series.rrule, event.series.first_start) if event.series_id else "",
        "photos": list(event.photos.all()) if published_report else [],
        "attendance": event.registrations.filter(attended=True).count() if published_report else 0,
        "points": map_points([event]),
        "show_online_link": bool(event.online_url) and (registered or can_manage),
        "qr_svg": qr_svg(registration.checkin_code) if registration is not None and registered else "",
        "breadcrumbs": [
            ("Accueil", reverse("core:home")),
            ("Agenda", reverse("events:list")),
            (event.title, ""),
        ],
    }


def manage_context(request: HttpRequest, event: Event, *, checkin_url: str) -> dict[str, Any]:
    """The organiser's page of an event: who is registered, waiting, pending; the door's check-in link."""
    return {
        "event": event,
        "when": services.when_label(event),
        "registered": list(event.registrations.registered().select_related("structure")),
        "waitlist": list(event.registrations.waitlist()),
        "pending": event.registrations.filter(state=Registration.State.PENDING).count(),
        "seats_left": services.seats_left(event),
        "checkin_url": checkin_url,
        "messages_sent": list(event.messages.all()[:10]),
        "breadcrumbs": [
            ("Agenda", reverse("events:list")),
            (event.title, reverse("events:detail", kwargs={"slug": event.slug})),
            ("Gestion", ""),
        ],
    }
