"""The demo of the workspace and the lettre: the seed's ateliers, discussions, news, three past issues."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

import pytest

from maillage.newsletter import demo as newsletter_demo
from maillage.newsletter.models import Issue, Subscriber
from maillage.workspace import demo as workspace_demo
from maillage.workspace.models import Atelier, NewsItem, Post, Thread
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_demo_loads_and_is_idempotent(territory, structure, animator, client):
    people = {
        "animator": animator,
        "manager_ressourcerie": UserFactory(first_name="Sophie", last_name="Marchetti"),
        "manager_scop": UserFactory(),
        "manager_jardins": UserFactory(),
        "buyer": UserFactory(),
    }
    for _ in range(2):
        context = {"demo_accounts": people}
        workspace_demo.load(today=dt.date(2026, 11, 22), context=context)
        newsletter_demo.load(today=dt.date(2026, 11, 22), context=context)
    assert Atelier.objects.filter(territory=territory).count() == 5
    assert set(Atelier.objects.values_list("name", flat=True)) >= {
        "Guide des acteurs et des pratiques",
        "Événementiel",
        "Besoins sociaux non ou insuffisamment satisfaits",
        "Finances solidaires",
    }
    assert Thread.objects.filter(atelier__isnull=False).count() == 3
    assert Thread.objects.filter(atelier__isnull=True).count() == 2
    assert Post.objects.count() == 9
    assert NewsItem.objects.count() == 12
    issues = Issue.objects.filter(territory=territory, status="sent").order_by("number")
    assert [i.number for i in issues] == [1, 2, 3]
    assert Subscriber.objects.filter(territory=territory).count() == 5
    # A past issue shows only news picked before it was sent.
    for issue in issues:
        for block in issue.blocks:
            if block["provider"] == "workspace.news":
                titles = [n.title for n in NewsItem.objects.filter(picked_at__gte=issue.sent_at)]
                assert not any(t in block["html"] for t in titles)
    assert client.get("/lettre/numeros/").status_code == 200
    assert "Les ateliers démarrent" in client.get("/lettre/numeros/").content.decode()


def test_demo_watch_has_believable_sources_and_fictitious_addresses(territory, animator):
    workspace_demo.load(today=dt.date(2026, 11, 22), context={"demo_accounts": {"animator": animator}})
    items = list(NewsItem.objects.filter(territory=territory))
    assert len(items) == 12
    sources = {item.source for item in items}
    assert len(sources) >= 5, sources  # several outlets, as a real watch reads
    assert "Le Fil de l'ESS" in sources
    for item in items:
        assert "fictif" not in f"{item.source} {item.title} {item.summary}".lower()
        host = urlsplit(item.url).hostname or ""
        assert host.endswith(".example"), item.url  # never a real site: nothing is fetched
        assert urlsplit(item.url).path.startswith("/articles/")
