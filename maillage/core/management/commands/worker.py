"""`maillage worker`: django-tasks-db's `db_worker` with Maillage's defaults (queues default and mail, no
autoreload: a reload would kill a running task)."""

from __future__ import annotations

from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

DEFAULT_QUEUES = "default,mail"


class Command(DbWorkerCommand):
    help = "Lance le travailleur des tâches de fond (files « default » et « mail »)."

    def add_arguments(self, parser) -> None:
        super().add_arguments(parser)
        parser.set_defaults(queue_name=DEFAULT_QUEUES, reload=False)
