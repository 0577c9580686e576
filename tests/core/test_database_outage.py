"""The database unavailable for real (#22, faults): `maillage serve` (gunicorn, its worker and scheduler)
talks to PostgreSQL through a TCP proxy that the test cuts. Every page then answers a clear 503 in French (the
API: problem details), with Retry-After; when the database comes back the same processes serve again, without
a restart. PostgreSQL only: SQLite is a file, it does not go away."""

from __future__ import annotations

import json
import os
import time
import urllib.error
import urllib.request

import pytest
from django.db import connection, connections

from maillage.core import replica
from maillage.core.models import Domain
from tests.core.tcp_proxy import TcpProxy
from tests.core.test_serve import ROOT, alive, child_pids, manage, start_serve, stop
from tests.replica_reads import replica_url

pytestmark = pytest.mark.django_db(transaction=True)


def fetch(url: str) -> tuple[int | None, dict[str, str], str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (loopback only)
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read().decode()
    except OSError:
        return None, {}, ""


def wait_for(url: str, status: int, seconds: float) -> tuple[int | None, dict[str, str], str]:
    deadline = time.monotonic() + seconds
    answer = fetch(url)
    while answer[0] != status and time.monotonic() < deadline:
        time.sleep(0.5)
        answer = fetch(url)
    return answer


def test_the_database_down_gives_503_pages_and_the_same_server_recovers(territory, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL seulement (l'étape test-postgres de la CI) : une base SQLite ne tombe pas")
    Domain.objects.create(territory=territory, name="127.0.0.1")
    db = connection.settings_dict
    proxy = TcpProxy(db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432))
    # With the suite's streaming replica (the CI), the server reads it through a proxy of its own: both cut.
    proxies = [proxy]
    if replica_url():
        replica_db = connections[replica.REPLICA].settings_dict
        proxies.append(TcpProxy(replica_db["HOST"] or "127.0.0.1", int(replica_db["PORT"])))
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "MAILLAGE_SQLITE_PATH"}}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.dev",
            "DATABASE_URL": f"postgres://{db['USER']}@127.0.0.1:{proxy.port}/{db['NAME']}",
            "MAILLAGE_REPLICA_URL": replica_url(proxies[-1].port) if len(proxies) > 1 else "",
            "MAILLAGE_DEBUG": "false",
            "PYTHONPATH": str(ROOT),
            "PYTHONUNBUFFERED": "1",
        }
    )
    manage(env, "createcachetable")  # the settings' database cache (the tests' own settings use memory)
    process, log, port = start_serve(env, tmp_path)
    home, api = f"http://127.0.0.1:{port}/", f"http://127.0.0.1:{port}/api/v1/structures"
    try:
        status, _, body = wait_for(home, 200, 120)
        assert status == 200, log.read_text()[-3000:]
        assert territory.name in body
        children = child_pids(log)

        for each in proxies:
            each.cut()
        status, headers, body = fetch(home)
        assert status == 503, body[:500]
        assert "Service momentanément indisponible" in body
        assert "Réessayez dans une minute" in body
        assert headers.get("Retry-After") == "60"
        status, headers, body = fetch(api)
        assert status == 503
        assert headers["Content-Type"].startswith("application/problem+json")
        problem = json.loads(body)
        assert (problem["status"], problem["title"]) == (503, "Service momentanément indisponible")
        time.sleep(3)  # the worker and the scheduler poll the database meanwhile, and fail
        assert fetch(home)[0] == 503, log.read_text()[-4000:]

        for each in proxies:
            each.restore()
        status, _, body = wait_for(home, 200, 30)
        assert status == 200, log.read_text()[-3000:]
        assert territory.name in body
        assert wait_for(api, 200, 10)[0] == 200
        assert process.poll() is None, "serve s'est arrêté pendant la panne"
        assert all(alive(pid) for pid in children.values()), (children, log.read_text()[-3000:])
    finally:
        stop(process)
        for each in proxies:
            each.close()
