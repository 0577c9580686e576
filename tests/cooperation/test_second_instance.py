"""A real second Maillage installation on loopback: its own SQLite file, migrated, with a territory that
shares two practices, served by `runserver` in a subprocess. This instance subscribes to it and imports
its shared items with their provenance; a second run imports nothing new; once the other side is stopped,
the status says « en erreur » and the previous imports stay."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from maillage.cooperation import services
from maillage.cooperation.models import ImportedItem
from maillage.cooperation.tasks import refresh_subscription
from tests.core.test_serve import ROOT, free_port, http_status, wait_for

# Starts its own installation in a subprocess, on SQLite whatever the suite's database: the SQLite pass only
# (scripts/run_tests.py leaves the « processes » tests out of the PostgreSQL pass).
pytestmark = [pytest.mark.django_db, pytest.mark.processes]

SETUP_REMOTE = """
from maillage.core.models import Domain, Territory
from maillage.core.actors import system
from maillage.actors.services import create_structure, save_practice
from maillage.cooperation.services import share_item
actor = system("installation de test")
t, _ = Territory.objects.get_or_create(slug="lointain", defaults={{"name": "Pays lointain",
    "canonical_url": "http://127.0.0.1:{port}"}})
Domain.objects.get_or_create(territory=t, name="127.0.0.1")
s = create_structure(actor=actor, territory=t, data={{"name": "Régie de quartier du Pays lointain",
    "family": "association"}})
for title in ("Une régie qui embauche ses habitants", "Un chantier d'insertion en maraîchage"):
    p = save_practice(actor=actor, structure=s, title=title, themes=["ancrage"], summary="Partagée.")
    share_item(actor=actor, territory=t, practice=p)
save_practice(actor=actor, structure=s, title="Une pratique non partagée", themes=["ancrage"])
"""


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run(  # noqa: S603
        [sys.executable, "-m", "maillage.cli", *args],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=1800,  # a loaded machine migrates slowly; this bounds a broken run only
    )


def migrated_template(env: dict[str, str]) -> Path:
    """A migrated, empty SQLite file, kept in var/test-db/ under the fingerprint of every migration (the
    whole schema takes minutes to migrate on a loaded machine; a changed migration makes a new one)."""
    digest = hashlib.sha256()
    for path in sorted(ROOT.glob("maillage/*/migrations/*.py")):
        digest.update(path.name.encode() + path.read_bytes())
    template = ROOT / "var" / "test-db" / f"remote-{digest.hexdigest()[:16]}.sqlite3"
    if not template.exists():
        building = template.with_suffix(f".{os.getpid()}.tmp")
        manage({**env, "MAILLAGE_SQLITE_PATH": str(building)}, "migrate", "--noinput")
        manage({**env, "MAILLAGE_SQLITE_PATH": str(building)}, "createcachetable")
        building.replace(template)
    return template


@pytest.fixture(scope="module")
def remote(tmp_path_factory):
    port = free_port()
    path = tmp_path_factory.mktemp("remote") / "maillage.sqlite3"
    # Its own SQLite file, no replica and no shared cache: nothing of the suite's databases (the PostgreSQL
    # stage exports its primary and streaming replica).
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "MAILLAGE_REPLICA_URL"}
        and not k.startswith("MAILLAGE_TEST_")
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.dev",
            "MAILLAGE_SQLITE_PATH": str(path),
            "MAILLAGE_DEBUG": "false",
            "MAILLAGE_DEFAULT_TERRITORY": "lointain",
            "PYTHONPATH": os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep),
            "PYTHONUNBUFFERED": "1",
        }
    )
    shutil.copyfile(migrated_template(env), path)
    manage(env, "shell", "-c", SETUP_REMOTE.format(port=port))
    log = path.parent / "runserver.log"
    with log.open("wb") as out:
        process = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "maillage.cli", "runserver", f"127.0.0.1:{port}", "--noreload"],
            env=env,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: http_status(f"{url}/api/v1/sante") in (200, 503), "the remote's API", process, log)
        yield {"url": url, "process": process}
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=30)


def test_subscribe_import_again_then_other_side_down(remote, settings, animator, territory):
    settings.MAILLAGE_HTTP_ALLOW_LOOPBACK = True
    subscription = services.add_subscription(actor=animator, territory=territory, url=remote["url"] + "/")

    assert refresh_subscription(subscription.pk) == "ok"
    subscription.refresh_from_db()
    items = list(ImportedItem.objects.of(territory).order_by("title"))
    assert [i.title for i in items] == [
        "Un chantier d'insertion en maraîchage",
        "Une régie qui embauche ses habitants",
    ]
    assert {i.origin_territory for i in items} == {"Pays lointain"}
    assert all(i.source_url.startswith(remote["url"] + "/structures/") for i in items)
    assert {i.origin_structure for i in items} == {"Régie de quartier du Pays lointain"}
    assert (subscription.name, subscription.items_count, subscription.last_added) == ("Pays lointain", 2, 2)

    assert refresh_subscription(subscription.pk) == "ok"
    subscription.refresh_from_db()
    assert (subscription.last_added, subscription.last_updated, subscription.last_removed) == (0, 0, 0)
    assert list(ImportedItem.objects.of(territory).order_by("title")) == items

    remote["process"].send_signal(signal.SIGTERM)
    remote["process"].wait(timeout=30)
    assert refresh_subscription(subscription.pk) == "error"
    subscription.refresh_from_db()
    assert subscription.get_state_display() == "en erreur"
    assert "Connexion impossible" in subscription.last_error
    assert list(ImportedItem.objects.of(territory).order_by("title")) == items
