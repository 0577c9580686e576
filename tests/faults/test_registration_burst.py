"""A registration burst while web workers die (#22, faults): `maillage serve` (gunicorn, 2 workers, its task
worker mailing over SMTP to a sink on loopback) on the PostgreSQL test database; PEOPLE signed-in persons
register to an event of CAPACITY seats through the page, as the browser does (GET the form: CSRF cookie and
token; POST it), from CLIENTS threads. A gunicorn worker is killed (SIGKILL) twice mid-way; a person whose
request died presses the button once more.

Then: every person who got an answer has exactly one registration (none lost, none doubled), the seats are
never more than the capacity (the others on the waiting list, in order), and each registration got exactly
one mail — « Inscription confirmée » or « Liste d'attente » — no more, no less.

PostgreSQL only: the CI's test-postgres stage (SQLite runs one writer at a time; its concurrency is covered by
tests/events/test_concurrency.py).
"""

from __future__ import annotations

import logging
import os
import re
import signal
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from unittest.mock import patch

import httpx
import pytest
from django.conf import settings
from django.db import connection, transaction
from django.test import Client
from django_tasks_db.models import DBTaskResult

from bench.procs import children_of
from maillage.core.mail import SEND_MAIL_TASK_PATH
from maillage.core.models import Domain
from maillage.events import services
from maillage.events.models import Registration
from tests.browser.mailbox import SMTPInbox
from tests.core.test_serve import ROOT, child_pids, free_port, manage, start_serve, stop, wait_for
from tests.core.test_tasks import DB_TASKS, run_worker
from tests.events.factories import EventFactory
from tests.factories import UserFactory
from tests.replica_reads import replica_url

pytestmark = pytest.mark.django_db(transaction=True)

PEOPLE = 60
CAPACITY = 40
CLIENTS = 6
KILLS = (15, 35)  # a worker dies once this many people have had their answer
MAIL_SECONDS = 30
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def serve_env(smtp_port: int) -> dict[str, str]:
    """`maillage serve` on the test database, mailing the sink; same secret key as the test process (the
    sessions it signed in are read there)."""
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "MAILLAGE_SQLITE_PATH"}}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "tests.faults.serve_settings",
            "DATABASE_URL": url,
            "MAILLAGE_REPLICA_URL": replica_url(),  # the GETs read the replica, when the suite has one
            "MAILLAGE_DEBUG": "false",
            "MAILLAGE_SECRET_KEY": settings.SECRET_KEY,
            "MAILLAGE_TRUSTED_PROXIES": "127.0.0.1",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(smtp_port),
            "PYTHONPATH": str(ROOT),
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def register(base: str, slug: str, session: str, i: int) -> str:
    """One person registers as the page does. « ok »: the POST answered the redirect of a registration;
    « already »: a retry found the first attempt's registration; « died »: no answer (the worker died)."""
    path = f"/agenda/{slug}/inscription/"
    headers = {"X-Forwarded-For": f"10.0.{i // 256}.{i % 256}", "Referer": base + path}
    try:
        with httpx.Client(base_url=base, timeout=30, cookies={"sessionid": session}, headers=headers) as http:
            page = http.get(path)
            found = TOKEN.search(page.text)
            if page.status_code != 200 or found is None:
                return "died" if page.status_code >= 500 else f"page {page.status_code}"
            answer = http.post(path, data={"csrfmiddlewaretoken": found.group(1)})
    except httpx.TransportError:
        return "died"
    if answer.status_code == 302 and answer.headers["location"].rstrip("/").endswith(slug):
        return "ok"
    if answer.status_code == 400 and "déjà inscrit" in answer.text:
        return "already"
    return "died" if answer.status_code >= 500 else f"answer {answer.status_code}"


