"""Plans shared by the plan's import/export tests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from maillage.core.actors import SYSTEM
from maillage.plan import services
from maillage.plan.models import Measurement
from tests.plan.factories import make_tree, make_version


@pytest.fixture
def plan(territory, structure):
    version = make_version(territory, year=2025)
    objective, operational, a1, a2 = make_tree(version)
    services.update_node(actor=SYSTEM, node=a1, data={"lead": structure}, partners=[structure])
    services.change_status(actor=SYSTEM, node=a1, to_status="in_progress")
    services.set_progress(actor=SYSTEM, node=a1, progress=30)
    return version


@pytest.fixture
def plan_with_items(plan):
    a1 = plan.nodes.get(title__isnull=False, kind="action", lead__isnull=False)
    services.add_means(actor=SYSTEM, node=a1, kind="budget", description="Subvention", amount=Decimal("1500"))
    services.add_means(actor=SYSTEM, node=a1, kind="working_time", description="Mi-temps d'animation")
    services.add_schedule_entry(
        actor=SYSTEM, node=a1, label="Premier semestre", date=dt.date(2025, 1, 1), precision="semester"
    )
    return plan


@pytest.fixture
def plan_with_indicators(plan_with_items):
    a1 = plan_with_items.nodes.get(kind="action", lead__isnull=False)
    services.add_milestone(
        actor=SYSTEM, node=a1, title="Guide imprimé", date=dt.date(2025, 9, 1), precision="month"
    )
    services.add_milestone(
        actor=SYSTEM,
        node=a1,
        title="Lancement",
        date=dt.date(2025, 6, 15),
        reached_on=dt.date(2025, 6, 20),
    )
    manual = services.add_indicator(
        actor=SYSTEM,
        node=a1,
        title="Structures recensées",
        unit="structures",
        baseline=Decimal("40"),
        target=Decimal("120.5"),
        target_date=dt.date(2026, 6, 30),
    )
    services.record_measurement(actor=SYSTEM, indicator=manual, date=dt.date(2025, 7, 1), value="55")
    services.record_measurement(
        actor=SYSTEM, indicator=manual, date=dt.date(2025, 10, 1), value="71,5", note="Après le forum"
    )
    computed = services.add_indicator(
        actor=SYSTEM, node=a1, title="Actions réalisées", metric_key="plan.actions_done", target=Decimal(10)
    )
    Measurement.objects.create(
        indicator=computed, date=dt.date(2025, 8, 1), value=Decimal(2), source=Measurement.Source.COMPUTED
    )
    return plan_with_items
