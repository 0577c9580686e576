"""The lettre d'information to 10,000 subscribers through a real SMTP server on loopback (aiosmtpd).

Phase 1: one issue, sent by a real `db_worker` process (queue « mail ») in batches: wall time from
« envoyer » to the issue being « envoyé », messages received, duplicates by Message-ID.
Phase 2: a second issue; the worker is killed with SIGKILL about halfway, the stale task is reaped (as the
periodic reaper would), a new worker is started: duplicates by Message-ID must be 0, deliveries left in
the unknown state (« sending ») at most 1 per kill, every other recipient delivered.

.venv/bin/python bench/bench_newsletter.py [N]      (default 10000 subscribers)
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

from aiosmtpd.controller import Controller

sys.path.insert(0, str(Path(__file__).resolve().parent))


class CountingHandler:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.ids: Counter[str] = Counter()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        message_id = ""
        for line in envelope.content.split(b"\r\n"):
            if line.lower().startswith(b"message-id:"):
                message_id = line.split(b":", 1)[1].strip().decode()
                break
            if not line:
                break
        with self.lock:
            self.ids[message_id] += 1
        return "250 Message accepted for delivery"

    def snapshot(self) -> tuple[int, int]:
        with self.lock:
            total = sum(self.ids.values())
            duplicates = sum(c - 1 for c in self.ids.values() if c > 1)
        return total, duplicates

    def reset(self) -> None:
        with self.lock:
            self.ids.clear()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_worker(log) -> subprocess.Popen:
    maillage = Path(sys.executable).with_name("maillage")
    return subprocess.Popen(  # noqa: S603
        [str(maillage), "db_worker", "--queue-name", "mail", "--interval", "0.05", "--no-startup-delay"],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=os.environ.copy(),
    )


def _setup_smtp() -> Path:
    """What `_setup.setup_django(demo=False)` does, on this benchmark's settings (the SMTP backend)."""
    import atexit
    import shutil
    import tempfile

    workdir = Path(tempfile.mkdtemp(prefix="maillage-bench-"))
    atexit.register(shutil.rmtree, workdir, ignore_errors=True)
    (workdir / "static").mkdir()
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench_newsletter_settings"
    os.environ["MAILLAGE_DEBUG"] = "false"
    os.environ["MAILLAGE_SQLITE_PATH"] = str(workdir / "bench.sqlite3")
    os.environ["MAILLAGE_MEDIA_ROOT"] = str(workdir / "media")
    os.environ["MAILLAGE_STATIC_ROOT"] = str(workdir / "static")
    os.environ.pop("DATABASE_URL", None)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)
    return workdir


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd's per-command log
    handler = CountingHandler()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    here = str(Path(__file__).resolve().parent)
    os.environ.update(
        {
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(port),
            "EMAIL_USE_TLS": "false",
            "PYTHONPATH": os.pathsep.join([here, str(Path(here).parent), os.environ.get("PYTHONPATH", "")]),
        }
    )

    workdir = _setup_smtp()
    from django.utils import timezone

    from maillage.core.models import Domain, Territory
    from maillage.core.tasks import reap_stale_tasks
    from maillage.newsletter import services
    from maillage.newsletter.models import Delivery, Issue, Subscriber

    territory = Territory.objects.create(
        name="Pays de Grasse (banc d'essai)", slug="banc", canonical_url="https://banc.example.org"
    )
    Domain.objects.create(territory=territory, name="banc.example.org")
    now = timezone.now()
    Subscriber.objects.bulk_create(
        [
            Subscriber(
                territory=territory,
                email=f"abonne{i:05d}@banc.example.org",
                consent_text="banc d'essai",
                consent_at=now,
                confirmed_at=now,
            )
            for i in range(n)
        ],
        batch_size=2000,
    )
    log = open(workdir / "worker.log", "w")  # noqa: SIM115

    def new_issue(number: int) -> Issue:
        return services.create_issue(
            actor=None,
            territory=territory,
            title=f"Numéro de banc d'essai {number}",
            editorial="Bonjour à **toutes et tous** : voici les nouvelles du mois.",
            providers=["newsletter.editorial"],
        )

    def counts(issue: Issue) -> dict[str, int]:
        return dict(Counter(Delivery.objects.filter(issue=issue).values_list("state", flat=True)))

    def wait_sent(issue: Issue, limit: float) -> float:
        start = time.perf_counter()
        while time.perf_counter() - start < limit:
            issue.refresh_from_db()
            if issue.status == Issue.Status.SENT:
                return time.perf_counter() - start
            time.sleep(0.2)
        raise SystemExit(f"issue {issue.number} not sent after {limit} s: {counts(issue)}")

    # --- phase 1: a clean send -------------------------------------------------------------------
    issue = new_issue(1)
    started = time.perf_counter()
    services.start_sending(actor=None, issue=issue)
    worker = start_worker(log)
    wait_sent(issue, 900)
    elapsed = time.perf_counter() - started
    worker.terminate()
    worker.wait(30)
    time.sleep(0.5)
    received, duplicates = handler.snapshot()
    c1 = counts(issue)
    print(
        f"phase 1: {n} subscribers, sent in {elapsed:.1f} s ({n / elapsed:.0f} msg/s); "
        f"received {received}, duplicates by Message-ID {duplicates}, states {c1}",
        flush=True,
    )

    # --- phase 2: killed halfway -----------------------------------------------------------------
    handler.reset()
    issue = new_issue(2)
    started = time.perf_counter()
    services.start_sending(actor=None, issue=issue)
    worker = start_worker(log)
    while Delivery.objects.filter(issue=issue, state="sent").count() < n // 2:
        time.sleep(0.05)
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait(30)
    at_kill = counts(issue)
    reaped = reap_stale_tasks(older_than=timedelta(0))
    worker = start_worker(log)
    wait_sent(issue, 900)
    elapsed = time.perf_counter() - started
    worker.terminate()
    worker.wait(30)
    time.sleep(0.5)
    received, duplicates = handler.snapshot()
    c2 = counts(issue)
    unknown = c2.get("sending", 0)
    delivered_ok = c2.get("sent", 0) + unknown == n and received in (
        c2.get("sent", 0),
        c2.get("sent", 0) + unknown,
    )
    print(
        f"phase 2: killed (SIGKILL) at {at_kill}, reaped {reaped.reaped} run(s), "
        f"re-enqueued {reaped.requeued}; "
        f"finished in {elapsed:.1f} s; received {received}, duplicates by Message-ID {duplicates}, "
        f"unknown state {unknown}, states {c2}, all others delivered: {delivered_ok}",
        flush=True,
    )
    controller.stop()
    ok = c1.get("sent") == n and duplicates == 0 and unknown <= 1 and delivered_ok
    print("RESULT:", "OK" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
