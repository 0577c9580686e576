"""Screenshots of the speed-meeting and « vis ma vie » pages for the guide (docs/guide/img/), taken from the
demo data (the demo loaders up to the matchmaking one, run here as `make demo` runs them): Léa Fabre's agenda
of the past speed-meeting and her « vis ma vie » pair, Nadia Benali's wishes for the next speed-meeting, the
animation's pages. Nothing is asserted on their looks, only that each page answers."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.utils import timezone

from maillage.accounts.models import User
from maillage.core.registry import registry
from maillage.matchmaking.demo import NEXT_TITLE, PAST_TITLE
from maillage.matchmaking.demo_exchanges import OPEN_TITLE
from maillage.matchmaking.demo_exchanges import PAST_TITLE as PAST_CAMPAIGN
from maillage.matchmaking.models import Exchange, ExchangeCampaign, SpeedMeeting

pytestmark = pytest.mark.browser
GUIDE_IMG = Path(__file__).resolve().parents[2] / "docs" / "guide" / "img"
LOADERS = {"core", "accounts", "actors_demo_managers", "events", "matchmaking_demo"}


def load_demo() -> None:
    context: dict = {}
    for loader in registry.ordered_demo_loaders():
        if loader.order <= 60 and loader.key in LOADERS:
            loader.load(today=timezone.localdate(), context=context)


def test_matchmaking_screenshots(new_context, territory, animator):
    load_demo()
    lea = User.objects.get(email="lea.jardins@demo.maillage.fr")
    nadia = User.objects.get(email="nadia.acheteuse@demo.maillage.fr")
    past = SpeedMeeting.objects.get(title=PAST_TITLE)
    upcoming = SpeedMeeting.objects.get(title=NEXT_TITLE)
    run = past.runs.get(is_current=True)
    campaign = ExchangeCampaign.objects.get(title=PAST_CAMPAIGN)
    spring = ExchangeCampaign.objects.get(title=OPEN_TITLE)
    pair = Exchange.objects.get(campaign=campaign, a__user=lea)
    shots = [
        (nadia, "voeux", f"/rencontres/{upcoming.pk}/voeux/", (360,)),
        (lea, "planning", f"/rencontres/{past.pk}/mon-planning/", (360,)),
        (lea, "direct", f"/rencontres/{past.pk}/direct/?tour=1", (360,)),
        (animator, "calcul", f"/rencontres/{past.pk}/organisation/calculs/{run.pk}/", (1280,)),
        (nadia, "vis-ma-vie", f"/rencontres/vis-ma-vie/{campaign.pk}/", (1280,)),
        (nadia, "vis-ma-vie-volontaire", f"/rencontres/vis-ma-vie/{spring.pk}/volontaire/", (360,)),
        (lea, "vis-ma-vie-binome", f"/rencontres/vis-ma-vie/binomes/{pair.pk}/", (360,)),
        (animator, "vis-ma-vie-organisation", f"/rencontres/vis-ma-vie/{campaign.pk}/organisation/", (1280,)),
    ]
    for user, name, path, widths in shots:
        for width in widths:
            page = new_context(user=user, viewport={"width": width, "height": 800}).new_page()
            response = page.goto(path)
            assert response is not None and response.status == 200, path
            page.screenshot(path=str(GUIDE_IMG / f"rencontres-{name}-{width}.png"), full_page=True)
