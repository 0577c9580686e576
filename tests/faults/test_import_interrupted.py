"""An import whose worker was killed (#22, faults): its task run stays RUNNING until the reaper marks it
failed, and nothing else moved the batch, which said « en cours » forever on its status page — and a commit
could not be run again (only a failed batch can). The periodic job `actors.interrupted_imports` gives such a
batch a clear « échec » with « Import interrompu », the rows written kept, the commit runnable again.

In process: the kill is the task row left RUNNING (what a SIGKILL leaves), then reaped. The chunks themselves
(each committed whole, a retry without duplicates) are covered by tests/actors/test_import_chunks.py.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from maillage.actors import services
from maillage.actors.models import ImportBatch
from maillage.actors.tasks import run_import_task
from maillage.core.actors import system
from maillage.core.tasks import reap_stale_tasks
from tests.core.test_tasks import DB_TASKS

pytestmark = pytest.mark.django_db


def running_batch(territory, *, commit: bool) -> ImportBatch:
    batch = ImportBatch.objects.create(
        territory=territory, kind="table", source="base", files=[], mapping={}, commit=commit
    )
    run_import_task.enqueue(batch.pk)
    services.begin_import(actor=system("test"), batch=batch)
    DBTaskResult.objects.update(status=TaskResultStatus.RUNNING, started_at=timezone.now())
    ImportBatch.objects.filter(pk=batch.pk).update(progress=200)  # two chunks written, then killed
    return batch


def test_a_killed_import_says_interrupted_and_can_be_run_again(territory, animator, settings, client):
    settings.TASKS = DB_TASKS
    batch = running_batch(territory, commit=True)
    later = timezone.now() + dt.timedelta(minutes=5)

    assert services.fail_interrupted_imports(now=later) == 0  # its worker may still be at it
    batch.refresh_from_db()
    assert batch.state == ImportBatch.State.RUNNING

    reap_stale_tasks(now=timezone.now() + dt.timedelta(hours=1))  # the reaper: presumed killed
    assert services.fail_interrupted_imports(now=later) == 1
    batch.refresh_from_db()
    assert batch.state == ImportBatch.State.FAILED
    assert batch.error.startswith("Import interrompu")
    assert batch.progress == 200  # what was written is still said

    client.force_login(animator)
    page = client.get(reverse("actors:import_status", kwargs={"pk": batch.pk}))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Import interrompu" in text
    assert "Les 200 premières lignes sont importées" in text

    services.commit_import(actor=animator, batch=batch)  # the animator runs it again
    batch.refresh_from_db()
    assert batch.state == ImportBatch.State.QUEUED


def test_a_batch_changed_within_the_minute_is_left_alone(territory, settings):
    settings.TASKS = DB_TASKS
    batch = ImportBatch.objects.create(territory=territory, kind="table", source="base", files=[], mapping={})
    assert services.fail_interrupted_imports() == 0  # its task is about to be queued
    assert services.fail_interrupted_imports(now=timezone.now() + dt.timedelta(minutes=2)) == 1
    batch.refresh_from_db()
    assert batch.state == ImportBatch.State.FAILED
