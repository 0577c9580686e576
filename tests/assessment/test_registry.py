"""What the app gives the registry: metrics (published groups only), the lettre's block, link targets,
« Mon espace », the personal-data hook."""

from __future__ import annotations

import datetime as dt

import pytest

from maillage.assessment import services
from maillage.assessment.models import AnswerSheet, SheetTransition
from maillage.core.actors import SYSTEM
from maillage.core.registry import registry
from tests.assessment.factories import complete, open_year, population, submit_for

pytestmark = pytest.mark.django_db
YEAR = (dt.date(2026, 1, 1), dt.date(2026, 12, 31))


def test_metrics_count_participants_and_publish_medians_only_from_five(territory, structure, manager):
    campaign = open_year(territory)
    sheet = services.start_sheet(actor=manager, campaign=campaign, structure=structure)
    population(territory, campaign, count=3)
    participants = registry.metric("assessment_participants").compute
    median = registry.metric("assessment_median_gouvernance").compute
    assert participants(territory, *YEAR) == 3
    services.close_campaign(actor=SYSTEM, campaign=campaign)
    assert median(territory, *YEAR) == 0  # 3 structures: nothing published
    services.reopen_campaign(actor=SYSTEM, campaign=campaign)
    population(territory, campaign, count=3, prefix="T")
    services.close_campaign(actor=SYSTEM, campaign=campaign)
    assert participants(territory, *YEAR) == 6
    value = median(territory, *YEAR)
    scores = sorted(s.scores["gouvernance"] for s in AnswerSheet.objects.filter(status="submitted"))
    assert value == pytest.approx((scores[2] + scores[3]) / 2, abs=0.1)
    assert registry.metric("assessment_median_overall").compute(territory, *YEAR) > 0
    assert sheet.status == "draft"  # a draft never counts


def test_lettre_block_link_targets_and_my_space(territory, structure, manager):
    campaign = open_year(territory)
    population(territory, campaign, count=5)
    submit_for(campaign, structure)
    services.close_campaign(actor=SYSTEM, campaign=campaign)
    block = registry.content_providers["assessment_territory_results"].build(
        territory=territory, since=dt.date(2020, 1, 1), options={}
    )
    assert block.title == "Utilité sociale : les résultats 2026 du territoire"
    assert (
        "6 structures ont rempli la grille" in block.text
        and "/utilite-sociale/territoire/?annee=2026" in block.html
    )
    target = registry.link_targets["assessment_campaign"]
    assert target.choices(territory) == [(campaign.pk, "Auto-évaluation — campagne 2026")]
    section = registry.my_space_sections["assessment"].build(manager, territory)
    assert [item.label for item in section.items] == [f"{structure.name} — 2026"]


def test_personal_data_export_and_erasure(territory, structure, manager):
    campaign = open_year(territory)
    sheet = services.start_sheet(actor=manager, campaign=campaign, structure=structure)
    services.submit_sheet(actor=manager, sheet=sheet, raw=complete(campaign))
    hook = registry.personal_data["assessment"]
    exported = hook.export(manager)
    assert exported["feuilles_transmises"][0]["structure"] == structure.name
    assert len(exported["actions"]) == 2
    hook.erase(manager)
    sheet.refresh_from_db()
    assert sheet.submitted_by is None and sheet.status == "submitted"
    assert not SheetTransition.objects.filter(actor=manager).exists()
