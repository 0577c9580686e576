"""A need sent to many suppliers while the worker dies (#22, faults), for real: `maillage worker` runs as a
process on the PostgreSQL test database and mails over SMTP to a sink on loopback (aiosmtpd), which takes a
little time per message so that the kill lands mid-send. A buyer sends a validated need to SUPPLIERS
suppliers without a manager account (each mailed at its public address); the worker is SIGKILLed once a third
of the mails are in, then started again.

Then: no supplier got two mails; every supplier's mail is « envoyé » and in the sink, except at most the one
the worker was handing over when it died, which is never sent again and which the need's page says is of
« état inconnu »; nothing is left « en file »; the need itself was written whole (sent, SUPPLIERS recipients)
by the buyer's transaction, before any mail.

PostgreSQL only (the CI's test-postgres stage), like tests/faults/test_registration_burst.py.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import signal
import time
from collections import Counter

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from maillage.core.actors import SYSTEM
from maillage.core.models import Domain
from maillage.core.tasks import REAPED_EXCEPTION_PATH, reap_stale_tasks_task
from maillage.procurement import services
from maillage.procurement.models import MAIL_UNKNOWN_AFTER, MailState, NeedStatus, Recipient
from maillage.procurement.services.notices import NEED_MAIL_TASK
from tests.browser.mailbox import SMTPInbox
from tests.core.test_serve import free_port
from tests.core.test_tasks import DB_TASKS
from tests.faults.workers import finished, start_worker, stop_worker, wait_until, worker_env
from tests.procurement.factories import need, supplier

pytestmark = pytest.mark.django_db(transaction=True)

SUPPLIERS = 60
KILL_AFTER_MAILS = SUPPLIERS // 3
SMTP_DELAY = 0.1  # seconds the sink takes per message


class SlowInbox(SMTPInbox):
    """The sink takes its time before it answers « 250 » (a message is counted once it has its DATA)."""

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd)
        await asyncio.sleep(SMTP_DELAY)
        return await super().handle_DATA(server, session, envelope)


def test_a_need_sent_while_the_worker_dies_mails_each_supplier_at_most_once(  # noqa: PLR0915
    structure, animator, client, tmp_path, settings
):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL seulement (l'étape test-postgres de la CI) : un vrai processus travailleur")
    from aiosmtpd.controller import Controller

    logging.getLogger("mail.log").setLevel(logging.WARNING)
    settings.TASKS = DB_TASKS  # the queue table, which the worker process reads
    territory = structure.territory
    Domain.objects.get_or_create(territory=territory, name="127.0.0.1")
    addresses = [f"fournisseur{i:02d}@exemple.org" for i in range(SUPPLIERS)]
    for i, address in enumerate(addresses):
        supplier(territory, name=f"Fournisseur solidaire {i:02d}", public_email=address)
    item = need(structure, status="validated")

    inbox = SlowInbox()
    smtp = Controller(inbox, hostname="127.0.0.1", port=free_port())
    smtp.start()
    env = worker_env(smtp.port)
    log = tmp_path / "worker.log"
    worker = start_worker(env, log)
    try:
        recipients = services.send_next_batch(
            actor=SYSTEM, need=item, size=SUPPLIERS
        )  # the buyer presses « Envoyer »
        assert len(recipients) == SUPPLIERS
        item.refresh_from_db()
        assert item.status == NeedStatus.SENT
        assert Recipient.objects.filter(need=item, mail_state=MailState.PENDING).count() == SUPPLIERS
        assert DBTaskResult.objects.filter(task_path=NEED_MAIL_TASK).count() == SUPPLIERS

        wait_until(lambda: len(inbox.mails) >= KILL_AFTER_MAILS, "the first mails", log, step=0.01)
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait()
        killed_at = time.monotonic()
        received_at_kill = len(inbox.mails)
        assert received_at_kill < SUPPLIERS, "the mails were all sent before the kill"

        worker = start_worker(env, log)
        wait_until(
            lambda: not Recipient.objects.filter(need=item, mail_state=MailState.PENDING).exists(),
            "the rest of the mails",
            log,
        )
        time.sleep(max(0.0, 2.5 - (time.monotonic() - killed_at)))  # older than MAILLAGE_TASK_REAP_AFTER
        reap_stale_tasks_task.enqueue()
        wait_until(lambda: finished(reap_stale_tasks_task.module_path), "the reaper's run", log)
        time.sleep(2 * SMTP_DELAY + 1)  # a mail sent twice would come now

        received = Counter(to for mail in inbox.mails for to in mail.recipients)
        doubled = {to: n for to, n in received.items() if n > 1}
        assert not doubled, f"mailed twice: {doubled}"
        states = dict(
            Recipient.objects.filter(need=item).values_list("structure__public_email", "mail_state")
        )
        unknown = [a for a, s in states.items() if s == MailState.SENDING]
        assert len(unknown) <= 1, f"more than the mail in hand at the kill: {unknown}"
        assert all(states[a] == MailState.SENT for a in addresses if a not in unknown), Counter(
            states.values()
        )
        assert {a for a in received if a in addresses} - set(unknown) == set(addresses) - set(unknown)
        runs = DBTaskResult.objects.filter(task_path=NEED_MAIL_TASK)
        assert not runs.filter(status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]).exists()
        if unknown:  # its run, left RUNNING by the kill, was reaped and not run again
            assert runs.filter(exception_class_path=REAPED_EXCEPTION_PATH).count() == 1
            assert runs.count() == SUPPLIERS
        print(  # noqa: T201
            f"{received_at_kill} mails in at the kill; in the end {len(inbox.mails)} mails, "
            f"{len(unknown)} of unknown fate"
        )

        # The need's page says it, once the send is old enough to be known as interrupted.
        Recipient.objects.filter(need=item, mail_state=MailState.SENDING).update(
            mail_at=timezone.now() - MAIL_UNKNOWN_AFTER - dt.timedelta(minutes=1)
        )
        client.force_login(animator)
        page = client.get(reverse("procurement:need", args=[item.pk])).content.decode()
        assert page.count("état inconnu") == len(unknown)
        assert page.count(">envoyé<") == SUPPLIERS - len(unknown)
        item.refresh_from_db()
        assert item.status == NeedStatus.SENT and item.recipients.count() == SUPPLIERS
    finally:
        stop_worker(worker)
        smtp.stop()
