"""What the workspace and the lettre register: periodic jobs that resolve to tasks, providers, link target."""

from __future__ import annotations

import pytest
from django.utils.module_loading import import_string
from django_tasks.base import Task

from maillage.core.registry import registry
from tests.workspace.factories import AtelierFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("key", ["workspace.digests", "workspace.feeds", "newsletter.resume_stalled_sends"])
def test_periodic_jobs_point_at_tasks(key):
    assert isinstance(import_string(registry.periodic_jobs[key].task_path), Task)


def test_the_atelier_link_target(territory, other_territory):
    atelier = AtelierFactory(territory=territory, name="Finances solidaires")
    AtelierFactory(territory=other_territory, name="Ailleurs")
    target = registry.link_targets["workspace.atelier"]
    assert target.choices(territory) == [(atelier.pk, "Finances solidaires")]
    assert target.url(atelier) == f"/ateliers/{atelier.slug}/"


def test_the_home_page_gets_no_empty_lettre_block(territory):
    from django.utils import timezone

    for key in ("newsletter.editorial", "workspace.news"):
        assert (
            registry.content_providers[key].build(territory=territory, since=timezone.now(), options={})
            is None
        )
