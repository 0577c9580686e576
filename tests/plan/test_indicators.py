"""Computed indicators: values come from registry metrics (a test double here) and are recorded with their
date by the periodic job, so the history stays; the plan's own metrics."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from maillage.core.actors import SYSTEM
from maillage.core.registry import Metric, Registry, registry
from maillage.plan import metrics, services, tasks
from maillage.plan.models import Measurement
from maillage.plan.tree import build_tree, find
from tests.plan.factories import make_contract, make_tree, make_version

pytestmark = pytest.mark.django_db


def fake_registry(calls):
    double = Registry()

    def compute(territory, start, end):
        calls.append((territory.slug, start, end))
        return 7 + len(calls)

    double.add_metric(
        Metric(key="events.held", label="Rendez-vous tenus", unit="rendez-vous", compute=compute)
    )
    return double


def test_computed_values_are_recorded_each_day_and_history_stays(territory):
    make_contract(territory, starts_on=dt.date(2025, 6, 1))
    version = make_version(territory, year=2026)
    objective, *_ = make_tree(version)
    calls: list = []
    with registry.override(fake_registry(calls)):
        indicator = services.add_indicator(
            actor=SYSTEM,
            node=objective,
            title="Rendez-vous tenus",
            metric_key="events.held",
            target=Decimal(30),
        )
        with time_machine.travel(dt.datetime(2026, 3, 1, 8, tzinfo=dt.UTC), tick=False):
            assert tasks.compute_indicators_task.call() == {territory.slug: 1}
        with time_machine.travel(dt.datetime(2026, 4, 1, 8, tzinfo=dt.UTC), tick=False):
            tasks.compute_indicators_task.call()
            tasks.compute_indicators_task.call()  # twice the same day: one value, updated
    values = list(indicator.measurements.values_list("date", "value", "source"))
    assert values == [
        (dt.date(2026, 3, 1), Decimal("8.00"), "computed"),
        (dt.date(2026, 4, 1), Decimal("10.00"), "computed"),
    ]
    # The metric was asked for (territory, contract start, today).
    assert calls[0] == (territory.slug, dt.date(2025, 6, 1), dt.date(2026, 3, 1))
    iv = find(build_tree(version), objective.pk).indicators[0]
    assert iv.latest.value == Decimal("10.00")
    assert iv.attainment == 33


def test_a_metric_that_disappears_is_skipped(territory):
    version = make_version(territory, year=2026)
    objective, *_ = make_tree(version)
    with registry.override(fake_registry([])):
        services.add_indicator(actor=SYSTEM, node=objective, title="X", metric_key="events.held")
    with registry.override(Registry()):
        assert (
            services.compute_measurements(actor=SYSTEM, territory=territory, today=dt.date(2026, 5, 1)) == 0
        )
    assert not Measurement.objects.exists()


def test_actions_done_metric_counts_once_across_copies(territory):
    version = make_version(territory, year=2025)
    *_, a1, a2 = make_tree(version)
    with time_machine.travel(dt.datetime(2025, 10, 1, 8, tzinfo=dt.UTC)):
        services.change_status(actor=SYSTEM, node=a1, to_status="done")
    copy = services.copy_version(actor=SYSTEM, version=version, year=2026)
    assert metrics.actions_done(territory, dt.date(2025, 1, 1), dt.date(2026, 12, 31)) == 1
    assert metrics.actions_done(territory, dt.date(2025, 11, 1), dt.date(2026, 12, 31)) == 0
    # Reopened in the new plan: no longer counted.
    services.change_status(actor=SYSTEM, node=copy.nodes.get(ref=a1.ref), to_status="in_progress")
    assert metrics.actions_done(territory, dt.date(2025, 1, 1), dt.date(2026, 12, 31)) == 0
    assert metrics.actions_in_progress(territory, dt.date(2025, 1, 1), dt.date(2026, 12, 31)) == 1
    assert "plan.actions_done" in registry.metrics


def test_tree_without_history_keeps_the_latest_value(territory):
    version = make_version(territory, year=2026)
    objective, *_ = make_tree(version)
    indicator = services.add_indicator(actor=SYSTEM, node=objective, title="X", target=Decimal(10))
    for day, value in [(1, 2), (3, 7), (2, 5)]:
        Measurement.objects.create(indicator=indicator, date=dt.date(2026, 1, day), value=value)
    full = find(build_tree(version), objective.pk).indicators[0]
    light = find(build_tree(version, history=False), objective.pk).indicators[0]
    assert [m.value for m in full.measurements] == [2, 5, 7]
    assert light.latest.value == full.latest.value == 7 and len(light.measurements) == 1
    assert light.attainment == full.attainment == 70
