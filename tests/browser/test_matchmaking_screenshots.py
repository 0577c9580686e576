"""Screenshots of the speed-meeting pages for people to look at (var/screenshots/); nothing is asserted on
their looks, only that each page answers."""

from __future__ import annotations

from pathlib import Path

import pytest

from maillage.core.actors import system
from maillage.matchmaking import services
from tests.matchmaking.factories import make_event, make_meeting

pytestmark = pytest.mark.browser
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
SYS = system("tests")


def test_matchmaking_screenshots(new_context, territory, member, animator):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    meeting = make_meeting(make_event(territory), member)
    mine = meeting.participants.get(user=member)
    others = list(meeting.participants.filter(side="b").order_by("pk"))
    services.save_wishes(actor=member, participant=mine, wished=[others[1].pk, others[0].pk])
    run = services.request_run(actor=SYS, meeting=meeting)
    services.execute_run(actor=SYS, run=run)
    services.transition_meeting(actor=SYS, meeting=meeting, to="closed")
    services.transition_meeting(actor=SYS, meeting=meeting, to="scheduled")
    for width in (360, 1280):
        for user, name, path in (
            (member, "voeux", "voeux/"),
            (member, "planning", "mon-planning/"),
            (member, "direct", "direct/?tour=1"),
            (animator, "calcul", f"organisation/calculs/{run.pk}/"),
            (animator, "organisation", "organisation/"),
        ):
            page = new_context(user=user, viewport={"width": width, "height": 800}).new_page()
            response = page.goto(f"/rencontres/{meeting.pk}/{path}")
            assert response is not None and response.status == 200
            page.screenshot(path=str(SCREENSHOTS / f"rencontres-{name}-{width}.png"), full_page=True)
