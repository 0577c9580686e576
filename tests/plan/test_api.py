"""The plan's read-only API: the contract, the yearly plans, a plan's tree with status and progress, its
indicators with their latest value — public data of the request's territory only."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from maillage.core.actors import SYSTEM
from maillage.plan import services
from maillage.plan.models import Measurement
from tests.factories import StructureFactory
from tests.plan.factories import make_tree, make_version

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(territory, structure, animator):
    version = make_version(territory, year=2025)
    objective, operational, a1, a2 = make_tree(version)
    services.update_node(actor=SYSTEM, node=a1, data={"lead": structure})
    pending = StructureFactory(territory=territory, name="Pas encore publiée", status="pending")
    services.update_node(actor=SYSTEM, node=a2, data={"lead": pending, "partners_label": "CMESS"})
    services.change_status(actor=SYSTEM, node=a1, to_status="in_progress")
    services.set_progress(actor=SYSTEM, node=a1, progress=40)
    indicator = services.add_indicator(
        actor=SYSTEM,
        node=a1,
        title="Structures recensées",
        unit="structures",
        baseline=Decimal(20),
        target=Decimal(120),
        target_date=dt.date(2026, 6, 30),
    )
    services.record_measurement(actor=animator, indicator=indicator, date=dt.date(2025, 7, 1), value="50")
    services.record_measurement(
        actor=animator, indicator=indicator, date=dt.date(2025, 9, 1), value="70", note="Note interne"
    )
    services.add_indicator(
        actor=SYSTEM, node=objective, title="Actions réalisées", metric_key="plan.actions_done"
    )
    services.copy_version(actor=SYSTEM, version=version, year=2026)
    return version


def test_contract_and_versions(client, plan):
    data = client.get("/api/v1/contrat").json()
    assert data["title"] == "Contrat d'essai" and data["starts_on"] == "2025-06-01"
    assert data["versions"] == [
        {"year": 2025, "title": "Plan d'actions 2025", "copied_from": None},
        {"year": 2026, "title": "Plan d'actions 2026", "copied_from": 2025},
    ]
    assert [v["year"] for v in client.get("/api/v1/contrat/plans").json()] == [2025, 2026]
    assert client.get("/api/v1/contrat/plans/2026").json()["objectives"][0]["title"] == "Animer le réseau"


def test_plan_tree_with_status_progress_and_indicators(client, plan, structure):
    data = client.get("/api/v1/contrat/plans/2025").json()
    assert (data["year"], data["actions"], data["actions_by_status"]["in_progress"]) == (2025, 2, 1)
    (objective,) = data["objectives"]
    assert objective["kind"] == "objective" and objective["progress"] == 20  # (40 + 0) / 2
    assert objective["status"] == "in_progress"
    a1, a2 = objective["children"][0]["children"]
    assert (a1["number"], a1["status"], a1["progress"]) == ("1.1.1", "in_progress", 40)
    assert (a1["lead"], a1["lead_slug"]) == (structure.name, structure.slug)
    # A lead not yet published in the directory: its name as on the page, no slug.
    assert (a2["lead"], a2["lead_slug"], a2["partners"]) == ("Pas encore publiée", None, "CMESS")
    (indicator,) = a1["indicators"]
    assert indicator["latest"] == {"date": "2025-09-01", "value": "70.00", "computed": False}
    assert indicator["attainment"] == 50 and indicator["node"] == a1["ref"]
    assert (indicator["baseline"], indicator["target"], indicator["target_date"]) == (
        "20.00",
        "120.00",
        "2026-06-30",
    )
    assert objective["indicators"][0]["computed"] is True
    assert objective["indicators"][0]["metric"] == "plan.actions_done"
    # No account, author or comment in the answer.
    body = client.get("/api/v1/contrat/plans/2025").content.decode()
    assert "Note interne" not in body and "animatrice@example.org" not in body


def test_indicators_list(client, plan):
    rows = client.get("/api/v1/contrat/plans/2025/indicateurs").json()
    assert [r["title"] for r in rows] == ["Actions réalisées", "Structures recensées"]
    assert rows[0]["latest"] is None and rows[1]["latest"]["date"] == "2025-09-01"
    assert not Measurement.objects.filter(indicator__node__version__year=2026).exists()
    copied = client.get("/api/v1/contrat/plans/2026/indicateurs").json()
    assert [r["ref"] for r in copied] == [r["ref"] for r in rows]  # same refs across years


def test_scoped_to_the_territory(client, plan, other_territory):
    assert client.get("/api/v1/contrat", HTTP_HOST="autre.testserver").status_code == 404
    assert client.get("/api/v1/contrat/plans/2025", HTTP_HOST="autre.testserver").status_code == 404
    assert client.get("/api/v1/contrat/plans", HTTP_HOST="autre.testserver").json() == []
    assert client.get("/api/v1/contrat/plans/1999").status_code == 404
