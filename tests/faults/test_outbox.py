"""The outbox (#22, faults): a service that queues a mail or a piece of work writes the task's queue row
inside its own transaction (`enqueue_with_transaction`), so the row commits with the write — even when the
process is killed right after the COMMIT, before any on-commit hook runs — and not at all on rollback.

The kill is made certain by dropping every on-commit hook (what a SIGKILL between the COMMIT and the hooks
does); the commits are real (`transaction=True`). Checked on an import, a scheduler run and a mail.
"""

from __future__ import annotations

from unittest.mock import patch

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from maillage.actors import services as actor_services
from maillage.actors.models import ImportBatch
from maillage.actors.services.imports import IMPORT_TASK
from maillage.core.mail import SEND_MAIL_TASK_PATH, send_mail_on_commit
from maillage.matchmaking import services as matchmaking_services
from maillage.matchmaking.models import Run
from maillage.matchmaking.services.runs import RUN_TASK
from tests.core.test_tasks import DB_TASKS
from tests.matchmaking.factories import SYS, make_event, make_meeting

pytestmark = pytest.mark.django_db(transaction=True)


class Rollback(Exception):
    pass


def killed_after_commit():
    """On-commit hooks never run: the process died right after the COMMIT."""
    return patch.object(transaction, "on_commit", lambda *args, **kwargs: None)


def queued(path: str) -> list[DBTaskResult]:
    return list(DBTaskResult.objects.filter(task_path=path))


def start_table_import(animator, territory) -> ImportBatch:
    return actor_services.start_import(
        actor=animator,
        territory=territory,
        kind="table",
        source="Tableau du réseau",
        files=[SimpleUploadedFile("reseau.csv", b"Nom,Commune\nAtelier du Loup,06069\n")],
        mapping={"name": "Nom", "commune": "Commune"},
    )


def test_an_import_is_queued_with_its_batch(territory, animator, settings):
    settings.TASKS = DB_TASKS
    with killed_after_commit():
        batch = start_table_import(animator, territory)
    assert [row.args_kwargs["args"] for row in queued(IMPORT_TASK)] == [[batch.pk]]

    with pytest.raises(Rollback), transaction.atomic():
        start_table_import(animator, territory)
        raise Rollback
    assert ImportBatch.objects.count() == 1
    assert len(queued(IMPORT_TASK)) == 1


def test_a_commit_of_an_import_is_queued_with_its_state(territory, animator, settings):
    settings.TASKS = DB_TASKS
    batch = ImportBatch.objects.create(
        territory=territory,
        kind="table",
        source="base",
        files=[],
        mapping={},
        state=ImportBatch.State.CHECKED,
    )
    with pytest.raises(Rollback), transaction.atomic():
        actor_services.commit_import(actor=animator, batch=batch)
        raise Rollback
    batch.refresh_from_db()
    assert batch.state == ImportBatch.State.CHECKED and not queued(IMPORT_TASK)

    with killed_after_commit():
        actor_services.commit_import(actor=animator, batch=batch)
    batch.refresh_from_db()
    assert batch.state == ImportBatch.State.QUEUED
    assert [row.args_kwargs["args"] for row in queued(IMPORT_TASK)] == [[batch.pk]]


def test_a_scheduler_run_is_queued_with_the_run(territory, member, settings):
    settings.TASKS = DB_TASKS
    meeting = make_meeting(make_event(territory), member)
    with killed_after_commit():
        run = matchmaking_services.request_run(actor=SYS, meeting=meeting)
    assert [row.args_kwargs["args"] for row in queued(RUN_TASK)] == [[run.pk]]

    with pytest.raises(Rollback), transaction.atomic():
        matchmaking_services.request_run(actor=SYS, meeting=meeting)
        raise Rollback
    assert Run.objects.count() == 1
    assert len(queued(RUN_TASK)) == 1


def test_a_mail_is_queued_with_the_write_that_sends_it(territory, settings):
    settings.TASKS = DB_TASKS
    context = {
        "title": "Votre fiche est publiée",
        "body": "La fiche de l'Atelier du Loup est en ligne dans l'annuaire.",
        "action_url": territory.absolute_url("/annuaire/"),
        "action_label": "Voir la fiche",
    }
    with killed_after_commit(), transaction.atomic():
        send_mail_on_commit(
            territory=territory, to="ada@example.org", template="notification", context=context
        )
    rows = queued(SEND_MAIL_TASK_PATH)
    assert [row.args_kwargs["args"][0]["to"] for row in rows] == [["ada@example.org"]]

    with pytest.raises(Rollback), transaction.atomic():
        send_mail_on_commit(
            territory=territory, to="bob@example.org", template="notification", context=context
        )
        raise Rollback
    assert len(queued(SEND_MAIL_TASK_PATH)) == 1
