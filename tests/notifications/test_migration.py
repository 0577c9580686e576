"""The workspace's notifications and preferences move to the notification centre with their data, and back."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("workspace", "0002_ateliermeeting_historicalateliermeeting"), ("notifications", "0001_initial")]
AFTER = [("workspace", "0003_notifications_move_to_their_app")]
CREATED = dt.datetime(2025, 3, 4, 5, 6, 7, tzinfo=dt.UTC)


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_rows_are_copied_and_back(territory, member):
    try:
        apps = _migrate(BEFORE)
        old = apps.get_model("workspace", "Notification")
        old_pref = apps.get_model("workspace", "NotificationPreference")
        note = old.objects.create(
            user_id=member.pk, territory_id=territory.pk, kind="workspace.reply", title="Réponse", url="/x/"
        )
        old.objects.filter(pk=note.pk).update(created_at=CREATED, delivery="daily")
        old_pref.objects.create(user_id=member.pk, kind="workspace.mention", delivery="never")

        apps = _migrate(AFTER)
        new = apps.get_model("notifications", "Notification").objects.get()
        assert (new.pk, new.user_id, new.title, new.url, new.delivery) == (
            note.pk,
            member.pk,
            "Réponse",
            "/x/",
            "daily",
        )
        assert new.created_at == CREATED and new.body == "" and new.actor_id is None
        pref = apps.get_model("notifications", "NotificationPreference").objects.get()
        assert (pref.user_id, pref.kind, pref.delivery) == (member.pk, "workspace.mention", "never")
        # The next id follows the copied ones.
        assert (
            apps.get_model("notifications", "Notification")
            .objects.create(
                user_id=member.pk, territory_id=territory.pk, kind="workspace.reply", title="Suite"
            )
            .pk
            > note.pk
        )

        apps = _migrate(BEFORE)
        titles = apps.get_model("workspace", "Notification").objects.values_list("title", flat=True)
        assert sorted(titles) == ["Réponse", "Suite"]
        assert apps.get_model("workspace", "NotificationPreference").objects.get().delivery == "never"
        assert not apps.get_model("notifications", "Notification").objects.exists()
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
