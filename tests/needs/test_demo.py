"""The demo's needs tell their story over the past months: reports spread over about a year, the oldest
stories the ones already met, each need's history in order and never in the future."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from maillage.needs import demo
from maillage.needs.models import Need, NeedStatus, NeedTransition

pytestmark = pytest.mark.django_db


def test_demo_needs_are_spread_over_the_past_months(territory):
    today = timezone.localdate()
    demo.load(territory=territory, today=today, context={})
    now = timezone.now()
    needs = list(Need.objects.filter(territory=territory))
    assert len(needs) == len(demo.NEEDS)
    created = sorted(n.created_at for n in needs)
    assert now - created[0] > dt.timedelta(days=250), "the oldest need was reported months ago"
    assert len({c.date() for c in created}) > 15, "reports fall on many different days"
    met = [n.created_at for n in needs if n.status == NeedStatus.MET]
    fresh = [n.created_at for n in needs if n.status == NeedStatus.REPORTED]
    assert met and fresh and max(met) < min(fresh), "needs already met are older stories than fresh reports"
    for need in needs:
        lines = list(NeedTransition.objects.filter(need=need).order_by("pk"))
        assert lines[0].at == need.created_at or lines[0].at - need.created_at < dt.timedelta(hours=1)
        assert [line.at for line in lines] == sorted(line.at for line in lines), need.title
        assert all(line.at <= now for line in lines)
        assert all(s.created_at >= need.created_at for s in need.supports.all())
    recent = NeedTransition.objects.filter(at__gte=now - dt.timedelta(days=30)).count()
    assert recent < NeedTransition.objects.count() / 2, "most of the history is older than a month"
