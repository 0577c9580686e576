"""The plan's services: typing and cycles, status table and log, progress roll-up, versions, bad input."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from maillage.core.actors import SYSTEM
from maillage.plan import services
from maillage.plan.models import (
    Contract,
    Indicator,
    Means,
    Measurement,
    Milestone,
    Node,
    NodeTransition,
    PlanVersion,
    Precision,
    ScheduleEntry,
    describe_date,
    period_bounds,
)
from maillage.plan.tree import build_tree, filter_tree, find, plan_summary
from tests.plan.factories import make_contract, make_node, make_tree, make_version

pytestmark = pytest.mark.django_db


def snapshot():
    """Everything the plan stores, to check that a refused write changed nothing."""
    return (
        list(Node.objects.values().order_by("pk")),
        list(Means.objects.values().order_by("pk")),
        list(ScheduleEntry.objects.values().order_by("pk")),
        list(Measurement.objects.values().order_by("pk")),
        list(NodeTransition.objects.values().order_by("pk")),
        list(PlanVersion.objects.values().order_by("pk")),
    )


# --- contract ----------------------------------------------------------------------------------------


def test_contract_is_saved_with_history(territory, animator):
    contract = make_contract(territory, parties="L'agglomération\nLa Région\n")
    assert contract.party_list == ["L'agglomération", "La Région"]
    services.save_contract(actor=animator, territory=territory, data={"title": "CLDESS du Pays de Grasse"})
    contract.refresh_from_db()
    assert contract.title == "CLDESS du Pays de Grasse"
    assert contract.history.count() == 2
    assert contract.history.first().history_user == animator


def test_contract_end_before_start_is_refused(territory):
    make_contract(territory)
    with pytest.raises(ValidationError) as error:
        services.save_contract(actor=SYSTEM, territory=territory, data={"ends_on": dt.date(2020, 1, 1)})
    assert "postérieure" in str(error.value)
    assert Contract.objects.get().ends_on == dt.date(2028, 5, 31)


def test_only_the_animator_writes(territory, member, animator_other):
    make_contract(territory)
    for person in (member, animator_other):
        with pytest.raises(PermissionDenied):
            services.save_contract(actor=person, territory=territory, data={"title": "Piraté"})
    assert Contract.objects.get().title == "Contrat d'essai"


# --- typed tree --------------------------------------------------------------------------------------


def test_typing_is_enforced(territory):
    version = make_version(territory)
    objective, operational, action, _ = make_tree(version)
    before = snapshot()
    cases = [
        {"kind": "action", "parent": objective, "title": "Action sous un objectif"},
        {"kind": "operational", "parent": None, "title": "Orphelin"},
        {"kind": "objective", "parent": objective, "title": "Objectif sous objectif"},
        {"kind": "operational", "parent": action, "title": "Sous une action"},
    ]
    for data in cases:
        with pytest.raises(ValidationError) as error:
            services.create_node(actor=SYSTEM, version=version, data=data)
        assert "parent" in error.value.message_dict
    assert snapshot() == before


def test_a_cycle_is_refused_and_changes_nothing(territory):
    version = make_version(territory)
    objective, operational, action, _ = make_tree(version)
    before = snapshot()
    # An objective moved under its own operational objective (changing its kind so typing alone would pass).
    other_objective = make_node(version, "objective", title="Deuxième objectif")
    before = snapshot()
    with pytest.raises(ValidationError) as error:
        services.update_node(actor=SYSTEM, node=operational, data={"parent": operational})
    assert "boucle" in str(error.value)
    assert snapshot() == before
    # A parent from another plan version is refused too.
    other_version = make_version(territory, year=2026)
    foreign = make_node(other_version, "objective", title="Ailleurs")
    with pytest.raises(ValidationError):
        services.update_node(actor=SYSTEM, node=operational, data={"parent": foreign})
    operational.refresh_from_db()
    assert operational.parent_id == objective.pk
    # Moving an operational objective to another objective is fine.
    services.update_node(actor=SYSTEM, node=operational, data={"parent": other_objective})
    operational.refresh_from_db()
    assert operational.parent_id == other_objective.pk


def test_deep_cycle_through_ancestors_is_found(territory):
    version = make_version(territory)
    objective, operational, action, _ = make_tree(version)
    # Force a corrupt shape and check the walk stops on it (no infinite loop) with a French message.
    Node.objects.filter(pk=objective.pk).update(parent=action)
    operational.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        services.update_node(actor=SYSTEM, node=action, data={"title": "Nouveau titre"})
    assert "boucle" in str(error.value)


def test_kind_of_a_node_with_children_cannot_change(territory):
    version = make_version(territory)
    objective, operational, *_ = make_tree(version)
    with pytest.raises(ValidationError):
        services.update_node(actor=SYSTEM, node=operational, data={"kind": "action"})


def test_child_outside_parent_dates_is_a_warning(territory):
    version = make_version(territory)
    objective = make_node(
        version, "objective", title="Objectif", starts_on=dt.date(2025, 6, 1), ends_on=dt.date(2025, 12, 31)
    )
    node, warnings = services.create_node(
        actor=SYSTEM,
        version=version,
        data={
            "kind": "operational",
            "parent": objective,
            "title": "Déborde",
            "starts_on": dt.date(2025, 5, 1),
            "ends_on": dt.date(2026, 3, 1),
        },
    )
    assert node.pk
    assert len(warnings) == 2
    assert "commence avant" in warnings[0] and "se termine après" in warnings[1]


def test_reversed_dates_are_refused(territory):
    version = make_version(territory)
    with pytest.raises(ValidationError) as error:
        services.create_node(
            actor=SYSTEM,
            version=version,
            data={
                "kind": "objective",
                "title": "X",
                "starts_on": dt.date(2025, 6, 1),
                "ends_on": dt.date(2025, 1, 1),
            },
        )
    assert "précède" in str(error.value)
    assert not Node.objects.exists()


# --- status and progress -----------------------------------------------------------------------------


def test_status_transitions_follow_the_table_and_are_logged(territory, animator):
    version = make_version(territory)
    *_, action, _ = make_tree(version)
    action = services.change_status(actor=animator, node=action, to_status="in_progress", note="C'est parti")
    action = services.change_status(actor=animator, node=action, to_status="done")
    assert action.progress == 100
    log = list(action.status_changes.values_list("from_state", "to_state", "actor", "note"))
    assert log == [
        ("planned", "in_progress", animator.pk, "C'est parti"),
        ("in_progress", "done", animator.pk, ""),
    ]
    before = snapshot()
    with pytest.raises(ValidationError) as error:
        services.change_status(actor=animator, node=action, to_status="postponed")
    assert "ne peut pas passer" in str(error.value)
    with pytest.raises(ValidationError):
        services.change_status(actor=animator, node=action, to_status="n-importe-quoi")
    assert snapshot() == before


def test_objectives_have_no_status_of_their_own(territory):
    version = make_version(territory)
    objective, *_ = make_tree(version)
    with pytest.raises(ValidationError):
        services.change_status(actor=SYSTEM, node=objective, to_status="in_progress")


@pytest.mark.parametrize("value", [-1, 101, "150", "abc", "12.5", ""])
def test_progress_outside_0_100_is_refused(territory, value):
    version = make_version(territory)
    *_, action, _ = make_tree(version)
    before = snapshot()
    with pytest.raises(ValidationError) as error:
        services.set_progress(actor=SYSTEM, node=action, progress=value)
    assert "0 à 100" in str(error.value)
    assert snapshot() == before


def test_progress_accepts_a_percent_sign(territory):
    version = make_version(territory)
    *_, action, _ = make_tree(version)
    assert services.set_progress(actor=SYSTEM, node=action, progress=" 40 % ").progress == 40


def test_weighted_roll_up(territory):
    version = make_version(territory)
    objective, operational, a1, a2 = make_tree(version)
    services.update_node(actor=SYSTEM, node=a1, data={"weight": 3})
    services.set_progress(actor=SYSTEM, node=a1, progress=100)
    services.set_progress(actor=SYSTEM, node=a2, progress=20)
    services.change_status(actor=SYSTEM, node=a2, to_status="in_progress")
    second_op = make_node(version, "operational", objective, title="Sans action")
    roots = build_tree(version)
    op = find(roots, operational.pk)
    assert op.progress == round((100 * 3 + 20 * 1) / 4)  # 80
    assert op.status == "in_progress"
    # The objective: the two operational objectives weigh 1 each; the one without action counts 0.
    assert roots[0].progress == 40
    assert find(roots, second_op.pk).progress == 0
    # An abandoned action no longer weighs.
    services.change_status(actor=SYSTEM, node=a2, to_status="abandoned")
    roots = build_tree(version)
    assert find(roots, operational.pk).progress == 100
    assert plan_summary(roots)["actions"] == 2


def test_filter_by_status_keeps_matching_branches(territory):
    version = make_version(territory)
    objective, operational, a1, a2 = make_tree(version)
    other = make_node(version, "objective", title="Autre")
    services.change_status(actor=SYSTEM, node=a1, to_status="in_progress")
    roots = build_tree(version)
    shown = filter_tree(roots, status="in_progress")
    assert [r.node.pk for r in shown] == [objective.pk]
    assert [a.node.pk for a in shown[0].children[0].children] == [a1.pk]
    assert [r.node.pk for r in filter_tree(roots, objective=other.pk)] == [other.pk]


# --- means, schedule, precision ----------------------------------------------------------------------


def test_means_and_schedule_at_any_level(territory):
    version = make_version(territory)
    objective, operational, action, _ = make_tree(version)
    for node in (objective, operational, action):
        services.add_means(actor=SYSTEM, node=node, kind="atelier", description="Atelier « Evénementiel »")
        services.add_schedule_entry(
            actor=SYSTEM,
            node=node,
            label="Premier semestre 2013",
            date=dt.date(2026, 2, 1),
            precision="semester",
        )
    assert Means.objects.count() == ScheduleEntry.objects.count() == 3
    entry = ScheduleEntry.objects.first()
    assert entry.bounds == (dt.date(2026, 1, 1), dt.date(2026, 6, 30))
    assert entry.when == "1er semestre 2026"


def test_schedule_bad_input(territory):
    version = make_version(territory)
    objective, *_ = make_tree(version)
    before = snapshot()
    with pytest.raises(ValidationError):
        services.add_schedule_entry(actor=SYSTEM, node=objective, label="x", date=None, precision="month")
    with pytest.raises(ValidationError):
        services.add_schedule_entry(
            actor=SYSTEM, node=objective, label="x", date=dt.date(2026, 1, 1), precision="siècle"
        )
    with pytest.raises(ValidationError):
        services.add_schedule_entry(
            actor=SYSTEM,
            node=objective,
            label="x",
            date=dt.date(2026, 6, 1),
            precision="month",
            until=dt.date(2026, 1, 1),
        )
    with pytest.raises(ValidationError):
        services.add_means(actor=SYSTEM, node=objective, kind="atelier", description="  ")
    with pytest.raises(ValidationError):
        services.add_means(actor=SYSTEM, node=objective, kind="atelier", description="x", amount=Decimal(-5))
    assert snapshot() == before
    ongoing = services.add_schedule_entry(
        actor=SYSTEM, node=objective, label="En cours", date=None, precision="ongoing"
    )
    assert ongoing.when == "en cours"


@pytest.mark.parametrize(
    ("date", "precision", "text", "bounds"),
    [
        (dt.date(2013, 6, 7), Precision.DAY, "7 juin 2013", (dt.date(2013, 6, 7), dt.date(2013, 6, 7))),
        (dt.date(2013, 6, 1), Precision.DAY, "1er juin 2013", (dt.date(2013, 6, 1), dt.date(2013, 6, 1))),
        (dt.date(2012, 2, 10), Precision.MONTH, "février 2012", (dt.date(2012, 2, 1), dt.date(2012, 2, 29))),
        (
            dt.date(2013, 5, 3),
            Precision.QUARTER,
            "2e trimestre 2013",
            (dt.date(2013, 4, 1), dt.date(2013, 6, 30)),
        ),
        (
            dt.date(2012, 9, 1),
            Precision.SEMESTER,
            "2d semestre 2012",
            (dt.date(2012, 7, 1), dt.date(2012, 12, 31)),
        ),
        (dt.date(2013, 3, 1), Precision.YEAR, "2013", (dt.date(2013, 1, 1), dt.date(2013, 12, 31))),
    ],
)
def test_dates_with_precision(date, precision, text, bounds):
    assert describe_date(date, precision) == text
    assert period_bounds(date, precision) == bounds


# --- versions ----------------------------------------------------------------------------------------


def test_next_year_is_a_copy(territory, animator, structure):
    version = make_version(territory)
    objective, operational, action, _ = make_tree(version)
    services.update_node(actor=SYSTEM, node=action, data={"lead": structure}, partners=[structure])
    services.add_means(
        actor=SYSTEM, node=objective, kind="budget", description="Cofinancement", amount=Decimal(1500)
    )
    services.add_milestone(actor=SYSTEM, node=action, title="Lancement", date=dt.date(2025, 6, 7))
    indicator = services.add_indicator(
        actor=SYSTEM, node=action, title="Structures", unit="structures", target=Decimal(10)
    )
    Measurement.objects.create(indicator=indicator, date=dt.date(2025, 9, 1), value=4)
    services.change_status(actor=SYSTEM, node=action, to_status="in_progress")
    copy = services.copy_version(actor=animator, version=version, year=2026)
    assert copy.copied_from == version
    assert copy.nodes.count() == 4
    new_action = copy.nodes.get(ref=action.ref)
    assert new_action.parent.ref == operational.ref and new_action.parent.version == copy
    assert new_action.status == "in_progress" and new_action.lead == structure
    assert list(new_action.partners.all()) == [structure]
    assert copy.nodes.get(ref=objective.ref).means.get().amount == Decimal(1500)
    assert new_action.milestones.count() == 1
    new_indicator = new_action.indicators.get()
    assert new_indicator.ref == indicator.ref and not new_indicator.measurements.exists()
    # The original is untouched, and a second copy for the same year is refused.
    assert version.nodes.count() == 4
    with pytest.raises(ValidationError) as error:
        services.copy_version(actor=animator, version=version, year=2026)
    assert "existe déjà" in str(error.value)


def _big_plan(version, structure, objectives: int):
    """`objectives` × 2 operational objectives × 3 actions, each action with a partner, a means, a schedule
    entry, a milestone, an indicator with a measurement; every node a means."""
    for o in range(objectives):
        objective = make_node(version, "objective", title=f"Objectif {o}")
        services.add_means(actor=SYSTEM, node=objective, kind="budget", description="Budget")
        for p in range(2):
            operational = make_node(version, "operational", objective, title=f"OO {o}.{p}")
            for a in range(3):
                action = make_node(version, "action", operational, title=f"Action {o}.{p}.{a}")
                services.update_node(actor=SYSTEM, node=action, data={}, partners=[structure])
                services.add_means(actor=SYSTEM, node=action, kind="atelier", description="Atelier")
                services.add_schedule_entry(
                    actor=SYSTEM, node=action, label="", date=dt.date(2025, 9, 1), precision="month"
                )
                services.add_milestone(actor=SYSTEM, node=action, title="Jalon", date=dt.date(2025, 10, 1))
                indicator = services.add_indicator(actor=SYSTEM, node=action, title="Indicateur")
                Measurement.objects.create(indicator=indicator, date=dt.date(2025, 9, 1), value=1)


def test_copy_runs_a_bounded_number_of_queries(territory, animator, structure, django_assert_max_num_queries):
    small = make_version(territory, year=2025)
    _big_plan(small, structure, objectives=1)
    big = make_version(territory, year=2030)
    _big_plan(big, structure, objectives=6)
    assert big.nodes.count() == 6 * (1 + 2 + 2 * 3)
    services.copy_version(actor=animator, version=small, year=2026)  # the animator's roles are now cached
    with CaptureQueriesContext(connection) as small_queries:
        services.copy_version(actor=animator, version=small, year=2027)
    with django_assert_max_num_queries(40):
        copy = services.copy_version(actor=animator, version=big, year=2031)
    # The same queries for a plan six times larger: none per node or item.
    with CaptureQueriesContext(connection) as big_queries:
        services.copy_version(actor=animator, version=big, year=2032)
    assert len(big_queries) == len(small_queries) < 40
    # Everything is copied, with its history.
    assert copy.nodes.count() == big.nodes.count() == 54
    assert Means.objects.filter(node__version=copy).count() == 6 + 36
    assert ScheduleEntry.objects.filter(node__version=copy).count() == 36
    assert Milestone.objects.filter(node__version=copy).count() == 36
    assert Indicator.objects.filter(node__version=copy).count() == 36
    assert not Measurement.objects.filter(indicator__node__version=copy).exists()
    for old in big.nodes.select_related("parent"):
        new = copy.nodes.get(ref=old.ref)
        assert (new.parent.ref if new.parent else None) == (old.parent.ref if old.parent else None)
        assert new.parent is None or new.parent.version_id == copy.pk
        assert set(new.partners.all()) == set(old.partners.all())
    action = copy.nodes.filter(kind="action").first()
    record = action.history.get()
    assert (record.history_user, record.history_change_reason) == (animator, "Copie du plan 2030")
    assert [p.structure for p in record.partners.all()] == [structure]
    assert (
        Milestone.objects.filter(node=action).get().history.get().history_change_reason
        == "Copie du plan 2030"
    )


# --- indicators --------------------------------------------------------------------------------------


def test_measurement_without_date_is_refused(territory):
    version = make_version(territory)
    objective, *_ = make_tree(version)
    indicator = services.add_indicator(actor=SYSTEM, node=objective, title="Rendez-vous tenus")
    for date, value in [(None, "3"), (dt.date(2025, 9, 1), "trois"), (dt.date(2999, 1, 1), "3")]:
        with pytest.raises(ValidationError):
            services.record_measurement(actor=SYSTEM, indicator=indicator, date=date, value=value)
    assert not Measurement.objects.exists()
    m = services.record_measurement(actor=SYSTEM, indicator=indicator, date=dt.date(2025, 9, 1), value="3,5")
    assert m.value == Decimal("3.50")


def test_unknown_metric_is_refused(territory):
    version = make_version(territory)
    objective, *_ = make_tree(version)
    with pytest.raises(ValidationError):
        services.add_indicator(actor=SYSTEM, node=objective, title="X", metric_key="nulle.part")
    assert not Indicator.objects.exists()
