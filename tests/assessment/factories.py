"""Helpers of the self-assessment's tests: everything through the services (the system actor)."""

from __future__ import annotations

from maillage.assessment import services
from maillage.assessment.answers import answers_for
from maillage.assessment.models import AnswerSheet, Campaign, Question
from maillage.assessment.services.sheets import grid_questions
from maillage.core.actors import SYSTEM
from tests.factories import StructureFactory


def open_year(territory, year=2026) -> Campaign:
    services.install_default_grid(actor=SYSTEM, territory=territory)
    return services.open_campaign(actor=SYSTEM, territory=territory, year=year, notify_managers=False)


def complete(campaign, *, level=0.6, seed=1) -> dict[str, str]:
    return answers_for(grid_questions(campaign), level=level, seed=seed)


def submit_for(campaign, structure, *, level=0.6, seed=1) -> AnswerSheet:
    sheet = services.start_sheet(actor=SYSTEM, campaign=campaign, structure=structure)
    return services.submit_sheet(actor=SYSTEM, sheet=sheet, raw=complete(campaign, level=level, seed=seed))


def population(territory, campaign, *, count, family="association", band="", level=0.6, prefix="S"):
    """`count` published structures of a family and workforce band, each with a submitted sheet."""
    made = []
    for i in range(count):
        structure = StructureFactory(
            territory=territory,
            name=f"{prefix} {family} {band or 'nn'} {i}",
            family=family,
            workforce_band=band,
        )
        submit_for(campaign, structure, level=level, seed=i)
        made.append(structure)
    return made


def question(campaign, code) -> Question:
    return Question.objects.get(theme__grid=campaign.grid, code=code)
