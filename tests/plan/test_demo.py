"""The demo plan is the seed's real plan, on the demo contract's timeline; re-running is safe."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command

from maillage.actors.models import Structure
from maillage.charter.selectors import signatory_counts
from maillage.core.demo import contract_start
from maillage.core.models import Territory
from maillage.events import demo as events_demo
from maillage.events.models import Event
from maillage.plan import demo, report
from maillage.plan.models import (
    Contract,
    Evaluation,
    Indicator,
    Means,
    Measurement,
    Milestone,
    Node,
    PlanVersion,
    ScheduleEntry,
)
from maillage.plan.tree import build_tree
from tests.factories import TerritoryFactory

pytestmark = pytest.mark.django_db

# The 2012 action plan the demo tells (a public document of the Pôle Azur Provence), kept beside the test so a
# fresh clone checks the demo against it too.
SEED = Path(__file__).resolve().parent / "data" / "plan-actions-cldess-2012.txt"
TODAY = dt.date(2026, 11, 22)


def normalise(text: str) -> str:
    text = text.replace("’", "'").replace("\u00a0", " ")
    text = re.sub(r"\s+", " ", text).replace("« ", "«").replace(" »", "»")
    return re.sub(r" ([,.])", r"\1", text).strip().lower()


@pytest.fixture
def loaded(db):
    TerritoryFactory(slug="pays-de-grasse", name="Pays de Grasse")
    demo.load(today=TODAY, context={})
    return Contract.objects.get()


def test_every_element_of_the_seed(loaded):
    first = PlanVersion.objects.order_by("year").first()
    nodes = first.nodes
    assert nodes.filter(kind="objective").count() == 4
    assert nodes.filter(kind="operational").count() == 12
    assert nodes.filter(kind="action").count() == 17
    assert Means.objects.filter(node__version=first).count() == 22
    assert ScheduleEntry.objects.filter(node__version=first).count() == 8
    assert Milestone.objects.filter(node__version=first).count() == 14


def test_titles_are_written_as_in_the_seed(loaded):
    seed = normalise(SEED.read_text())
    first = PlanVersion.objects.order_by("year").first()
    for node in first.nodes.exclude(kind="objective"):
        # Seed spellings kept; only double spaces and apostrophes normalised.
        assert normalise(node.title) in seed, node.title
    for means in Means.objects.filter(node__version=first):
        assert normalise(means.description) in seed, means.description
    for objective in demo.PLAN:
        for seed_text, *_ in objective["schedule"]:
            assert normalise(seed_text) in seed, seed_text
    for *_, label, _month in demo.ROADMAP:
        assert normalise(label) in seed, label


def test_timeline_is_relative_to_demo_today(loaded):
    start = contract_start(TODAY)  # 2025-09-01 stands for « Juin 2012 »
    assert loaded.starts_on == start
    assert loaded.signed_on == dt.date(2026, 2, 1)  # « Novembre 2012 »
    years = list(PlanVersion.objects.order_by("year").values_list("year", flat=True))
    assert years == [2025, 2026]
    entries = ScheduleEntry.objects.filter(node__version__year=2025)
    whens = [e.when for e in entries]
    assert "1er semestre 2026" in whens  # « Premier semestre 2013 »: S + 7 months = April 2026
    assert "décembre 2025 → 1er semestre 2026" in whens  # « de Septembre 2012 au Premier semestre 2013 »
    assert "en cours depuis septembre 2025 → mars 2026" in whens  # « En cours à d'ici fin 2012 »
    assert entries.get(precision="day").date == dt.date(2025, 9, 1)  # « 1er Juin 2012 »


def test_plausible_progress_and_status_log(loaded):
    current = PlanVersion.objects.get(year=2026)
    roots = build_tree(current)
    assert all(0 < root.progress < 100 for root in roots)
    statuses = set(current.nodes.filter(kind="action").values_list("status", flat=True))
    assert statuses == set(Node.Status.values)
    done = current.nodes.filter(kind="action", status="done").first()
    assert done.status_changes.exists() or done.history.exists()
    assert any(iv.latest for root in roots for item in root.walk() for iv in item.indicators)


def test_rerunning_is_safe(loaded):
    count = Node.objects.count()
    demo.load(today=TODAY, context={})
    assert Node.objects.count() == count


def test_the_first_plenary_is_an_agenda_event(db):
    """The events demo (order 40) runs before plan's: the December plenary of the seed (March 2026 here) is
    linked to the agenda's event closest to it (the events demo has no « plénière »: the Rendez-vous of
    Friday 6 March 2026)."""
    TerritoryFactory(slug="pays-de-grasse", name="Pays de Grasse")
    with time_machine.travel(dt.datetime(2026, 11, 22, 9, tzinfo=dt.UTC), tick=False):
        events_demo.load(today=TODAY, context={})
        demo.load(today=TODAY, context={})
    evaluation = Evaluation.objects.get(version__year=2025)
    event = Event.objects.get(pk=evaluation.plenary_object_id)
    assert event.start.astimezone(dt.timezone(dt.timedelta(hours=1))).date() == dt.date(2026, 3, 6)
    assert evaluation.plenary_url == f"/agenda/{event.slug}/"
    assert "vendredi 6 mars 2026" in evaluation.plenary_label
    assert evaluation.snapshot["plenary_url"] == evaluation.plenary_url


def test_the_adopted_evaluation_holds_no_measurement_after_its_adoption(loaded):
    evaluation = Evaluation.objects.get(version__year=2025)
    adopted_on = evaluation.adopted_at.date()
    assert adopted_on < TODAY
    assert evaluation.snapshot["generated_on"] == adopted_on.isoformat()
    dates = [i["latest_date"] for i in report.indicators_of(evaluation.snapshot) if i["latest_date"]]
    assert dates, "the demo's adopted report shows measurements"
    assert max(dates) <= adopted_on.isoformat(), dates
    # The plan itself has later measurements: the report left them out.
    assert Measurement.objects.filter(
        indicator__node__version=evaluation.version, date__gt=adopted_on
    ).exists()


def test_the_demo_targets_fit_the_plan(loaded):
    """No indicator aims at more actions than its plan holds (the seed's plan has 17)."""
    for version in PlanVersion.objects.all():
        actions = version.nodes.filter(kind="action").count()
        for indicator in Indicator.objects.filter(node__version=version, unit="actions"):
            assert indicator.target <= actions, (indicator.title, indicator.target, actions)
        done = Indicator.objects.get(node__version=version, metric_key="plan.actions_done")
        assert done.target == actions


def test_the_demo_plan_says_what_the_charter_says(db, settings):
    """The whole demo: the plan's « signataires de la charte » indicator is computed from the charter, so its
    latest value is the charter page's count, its target the territory's ESS structures."""
    settings.MAILLAGE_DEMO_TODAY = TODAY.isoformat()
    with time_machine.travel(dt.datetime(2026, 11, 22, 9, tzinfo=dt.UTC), tick=False):
        call_command("demo")
    grasse = Territory.objects.get(slug="pays-de-grasse")
    counts = signatory_counts(grasse)
    assert counts.current and counts.previous_only
    for version in PlanVersion.objects.filter(contract__territory=grasse):
        indicator = Indicator.objects.get(node__version=version, metric_key="charter_signatories")
        values = list(indicator.measurements.order_by("date").values_list("date", "value"))
        assert values, version.year
        if version.year == TODAY.year:
            assert len(values) >= 2, values  # a history, not one figure
            assert values[-1] == (TODAY, counts.total)
        assert counts.total <= indicator.target


def test_the_demo_plan_counts_what_the_directory_lists(db, settings, client):
    """« Structures recensées » in the plan is the directory's own count of published records (the demo
    said 104 while the directory listed 80)."""
    settings.MAILLAGE_DEMO_TODAY = TODAY.isoformat()
    with time_machine.travel(dt.datetime(2026, 11, 22, 9, tzinfo=dt.UTC), tick=False):
        call_command("demo")
    grasse = Territory.objects.get(slug="pays-de-grasse")
    listed = Structure.objects.filter(territory=grasse, status=Structure.Status.PUBLISHED).count()
    for version in PlanVersion.objects.filter(contract__territory=grasse, year=TODAY.year):
        indicator = Indicator.objects.get(node__version=version, metric_key="actors.structures_published")
        assert indicator.measurements.order_by("date").last().value == listed
