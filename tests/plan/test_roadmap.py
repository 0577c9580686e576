"""The roadmap: vague dates are bands over their whole period, the timeline groups by semester or quarter,
and the SVG has a table alternative with the same items."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from maillage.core.actors import SYSTEM
from maillage.plan import roadmap, services
from tests.plan.factories import make_tree, make_version

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(territory):
    version = make_version(territory, year=2025)
    objective, operational, a1, a2 = make_tree(version)
    services.add_schedule_entry(
        actor=SYSTEM, node=objective, label="Premier semestre", date=dt.date(2026, 3, 1), precision="semester"
    )
    services.add_schedule_entry(
        actor=SYSTEM, node=objective, label="En cours", date=None, precision="ongoing"
    )
    services.add_milestone(
        actor=SYSTEM, node=a1, title="Lancement", date=dt.date(2025, 9, 5), precision="day"
    )
    services.add_milestone(
        actor=SYSTEM, node=a1, title="Atelier", date=dt.date(2025, 11, 1), precision="quarter"
    )
    services.update_node(
        actor=SYSTEM, node=a1, data={"starts_on": dt.date(2025, 9, 1), "ends_on": dt.date(2026, 6, 30)}
    )
    return version


def test_vague_dates_are_bands(plan):
    today = dt.date(2026, 1, 15)
    rows = roadmap.build_rows(plan, today)
    start, end = roadmap.chart_range(plan, rows)
    chart = roadmap.chart(rows, start=start, end=end, today=today)
    shapes = [s for row in chart["rows"] for s in row.shapes]
    semester = next(s for s in shapes if s["item"].label == "Premier semestre")
    assert semester["type"] == "band"
    assert semester["width"] == 6 * roadmap.MONTH_WIDTH  # January to June, whole
    quarter = next(s for s in shapes if s["item"].label == "Atelier")
    assert quarter["type"] == "band" and quarter["width"] == 3 * roadmap.MONTH_WIDTH
    assert next(s for s in shapes if s["item"].label == "Lancement")["type"] == "point"
    assert next(s for s in shapes if s["item"].kind == "action")["type"] == "bar"
    ongoing = next(s for s in shapes if s["item"].label == "En cours")
    assert ongoing["item"].ongoing and ongoing["item"].end == today
    assert chart["today_x"] is not None


def test_timeline_by_semester_and_quarter(plan):
    rows = roadmap.build_rows(plan, dt.date(2026, 1, 15))
    by_semester = dict(roadmap.timeline(rows, "semester"))
    assert [i.label for i in by_semester["2d semestre 2025"]] == ["Lancement", "Atelier"]
    assert [i.label for i in by_semester["1er semestre 2026"]] == ["Premier semestre"]
    assert [i.label for i in by_semester["En cours"]] == ["En cours"]
    by_quarter = dict(roadmap.timeline(rows, "quarter"))
    assert [i.label for i in by_quarter["4e trimestre 2025"]] == ["Atelier"]


def test_roadmap_page_has_svg_and_table(client, plan):
    with time_machine.travel(dt.datetime(2026, 1, 15, 9, tzinfo=dt.UTC), tick=False):
        html = client.get("/contrat/2025/feuille-de-route/").content.decode()
        assert 'role="img"' in html and "Dates du plan (alternative au diagramme)" in html
        assert html.count("<tr>") >= 6
        assert (
            "4e trimestre 2025"
            in client.get("/contrat/2025/feuille-de-route/?par=trimestre").content.decode()
        )
