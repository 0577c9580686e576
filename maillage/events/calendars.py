"""iCalendar (RFC 5545) feeds: one event, the whole agenda, any filtered view.

A series is written once, as a master VEVENT with its RRULE (DTSTART in Europe/Paris, VTIMEZONE included);
its materialised occurrences that are not shown (cancelled, draft, filtered out) become EXDATE, and those
that differ from the rule (moved, another place or host) become overrides with RECURRENCE-ID. Standalone
events are plain VEVENTs. Feeds cover a window (3 months back, 12 months ahead).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Iterable

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Max, QuerySet
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, vRecur
from icalendar import Event as VEvent

from maillage.core.models import Territory
from maillage.events.models import Event, Series, Status
from maillage.events.recurrence import PARIS, parse_parts

WINDOW_BEFORE = dt.timedelta(days=92)
WINDOW_AFTER = dt.timedelta(days=366)
PRODID = "-//Maillage//Agenda ESS//FR"


def window(now: dt.datetime | None = None) -> tuple[dt.datetime, dt.datetime]:
    now = now or timezone.now()
    return now - WINDOW_BEFORE, now + WINDOW_AFTER


def _calendar(territory: Territory, name: str) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Europe/Paris")
    return cal


def _local(value: dt.datetime) -> dt.datetime:
    return value.astimezone(PARIS)


def _describe(vevent: VEvent, event: Event | Series, url: str) -> None:
    vevent.add("summary", event.title)
    if event.description:
        vevent.add("description", f"{event.description}\n\n{url}")
    else:
        vevent.add("description", url)
    if event.place_label:
        vevent.add("location", event.place_label)
    if event.online_url and event.mode != "in_person":
        vevent.add("x-online-url", event.online_url)
    coordinates = event.coordinates
    if coordinates:
        vevent.add("geo", coordinates)


def _event_url(event: Event) -> str:
    return event.territory.absolute_url(reverse("events:detail", kwargs={"slug": event.slug}))


def _host(territory: Territory) -> str:
    return territory.canonical_host or "maillage"


def event_vevent(event: Event, *, uid: str | None = None, recurrence_id: dt.datetime | None = None) -> VEvent:
    vevent = VEvent()
    vevent.add("uid", uid or f"event-{event.pk}@{_host(event.territory)}")
    vevent.add("dtstamp", event.updated_at or timezone.now())
    if recurrence_id is not None:
        vevent.add("recurrence-id", _local(recurrence_id))
    vevent.add("dtstart", _local(event.start))
    vevent.add("dtend", _local(event.end))
    _describe(vevent, event, _event_url(event))
    vevent.add("url", _event_url(event))
    vevent.add("status", "CANCELLED" if event.status == Status.CANCELLED else "CONFIRMED")
    vevent.add("last-modified", event.updated_at or timezone.now())
    return vevent


def single_event_ics(event: Event) -> bytes:
    cal = _calendar(event.territory, event.title)
    cal.add_component(event_vevent(event))
    cal.add_missing_timezones()
    return cal.to_ical()


def _differs(event: Event, series: Series) -> bool:
    return (
        event.is_override
        or event.start != event.recurrence_id
        or event.end - event.start != series.duration
        or event.title != series.title
        or event.status == Status.CANCELLED
    )


def feed_ics(
    territory: Territory,
    events: QuerySet[Event],
    *,
    name: str,
    span: tuple[dt.datetime, dt.datetime] | None = None,
) -> bytes:
    """The feed of `events` (already filtered and windowed). Occurrences of a series are grouped under its
    master VEVENT; the series' materialised dates missing from `events` become EXDATE."""
    cal = _calendar(territory, name)
    by_series: dict[int, list[Event]] = defaultdict(list)
    for event in events.select_related("territory", "commune", "series"):
        if event.series_id:
            by_series[event.series_id].append(event)
        else:
            cal.add_component(event_vevent(event))
    series_map = {
        s.pk: s for s in Series.objects.filter(pk__in=by_series).select_related("territory", "commune")
    }
    all_dates: dict[int, list[dt.datetime]] = defaultdict(list)
    materialised = Event.objects.filter(series__in=by_series)
    if span is not None:
        materialised = materialised.filter(recurrence_id__gte=span[0], recurrence_id__lte=span[1])
    for series_id, recurrence_id in materialised.values_list("series_id", "recurrence_id"):
        all_dates[series_id].append(recurrence_id)
    for series_id, shown in by_series.items():
        series = series_map[series_id]
        for component in series_components(series, shown, all_dates[series_id]):
            cal.add_component(component)
    cal.add_missing_timezones()
    return cal.to_ical()


