"""A 1,200-row table import (issue #13.5): how long it takes, the longest transaction it holds (on SQLite,
its longest hold of the database's write lock), whether another writer gets through meanwhile, and whether
the status page sees the progress as it goes.

The import runs as the worker runs it (`tasks.run_batch`: the dry run, then the commit) on the demo
territory, from a CSV of 1,200 structures with valid SIRETs and their communes. Meanwhile a second thread,
like a web request, writes one row every 50 ms with a 5 s busy timeout (`PRAGMA busy_timeout=5000`), and
reads the batch's progress. The importing thread's transactions are timed from the connection's switch out
of autocommit (`BEGIN IMMEDIATE`: the write lock) to its return (the commit).

    .venv/bin/python bench/bench_import.py [ROWS]        (default 1,200)
"""

from __future__ import annotations

import random
import sys
import threading
import time

from _setup import setup_django

ADJECTIVES = ["solidaire", "partagé", "coopératif", "vert", "local", "citoyen", "durable", "ouvert", "libre"]
NOUNS = ["Atelier", "Jardin", "Café", "Épicerie", "Recyclerie", "Chantier", "Théâtre", "Garage", "Fournil"]


def a_siret(n: int) -> str:
    from stdnum import luhn

    siren = f"{70000000 + n:08d}"
    siren += luhn.calc_check_digit(siren)
    body = f"{siren}0001"
    return body + luhn.calc_check_digit(body)


def table(rows: int, communes: list[str]) -> str:
    rnd = random.Random(13)
    lines = ["Nom;SIRET;Commune;Adresse"]
    for n in range(rows):
        name = f"{rnd.choice(NOUNS)} {rnd.choice(ADJECTIVES)} n° {n} {rnd.randrange(10**6):06d}"
        lines.append(f"{name};{a_siret(n)};{rnd.choice(communes)};")
    return "\n".join(lines) + "\n"


class TransactionClock:
    """Times each transaction of one thread: from leaving autocommit to returning to it."""

    def __init__(self, thread: threading.Thread) -> None:
        from django.db.backends.base.base import BaseDatabaseWrapper

        self.thread, self.durations, self._started = thread, [], None
        original = BaseDatabaseWrapper.set_autocommit

        def set_autocommit(conn, autocommit, *args, **kwargs):
            if threading.current_thread() is self.thread:
                if not autocommit:
                    self._started = time.perf_counter()
                elif self._started is not None:
                    self.durations.append(time.perf_counter() - self._started)
                    self._started = None
            return original(conn, autocommit, *args, **kwargs)

        BaseDatabaseWrapper.set_autocommit = set_autocommit


def writer(stop: threading.Event, batch_id: int, structure_id: int, figures: dict) -> None:
    """Another writer (a web request): one short write every 50 ms, 5 s of patience; reads the progress."""
    from django.db import OperationalError, connection, transaction

    from maillage.actors.models import ImportBatch, Structure

    connection.ensure_connection()
    connection.connection.execute("PRAGMA busy_timeout=5000")
    while not stop.is_set():
        start = time.perf_counter()
        try:
            with transaction.atomic():
                Structure.objects.filter(pk=structure_id).update(description=f"écrit à {time.time()}")
        except OperationalError as exc:
            figures["failed"] += 1
            figures["error"] = str(exc)
        else:
            figures["ok"] += 1
        figures["max_wait"] = max(figures["max_wait"], time.perf_counter() - start)
        progress = ImportBatch.objects.filter(pk=batch_id).values_list("progress", flat=True).first()
        figures["progress_seen"].add(progress)
        time.sleep(0.05)
    connection.close()


def run(phase: str, batch_id: int, structure_id: int) -> None:
    from maillage.actors import tasks

    figures = {"ok": 0, "failed": 0, "max_wait": 0.0, "error": "", "progress_seen": set()}
    clock = TransactionClock(threading.current_thread())
    stop = threading.Event()
    thread = threading.Thread(target=writer, args=(stop, batch_id, structure_id, figures))
    thread.start()
    start = time.perf_counter()
    batch = tasks.run_batch(batch_id)
    total = time.perf_counter() - start
    stop.set()
    thread.join()
    longest = max(clock.durations, default=0.0)
    live = sorted(p for p in figures["progress_seen"] if p and p < batch.progress)
    print(
        f"{phase}: state={batch.state} total_s={total:.2f} transactions={len(clock.durations)} "
        f"longest_transaction_ms={longest * 1000:.0f} concurrent_writes_ok={figures['ok']} "
        f"concurrent_writes_failed={figures['failed']} "
        f"concurrent_max_wait_ms={figures['max_wait'] * 1000:.0f} "
        f"progress_values_seen_during_import={len(live)} counts={batch.report.get('counts')}"
        + (f" error={figures['error']!r}" if figures["error"] else "")
    )


def main(rows: int) -> None:
    setup_django()
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from maillage.actors.models import ImportBatch, Structure
    from maillage.core.models import Territory

    territory = Territory.objects.get(slug="pays-de-grasse")
    communes = list(territory.communes.values_list("insee_code", flat=True))
    name = default_storage.save("private/imports/bench/base.csv", ContentFile(table(rows, communes).encode()))
    mapping = {"name": "Nom", "siret": "SIRET", "commune": "Commune", "address": "Adresse"}
    batch = ImportBatch.objects.create(
        territory=territory, kind="table", source="bench", files=[name], mapping=mapping
    )
    other = Structure.objects.filter(territory=territory).values_list("pk", flat=True).first()
    run(f"dry run of {rows} rows", batch.pk, other)
    ImportBatch.objects.filter(pk=batch.pk).update(commit=True, state="queued")  # « importer pour de bon »
    run(f"commit of {rows} rows", batch.pk, other)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1200)
