"""The demo's self-assessment (Pays de Grasse): the default grid, two closed campaigns (the last two
years) answered by 40 published structures — most of them improving from one year to the next, some
sharing their results on their profile —, and this year's campaign open, where a few have started. The
Ressourcerie's manager has not started yet: the demo's « fill the grid » journey starts there, pre-filled
from last year. Everything goes through the services."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from maillage.actors.models import Structure
from maillage.assessment import services
from maillage.assessment.answers import answers_for
from maillage.assessment.models import Campaign
from maillage.assessment.services.sheets import grid_questions
from maillage.core.actors import Actor, system
from maillage.core.models import Territory

DEMO = system("données de démonstration")
STRUCTURES = 40
KEEP_FOR_JOURNEY = "la-ressourcerie-du-pays-de-grasse"


def load(*, today: dt.date, context: dict[str, Any], **_: Any) -> None:
    territory = Territory.objects.filter(slug="pays-de-grasse").first()
    if territory is None or Campaign.objects.filter(territory=territory).exists():
        return
    animator: Actor = context.get("demo_accounts", {}).get("animator") or DEMO
    services.install_default_grid(actor=animator, territory=territory)
    structures = list(
        Structure.objects.filter(territory=territory, status="published").order_by("pk")[:STRUCTURES]
    )
    rng = random.Random(2014)
    base = {s.pk: rng.uniform(0.3, 0.8) for s in structures}
    for offset in (2, 1):
        year = today.year - offset
        campaign = services.open_campaign(
            actor=animator, territory=territory, year=year, notify_managers=False
        )
        questions = grid_questions(campaign)
        for i, structure in enumerate(structures):
            if offset == 2 and i % 8 == 7:
                continue  # a few joined in the second year
            level = base[structure.pk] + (0.08 if offset == 1 else 0.0)
            sheet = services.start_sheet(actor=DEMO, campaign=campaign, structure=structure)
            raw = answers_for(questions, level=level, seed=structure.pk * 10 + offset)
            services.submit_sheet(actor=DEMO, sheet=sheet, raw=raw)
            if offset == 1 and (i % 4 == 0 or level > 0.75) and structure.slug != KEEP_FOR_JOURNEY:
                services.set_sharing(actor=DEMO, sheet=sheet, shared=True)
        services.close_campaign(actor=animator, campaign=campaign)
    current = services.open_campaign(
        actor=animator, territory=territory, year=today.year, notify_managers=False
    )
    questions = grid_questions(current)
    for structure in structures[5:12]:
        sheet = services.start_sheet(actor=DEMO, campaign=current, structure=structure)
        raw = answers_for(questions, level=base[structure.pk] + 0.1, seed=structure.pk)
        if structure.pk % 2:
            services.submit_sheet(actor=DEMO, sheet=sheet, raw=raw)
        else:
            services.save_answers(actor=DEMO, sheet=sheet, raw=dict(list(raw.items())[:6]))
