"""What the speed-meetings offer the house through the registry: metrics for the plan, a link target, the
lettre's block (the next speed-meeting open for wishes), the personal-data hook."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.html import escape

from maillage.core.actors import system
from maillage.core.models import Territory
from maillage.core.registry import ContentBlock
from maillage.core.text import long_date
from maillage.matchmaking.models import FollowUp, Outcome, Slot, SpeedMeeting
from maillage.matchmaking.services import erase_person, export_person


def _slots(territory: Territory, start: dt.date, end: dt.date):
    return Slot.objects.filter(
        run__is_current=True,
        run__meeting__territory=territory,
        run__meeting__event__start__date__gte=start,
        run__meeting__event__start__date__lte=end,
    )


def count_meetings(territory: Territory, start: dt.date, end: dt.date) -> int:
    """Meetings scheduled at speed-meetings held in the period."""
    return _slots(territory, start, end).count()


def count_follow_ups(territory: Territory, start: dt.date, end: dt.date) -> int:
    """Meetings of the period that led somewhere (a contract, a partnership, a visit, a « vis ma vie »), as
    recorded by either participant; a meeting counts once."""
    led = FollowUp.objects.exclude(outcome=Outcome.NOTHING).values("slot_id")
    return _slots(territory, start, end).filter(pk__in=led).count()


def count_contracts(territory: Territory, start: dt.date, end: dt.date) -> int:
    led = FollowUp.objects.filter(outcome=Outcome.CONTRACT).values("slot_id")
    return _slots(territory, start, end).filter(pk__in=led).count()


def meeting_choices(territory: Territory) -> list[tuple[int, str]]:
    return [(m.pk, m.title) for m in SpeedMeeting.objects.of_territory(territory).exclude(status="draft")]


def meeting_url(meeting: SpeedMeeting) -> str:
    return reverse("matchmaking:detail", kwargs={"pk": meeting.pk})


def open_meetings_block(
    *, territory: Territory, since: Any, options: Any = None, **_: Any
) -> ContentBlock | None:
    meetings = list(
        SpeedMeeting.objects.of_territory(territory).filter(status="open").select_related("event")
    )
    if not meetings:
        return None
    items = [(m, territory.absolute_url(meeting_url(m))) for m in meetings]
    html = (
        "<ul>"
        + "".join(
            f'<li><a href="{escape(url)}">{escape(m.title)}</a> — le {escape(long_date(m.event.start))}, '
            f"vœux jusqu'au {escape(long_date(m.wishes_deadline))}</li>"
            for m, url in items
        )
        + "</ul>"
    )
    text = "\n".join(f"- {m.title}, le {long_date(m.event.start)} : {url}" for m, url in items)
    return ContentBlock(title="Speed-meetings : dites qui vous voulez rencontrer", html=html, text=text)


def export_participations(user: Any) -> dict[str, Any]:
    return {"speed_meetings": export_person(user)}


def erase_participations(user: Any, *, replacement: Any | None = None) -> None:
    erase_person(actor=system("effacement des données personnelles"), user=user)
