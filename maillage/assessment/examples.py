"""Objects the registry's example-URL builders need: the default grid, the 2026 campaign (open) and the
example structure's submitted sheet, made through the services. Idempotent within a test database."""

from __future__ import annotations

from typing import Any

from maillage.assessment import services
from maillage.assessment.answers import answers_for
from maillage.assessment.models import AnswerSheet, Campaign, Question
from maillage.core.actors import system
from maillage.core.registry import ExampleContext

EXAMPLES = system("exemples du registre")
YEAR = 2026


def example_assessment(ctx: ExampleContext) -> dict[str, Any]:
    territory = ctx.territory
    grid = services.install_default_grid(actor=EXAMPLES, territory=territory)
    campaign = Campaign.objects.filter(territory=territory, year=YEAR).first()
    if campaign is None:
        campaign = services.open_campaign(
            actor=EXAMPLES, territory=territory, year=YEAR, notify_managers=False
        )
    sheet = services.start_sheet(actor=EXAMPLES, campaign=campaign, structure=ctx.structure)
    if not sheet.is_submitted:
        questions = services.sheets.grid_questions(campaign)
        sheet = services.submit_sheet(
            actor=EXAMPLES, sheet=sheet, raw=answers_for(questions, level=0.6, seed=1)
        )
    sheet = AnswerSheet.objects.get(pk=sheet.pk)
    question = Question.objects.filter(theme__grid=grid).first()
    return {"grid": grid, "campaign": campaign, "sheet": sheet, "question": question}