def ics_rule(rule: str) -> str:
    """Our rule as RFC 5545 wants it beside a DTSTART with TZID: UNTIL in UTC (ours is local wall time)."""
    parts = parse_parts(rule)
    until = parts.get("UNTIL")
    if until and not until.endswith("Z"):
        fmt = "%Y%m%dT%H%M%S" if "T" in until else "%Y%m%d"
        local = dt.datetime.strptime(until, fmt)
        if "T" not in until:
            local = local.replace(hour=23, minute=59, second=59)
        parts["UNTIL"] = local.replace(tzinfo=PARIS).astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    return ";".join(f"{k}={v}" for k, v in parts.items())


def series_components(
    series: Series, shown: Iterable[Event], materialised: Iterable[dt.datetime]
) -> list[VEvent]:
    shown = list(shown)
    uid = f"{series.uid}@{_host(series.territory)}"
    master = VEvent()
    master.add("uid", uid)
    master.add("dtstamp", series.updated_at or timezone.now())
    master.add("dtstart", _local(series.first_start))
    master.add("dtend", _local(series.first_start + series.duration))
    master.add("rrule", vRecur.from_ical(ics_rule(series.rrule)))
    first_url = _event_url(shown[0]) if shown else series.territory.absolute_url(reverse("events:list"))
    _describe(master, series, first_url)
    master.add("url", first_url)
    master.add("status", "CONFIRMED")
    shown_ids = {e.recurrence_id for e in shown if e.status != Status.CANCELLED}
    excluded = sorted(r for r in materialised if r not in shown_ids)
    for recurrence_id in excluded:
        master.add("exdate", _local(recurrence_id))
    components = [master]
    for event in shown:
        if event.status != Status.CANCELLED and _differs(event, series):
            components.append(event_vevent(event, uid=uid, recurrence_id=event.recurrence_id))
    return components


VERSION_TTL = 60  # seconds: the longest a feed can lag behind an edit made outside the services (admin)


def _version_key(territory_id: int) -> str:
    return f"events:agenda-version:{territory_id}"


def agenda_version(territory: Territory) -> str:
    """A fingerprint of the territory's whole agenda (last change, count), kept in the shared cache.

    Services forget it when they change an event (`forget_version`, on commit), so a feed's ETag changes at
    once; a change made elsewhere (the admin) shows after `VERSION_TTL` seconds at most.
    """
    key = _version_key(territory.pk)
    version = cache.get(key)
    if version is None:
        stats = Event.objects.filter(territory=territory).aggregate(
            last=Max("updated_at"), n=Count("pk"), series_last=Max("series__updated_at")
        )
        version = hashlib.sha256(f"{stats['last']}|{stats['n']}|{stats['series_last']}".encode()).hexdigest()[
            :16
        ]
        cache.set(key, version, VERSION_TTL)
    return version


def forget_version(territory_id: int) -> None:
    transaction.on_commit(lambda: cache.delete(_version_key(territory_id)))


def feed_etag(territory: Territory, key: str) -> str:
    """The ETag of a feed: the agenda's version and the feed's own filter and window."""
    raw = f"{agenda_version(territory)}|{key}"
    return '"' + hashlib.sha256(raw.encode()).hexdigest()[:32] + '"'