def test_a_registration_burst_survives_killed_web_workers(territory, tmp_path):  # noqa: PLR0915
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL seulement (l'étape test-postgres de la CI) : SQLite n'a qu'un écrivain")
    from aiosmtpd.controller import Controller

    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd's line per SMTP command

    Domain.objects.create(territory=territory, name="127.0.0.1")
    event = EventFactory(territory=territory, capacity=CAPACITY, slug="rafale")
    people = [UserFactory(email=f"personne{i:02d}@example.org") for i in range(PEOPLE)]
    sessions = []
    for person in people:  # signed in before the burst (signing in is not what is tested here)
        client = Client()
        client.force_login(person)
        sessions.append(client.cookies[settings.SESSION_COOKIE_NAME].value)

    inbox = SMTPInbox()
    smtp = Controller(inbox, hostname="127.0.0.1", port=free_port())
    smtp.start()
    env = serve_env(smtp.port)
    manage(env, "createcachetable")
    process, log, port = start_serve(env, tmp_path, "--workers", "2")
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: register_page_up(base, event.slug), "the registration page answers", process, log)
        master = child_pids(log)["web"]
        answered = Counter[str]()
        lock = threading.Lock()
        killed: list[int] = []

        def person(i: int) -> str:
            outcome = register(base, event.slug, sessions[i], i)
            if outcome == "died":  # the person presses the button once more
                outcome = register(base, event.slug, sessions[i], i)
            with lock:
                answered[outcome] += 1
            return outcome

        def killer() -> None:
            for mark in KILLS:
                while sum(answered.values()) < mark and len(killed) < len(KILLS):
                    time.sleep(0.005)
                workers = children_of(master)
                if workers:
                    os.kill(workers[0], signal.SIGKILL)
                    killed.append(workers[0])

        began = time.monotonic()
        watcher = threading.Thread(target=killer, daemon=True)
        watcher.start()
        with ThreadPoolExecutor(CLIENTS) as pool:
            outcomes = list(pool.map(person, range(PEOPLE)))
        watcher.join(timeout=10)
        assert len(killed) == len(KILLS), "the workers were not killed mid-way"

        registrations = list(Registration.objects.filter(event=event))
        by_person = Counter(r.user_id for r in registrations)
        doubled = {k: n for k, n in by_person.items() if n > 1}
        assert not doubled, f"registered twice: {doubled}"
        lost = [people[i].email for i, o in enumerate(outcomes) if o in {"ok", "already"}]
        lost = [email for email in lost if not any(r.email == email for r in registrations)]
        assert not lost, f"answered but not registered: {lost}"
        unexpected = {o for o in outcomes if o not in {"ok", "already", "died"}}
        assert not unexpected, (unexpected, log.read_text()[-3000:])
        seated = [r for r in registrations if r.state == Registration.State.REGISTERED]
        waiting = [r for r in registrations if r.state == Registration.State.WAITLISTED]
        assert len(seated) == min(CAPACITY, len(registrations))
        assert len(seated) + len(waiting) == len(registrations)
        sequences = sorted(r.sequence for r in registrations)
        assert len(set(sequences)) == len(sequences), "two registrations took the same place in line"
        assert max(r.sequence for r in seated) < min((r.sequence for r in waiting), default=10**9)

        # One mail per registration, of its kind, and no second one once the worker has gone quiet.
        expected = {r.email: "Liste d'attente" for r in waiting}
        expected |= {r.email: "Inscription confirmée" for r in seated}
        print(f"burst {time.monotonic() - began:.1f}s, outcomes {dict(answered)}")  # noqa: T201
        deadline = time.monotonic() + MAIL_SECONDS
        while len(inbox.mails) < len(expected) and time.monotonic() < deadline:
            time.sleep(0.2)
        print(f"mails {time.monotonic() - began:.1f}s")  # noqa: T201
        time.sleep(3)  # a duplicate would come now
        received = Counter((to, m.subject.split(" : ")[0]) for m in inbox.mails for to in m.recipients)
        wanted = Counter(expected.items())
        queued = DBTaskResult.objects.filter(task_path=SEND_MAIL_TASK_PATH).count()
        assert received == wanted, (
            f"sent twice: {dict(received - wanted)}; never sent: {dict(wanted - received)}; "
            f"{queued} mail tasks queued, outcomes {dict(answered)}"
        )
    finally:
        stop(process)
        smtp.stop()


def test_the_registration_mail_is_queued_with_the_registration(territory, member, settings, mailoutbox):
    """The window the burst hits, made certain: the web process dies right after the COMMIT, before any
    on-commit hook runs. The mail's task is in the queue all the same (it was written in the transaction),
    and the worker sends it once."""
    settings.TASKS = DB_TASKS
    event = EventFactory(territory=territory, capacity=1)
    with patch.object(transaction, "on_commit", lambda *args, **kwargs: None):  # killed after the COMMIT
        services.register_account(actor=member, event=event)
    assert DBTaskResult.objects.count() == 1, "nothing queued: the mail was lost with the process"

    run_worker()
    run_worker()  # the mail task the first run queued
    assert [m.subject.split(" : ")[0] for m in mailoutbox] == ["Inscription confirmée"]
    assert mailoutbox[0].to == [member.email]


def test_a_rolled_back_registration_queues_no_mail(territory, member, settings):
    settings.TASKS = DB_TASKS
    event = EventFactory(territory=territory, capacity=1)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.register_account(actor=member, event=event)
        raise RuntimeError("the request fails after the service")
    assert not Registration.objects.exists()
    assert not DBTaskResult.objects.exists()


def register_page_up(base: str, slug: str) -> bool:
    try:
        return httpx.get(f"{base}/agenda/{slug}/", timeout=5).status_code == 200
    except httpx.HTTPError:
        return False
