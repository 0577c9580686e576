"""SQLite as DESIGN.md wants it: WAL, a busy timeout, IMMEDIATE transactions, and no « database is locked ».

The test database is a file (config/settings/test.py), so WAL and locking behave as in production.
"""

from __future__ import annotations

import threading
import time

import pytest
from django.db import OperationalError, connection, transaction

from maillage.core.db import is_postgres, is_sqlite, lock_row
from maillage.core.models import ScheduledJob

sqlite_only = pytest.mark.skipif("connection.vendor != 'sqlite'", reason="SQLite seulement")


@sqlite_only
@pytest.mark.django_db
def test_pragmas_are_in_force():
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] >= 5000
        cursor.execute("PRAGMA foreign_keys")
        assert cursor.fetchone()[0] == 1
    assert connection.settings_dict["NAME"] != ":memory:"
    assert "mode=memory" not in str(connection.settings_dict["NAME"])


@sqlite_only
@pytest.mark.django_db
def test_transaction_mode_is_immediate():
    assert connection.transaction_mode == "IMMEDIATE"
    assert is_sqlite() and not is_postgres()


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_a_transaction_takes_the_write_lock_at_once():
    """Inside atomic(), another connection cannot start writing: BEGIN IMMEDIATE holds the lock."""
    import sqlite3

    ScheduledJob.objects.create(name="verrou")
    other = sqlite3.connect(connection.settings_dict["NAME"], timeout=0, isolation_level=None)
    try:
        with transaction.atomic():
            ScheduledJob.objects.filter(name="verrou").exists()  # a read only, yet the lock is taken
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
    finally:
        other.close()


def _race(mode: str, iterations: int = 40) -> tuple[list[str], int]:
    """Two threads, each with its own connection, doing read-then-write transactions on one counter."""
    job = ScheduledJob.objects.create(name=f"compteur-{mode}", run_count=0)
    errors: list[str] = []
    start = threading.Barrier(2)

    def worker() -> None:
        # This thread's connection is created on first use: give it the transaction mode under test.
        settings_dict = dict(connection.settings_dict)
        settings_dict["OPTIONS"] = {**settings_dict["OPTIONS"], "transaction_mode": mode}
        connection.settings_dict = settings_dict
        try:
            start.wait(timeout=10)
            for _ in range(iterations):
                try:
                    with transaction.atomic():
                        count = ScheduledJob.objects.get(pk=job.pk).run_count
                        time.sleep(0.002)  # widen the window between the read and the write
                        ScheduledJob.objects.filter(pk=job.pk).update(run_count=count + 1)
                except OperationalError as exc:
                    errors.append(str(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    job.refresh_from_db()
    return errors, job.run_count


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_writers_do_not_fail():
    errors, count = _race("IMMEDIATE")
    assert errors == []
    assert count == 80  # no error and no lost update


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_the_same_race_fails_with_deferred_transactions():
    """Proof that the test above can fail: with DEFERRED, a reader upgrading to writer gets « locked »."""
    errors, count = _race("DEFERRED")
    assert errors, "DEFERRED transactions were expected to collide"
    assert all("database is locked" in e for e in errors)
    assert count < 80


@pytest.mark.django_db(transaction=True)
def test_lock_row():
    """On both databases: outside a transaction it refuses; inside it returns the row to update."""
    job = ScheduledJob.objects.create(name="à verrouiller")
    with pytest.raises(RuntimeError):
        lock_row(ScheduledJob.objects.all(), job.pk)
    with transaction.atomic():
        locked = lock_row(ScheduledJob.objects.all(), job.pk)
        locked.run_count += 1
        locked.save(update_fields=["run_count"])
    job.refresh_from_db()
    assert job.run_count == 1
