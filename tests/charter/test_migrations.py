"""The migrations that put the charter's machines on core's log keep the history: a version's lines are
renamed in place, a signature's acts become its log, an amendment gets its history from its own fields."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from tests.factories import StructureFactory, TerritoryFactory, UserFactory

BEFORE = [("charter", "0002_signature_ceremony_event")]
AFTER = [("charter", "0004_signature_and_amendment_logs")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_the_logs_keep_the_history():
    territory = TerritoryFactory()
    structure = StructureFactory(territory=territory)
    manager, author, animator = UserFactory(), UserFactory(), UserFactory()
    old = migrate(BEFORE)
    try:
        charter = old.get_model("charter", "Charter").objects.create(territory_id=territory.pk)
        version = old.get_model("charter", "CharterVersion").objects.create(
            charter=charter, number=1, status="adopted"
        )
        old.get_model("charter", "VersionTransition").objects.create(
            version=version, from_status="open", to_status="adopted", actor_id=animator.pk, note="Adoptée"
        )
        signature = old.get_model("charter", "Signature").objects.create(
            version=version,
            structure_id=structure.pk,
            signer_name="Camille Martin",
            signer_role="présidente",
            signed_on=dt.date(2026, 1, 1),
            status="withdrawn",
        )
        events = old.get_model("charter", "SignatureEvent").objects
        events.create(signature=signature, action="signed", actor_id=manager.pk)
        events.create(signature=signature, action="withdrawn", actor_id=manager.pk, note="Fin")
        events.create(signature=signature, action="anonymised")
        article = old.get_model("charter", "Article").objects.create(
            version=version, position=1, title="Coopérer", body="Nous coopérons."
        )
        old.get_model("charter", "Amendment").objects.create(
            article=article,
            author_id=author.pk,
            text="Autre",
            status="rejected",
            decided_by_id=animator.pk,
            decided_at=timezone.now(),
            decision_reason="Non.",
        )
        new = migrate(AFTER)
        transitions = new.get_model("charter", "VersionTransition").objects
        assert list(transitions.values_list("from_state", "to_state", "actor_id", "note")) == [
            ("open", "adopted", animator.pk, "Adoptée")
        ]
        signature_log = new.get_model("charter", "SignatureTransition").objects.order_by("pk")
        assert list(signature_log.values_list("from_state", "to_state", "actor_id", "note")) == [
            ("", "active", manager.pk, ""),
            ("active", "withdrawn", manager.pk, "Fin"),
        ]
        amendment_log = new.get_model("charter", "AmendmentTransition").objects.order_by("pk")
        assert list(amendment_log.values_list("from_state", "to_state", "actor_id", "note")) == [
            ("", "proposed", author.pk, "état à la mise en place du journal"),
            ("proposed", "rejected", animator.pk, "Non."),
        ]
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
