"""iCalendar (RFC 5545) feeds: one event, the whole agenda, any filtered view.

Every shown event — an occurrence of a series too — is its own VEVENT, with its own place (LOCATION, GEO),
its own page (URL) and the UID `event-<pk>@<host>`, the same in the event's .ics and in every feed: a
person who added one date and subscribes to the agenda sees it once. Occurrences are not folded under a
master RRULE: each Rendez-vous has its own host, place and page, and a filtered feed (a commune, a
structure) must hold only its matching dates, which a rule expanded by the client cannot promise. DTSTART
and DTEND are in Europe/Paris with its VTIMEZONE. DESCRIPTION is plain text (the Markdown is rendered, then
its tags removed). Feeds cover a window (3 months back, 12 months ahead).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import re

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Max, QuerySet
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar
from icalendar import Event as VEvent

from maillage.core.models import Territory
from maillage.core.text import render_markdown
from maillage.events.models import Event, Status
from maillage.events.recurrence import PARIS

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


_LINK = re.compile(r'<a [^>]*href="([^"]*)"[^>]*>(.*?)</a>', re.DOTALL)
_LINE_END = re.compile(r"<br\s*/?>|</(?:li|tr)>")
_BLOCK_END = re.compile(r"</(?:p|h[2-4]|blockquote|pre|ul|ol|table)>")
_TAG = re.compile(r"<[^>]+>")
_BLOCK_SPACE = re.compile(r"(</?(?:p|ul|ol|li|h[2-4]|blockquote|pre|table|thead|tbody|tr)>)\s+")


def plain_text(markdown: str) -> str:
    """A Markdown text as plain text: paragraphs on their own lines, list items with a dash, a link as
    « its text (its address) », no markup left."""
    rendered = _BLOCK_SPACE.sub(r"\1", str(render_markdown(markdown or "")))

    def link(match: re.Match[str]) -> str:
        href, label = html.unescape(match.group(1)), _TAG.sub("", match.group(2))
        return label if html.unescape(label) == href else f"{label} ({href})"

    text = _LINK.sub(link, rendered)
    text = text.replace("<li>", "- ")
    text = _TAG.sub("", _BLOCK_END.sub("\n\n", _LINE_END.sub("\n", text)))
    lines = [" ".join(line.split()) for line in html.unescape(text).splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _event_url(event: Event) -> str:
    return event.territory.absolute_url(reverse("events:detail", kwargs={"slug": event.slug}))


def _host(territory: Territory) -> str:
    return territory.canonical_host or "maillage"


def event_uid(event: Event) -> str:
    """The event's UID, the same in its own .ics and in every feed."""
    return f"event-{event.pk}@{_host(event.territory)}"


def event_vevent(event: Event) -> VEvent:
    url = _event_url(event)
    vevent = VEvent()
    vevent.add("uid", event_uid(event))
    vevent.add("dtstamp", event.updated_at or timezone.now())
    vevent.add("dtstart", _local(event.start))
    vevent.add("dtend", _local(event.end))
    vevent.add("summary", event.title)
    description = plain_text(event.description)
    vevent.add("description", f"{description}\n\n{url}" if description else url)
    if event.place_label:
        vevent.add("location", event.place_label)
    if event.online_url and event.mode != "in_person":
        vevent.add("x-online-url", event.online_url)
    coordinates = event.coordinates
    if coordinates:
        vevent.add("geo", coordinates)
    vevent.add("url", url)
    vevent.add("status", "CANCELLED" if event.status == Status.CANCELLED else "CONFIRMED")
    vevent.add("last-modified", event.updated_at or timezone.now())
    return vevent


def single_event_ics(event: Event) -> bytes:
    cal = _calendar(event.territory, event.title)
    cal.add_component(event_vevent(event))
    cal.add_missing_timezones()
    return cal.to_ical()


def feed_ics(territory: Territory, events: QuerySet[Event], *, name: str) -> bytes:
    """The feed of `events` (already filtered and windowed): one VEVENT each."""
    cal = _calendar(territory, name)
    for event in events.select_related("territory", "commune"):
        cal.add_component(event_vevent(event))
    cal.add_missing_timezones()
    return cal.to_ical()


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
