"""schema.org `Event` JSON-LD for an event page, escaped for a <script> element."""

from __future__ import annotations

import json
from typing import Any

from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from maillage.events.models import Event, Mode, Status

# Same escapes as Django's json_script: nothing in the data can close the <script> element.
_ESCAPES = {
    ord(">"): "\\u003E",
    ord("<"): "\\u003C",
    ord("&"): "\\u0026",
    0x2028: "\\u2028",
    0x2029: "\\u2029",
}

_ATTENDANCE = {
    Mode.IN_PERSON: "https://schema.org/OfflineEventAttendanceMode",
    Mode.ONLINE: "https://schema.org/OnlineEventAttendanceMode",
    Mode.HYBRID: "https://schema.org/MixedEventAttendanceMode",
}


def event_data(event: Event) -> dict[str, Any]:
    url = event.territory.absolute_url(reverse("events:detail", kwargs={"slug": event.slug}))
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": event.title,
        "startDate": event.start.isoformat(),
        "endDate": event.end.isoformat(),
        "url": url,
        "eventAttendanceMode": _ATTENDANCE[Mode(event.mode)],
        "eventStatus": "https://schema.org/EventCancelled"
        if event.status == Status.CANCELLED
        else "https://schema.org/EventScheduled",
        "isAccessibleForFree": True,
        "inLanguage": "fr",
    }
    if event.description:
        data["description"] = event.description[:500]
    locations: list[dict[str, Any]] = []
    if event.mode != Mode.ONLINE:
        place: dict[str, Any] = {"@type": "Place", "name": event.venue or event.place_label}
        address: dict[str, Any] = {"@type": "PostalAddress", "addressCountry": "FR"}
        if event.address:
            address["streetAddress"] = event.address
        if event.commune_id:
            address["addressLocality"] = event.commune.name
        place["address"] = address
        if event.coordinates:
            place["geo"] = {
                "@type": "GeoCoordinates",
                "latitude": event.coordinates[0],
                "longitude": event.coordinates[1],
            }
        locations.append(place)
    if event.mode != Mode.IN_PERSON and event.online_url:
        locations.append({"@type": "VirtualLocation", "url": event.online_url})
    if locations:
        data["location"] = locations[0] if len(locations) == 1 else locations
    organizers = [{"@type": "Organization", "name": s.name} for s in event.hosts.all()]
    if organizers:
        data["organizer"] = organizers
    return data


def event_jsonld(event: Event) -> SafeString:
    text = json.dumps(event_data(event), ensure_ascii=False).translate(_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', SafeString(text))
