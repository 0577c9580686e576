#!/usr/bin/env python3
"""Run Maillage as docs/deployment.md installs it, behind Debian's nginx, and check it from outside.

    scripts/check_deployment.py full    # the CI stage « deployment »: PostgreSQL, the whole guide
    scripts/check_deployment.py proxy   # only nginx → `maillage serve` → the client's address (SQLite)
    scripts/check_deployment.py readme  # the CI stage « readme »: `make demo PORT=…` as the README says

`full` follows docs/deployment.md on this checkout: production settings from the environment (a random
secret key, DATABASE_URL to a fresh PostgreSQL database `maillage_deploy`, Redis when it answers), `migrate`,
`createcachetable`, `collectstatic`, `check --deploy`, the demo data (so that every page has something to
show), then `maillage serve` (gunicorn + worker + scheduler) behind nginx configured from deploy/nginx.conf
(its @…@ values set for loopback ports and a self-signed certificate). Through nginx, over HTTPS: the main
pages answer 200, a static file is served, and the rate limit counts per client address (two clients on
127.0.0.2 and 127.0.0.3, one of them forging X-Forwarded-For). Everything is stopped at the end.

`readme` runs `make demo PORT=<free port>` in this checkout (its own process group), waits for the home
page, fetches the same main pages over plain HTTP, then stops the whole group.

`proxy` is the client-address check alone, on a throw-away SQLite database (tests/deploy/test_nginx.py
runs it).

nginx runs unprivileged-friendly: its own prefix, configuration, pid file, logs and temp paths in a
temporary directory, `daemon off`, loopback ports only. Exit code 0 when every check passed.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NGINX_SITE = ROOT / "deploy" / "nginx.conf"
HOST = "localhost"  # a domain of the demo territory (and of the `proxy` check's territory)
DEADLINE_SECONDS = 120
EXPORT_PATH = "/structures/export.csv"
EXPORT_LIMIT = 30  # maillage.actors.views.structure_export: 30 per client address per hour


def say(message: str) -> None:
    print(message, flush=True)


def venv_bin(name: str) -> str:
    candidate = Path(sys.executable).parent / name
    return str(candidate) if candidate.exists() else name


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_port(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + DEADLINE_SECONDS
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            return
        if process.poll() is not None:
            break
        time.sleep(0.2)
    raise RuntimeError(f"rien n'écoute sur le port {port}.\n{tail(log)}")


def tail(path: Path, size: int = 4000) -> str:
    return path.read_text(errors="replace")[-size:] if path.exists() else ""


# --- nginx ----------------------------------------------------------------------------------------------


def render_site(
    *, http_port: int, https_port: int, upstreams: list[str], static_root: Path, cert: Path, key: Path
) -> str:
    """deploy/nginx.conf with its @…@ values set (the `server @UPSTREAM@;` line once per web node); refuses a
    placeholder left unset."""
    values = {
        "SERVER_NAME": f"{HOST} 127.0.0.1",
        "HTTP_PORT": f"127.0.0.1:{http_port}",
        "HTTPS_PORT": f"127.0.0.1:{https_port}",
        "CERTIFICATE": str(cert),
        "CERTIFICATE_KEY": str(key),
        "STATIC_ROOT": f"{static_root}/",
    }
    text = "\n".join(
        line for line in NGINX_SITE.read_text().splitlines() if not line.lstrip().startswith("#")
    )
    text = re.sub(
        r"^(\s*)server @UPSTREAM@;$",
        lambda line: "\n".join(f"{line.group(1)}server {upstream};" for upstream in upstreams),
        text,
        flags=re.M,
    )
    for name, value in values.items():
        text = text.replace(f"@{name}@", value)
    left = re.findall(r"@[A-Z_]+@", text)
    if left:
        raise RuntimeError(f"deploy/nginx.conf : valeurs non remplacées {left}")
    return text


def self_signed_certificate(workdir: Path) -> tuple[Path, Path]:
    cert, key = workdir / "cert.pem", workdir / "key.pem"
    openssl = shutil.which("openssl") or "/usr/bin/openssl"
    subprocess.run(  # noqa: S603
        [
            openssl,
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            f"/CN={HOST}",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],  # fmt: skip
        check=True,
        capture_output=True,
    )
    return cert, key


def nginx_main_conf(workdir: Path, site: str) -> Path:
    temp = workdir / "temp"
    temp.mkdir(exist_ok=True)
    user = "user root root;\n" if os.geteuid() == 0 else ""  # as root, workers would drop to nobody
    conf = workdir / "nginx.conf"
    conf.write_text(
        f"""{user}worker_processes 1;
daemon off;
pid {workdir}/nginx.pid;
error_log {workdir}/error.log warn;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {workdir}/access.log;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
{site}
}}
"""
    )
    return conf


def nginx_binary() -> str:
    for candidate in (shutil.which("nginx"), "/usr/sbin/nginx"):
        if candidate and Path(candidate).exists():
            return candidate
    raise RuntimeError("nginx est absent : apt-get install nginx")


@contextlib.contextmanager
def running(
    argv: list[str], *, env: dict[str, str] | None, log: Path, name: str
) -> Iterator[subprocess.Popen]:
    """A process in its own process group, stopped (SIGTERM, then SIGKILL) with all its children."""
    with log.open("w") as out:
        process = subprocess.Popen(  # noqa: S603
            argv, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        yield process
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            say(f"{name} ne s'arrête pas : SIGKILL")
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@contextlib.contextmanager
def nginx_in_front(workdir: Path, *, upstreams: list[str], static_root: Path) -> Iterator[int]:
    """nginx from deploy/nginx.conf on loopback, in front of one or more web nodes; yields its HTTPS port."""
    http_port, https_port = free_port(), free_port()
    cert, key = self_signed_certificate(workdir)
    site = render_site(
        http_port=http_port,
        https_port=https_port,
        upstreams=upstreams,
        static_root=static_root,
        cert=cert,
        key=key,
    )
    conf = nginx_main_conf(workdir, site)
    nginx = nginx_binary()
    test = subprocess.run([nginx, "-t", "-p", str(workdir), "-c", str(conf)], capture_output=True, text=True)  # noqa: S603
    if test.returncode != 0:
        raise RuntimeError(f"configuration nginx refusée :\n{test.stderr}")
    log = workdir / "nginx.out"
    with running([nginx, "-p", str(workdir), "-c", str(conf)], env=None, log=log, name="nginx") as process:
        wait_port(https_port, process, log)
        say(f"nginx sert https://127.0.0.1:{https_port}/ (et redirige http://127.0.0.1:{http_port}/)")
        try:
            yield https_port
        finally:
            say("nginx : journal d'erreurs\n" + tail(workdir / "error.log", 2000))


# --- HTTP through nginx ----------------------------------------------------------------------------------


def fetch(
    port: int,
    path: str,
    *,
    source: str = "127.0.0.1",
    headers: dict[str, str] | None = None,
    tls: bool = True,
):
    """GET https://HOST{path} (through nginx; http:// with tls=False) from the loopback address `source`:
    (status, headers, body); status 0 when nothing answered."""
    conn: http.client.HTTPConnection
    if tls:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE  # the test's own self-signed certificate
        conn = http.client.HTTPSConnection(
            "127.0.0.1", port, timeout=90, context=context, source_address=(source, 0)
        )
    else:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=90, source_address=(source, 0))
    try:
        conn.request("GET", path, headers={"Host": HOST, **(headers or {})})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    except OSError as exc:  # no answer at all: status 0, the caller reports it
        return 0, {}, str(exc).encode()
    finally:
        conn.close()


def check_client_addresses(port: int) -> list[str]:
    """The export's rate limit counts per client address, as nginx passes it (X-Forwarded-For)."""
    failures = []
    forged = {"X-Forwarded-For": "127.0.0.3"}  # client A pretends to be client B
    statuses = [
        fetch(port, EXPORT_PATH, source="127.0.0.2", headers=forged)[0] for _ in range(EXPORT_LIMIT + 1)
    ]
    if statuses[:EXPORT_LIMIT] != [200] * EXPORT_LIMIT or statuses[-1] != 429:
        failures.append(f"client A (127.0.0.2) : {EXPORT_LIMIT} × 200 puis 429 attendus, reçu {statuses}")
    status_b = fetch(port, EXPORT_PATH, source="127.0.0.3")[0]
    if status_b != 200:
        failures.append(f"client B (127.0.0.3) : 200 attendu (compteur distinct de A), reçu {status_b}")
    say(f"limite de débit par client : A → {statuses[-3:]}…, B → {status_b}")
    return failures


def first_link(html: str, prefix: str, exclude: set[str]) -> str | None:
    for slug in re.findall(rf'href="{re.escape(prefix)}([a-z0-9][a-z0-9-]*)/"', html):
        if slug not in exclude:
            return f"{prefix}{slug}/"
    return None


def check_pages(port: int, *, tls: bool = True) -> list[str]:
    """The main pages answer 200, and a static file of the home page is served (by nginx: cached a year)."""
    failures = []

    def get(path: str) -> str:
        status, headers, body = fetch(port, path, tls=tls)
        say(f"  {status} {path}")
        if status != 200:
            failures.append(f"{path} : {status}")
        return body.decode(errors="replace")

    home = get("/")
    directory = get("/structures/")
    profile = first_link(directory, "/structures/", {"inscrire", "moderation", "import", "pratiques"})
    if profile:
        get(profile)
    else:
        failures.append("/structures/ : aucun lien vers une fiche")
    agenda = get("/agenda/")
    event = first_link(agenda, "/agenda/", {"mois", "programme", "nouveau", "nouvelle-serie", "campagnes"})
    if event:
        get(event)
    else:
        failures.append("/agenda/ : aucun lien vers un rendez-vous")
    for path in ("/charte/", "/contrat/", "/ateliers/", "/lettre/", "/api/v1/structures", "/api/v1/agenda"):
        get(path)
    static = re.search(r'(?:href|src)="(/static/[^"]+\.(?:css|js))"', home)
    if static is None:
        failures.append("/ : aucun fichier statique référencé")
    else:
        status, headers, body = fetch(port, static.group(1), tls=tls)
        cache_control = headers.get("Cache-Control", "")
        say(f"  {status} {static.group(1)} ({len(body)} octets, Cache-Control: {cache_control})")
        if status != 200 or not body or (tls and "immutable" not in cache_control):
            failures.append(f"{static.group(1)} : {status}, fichier statique non servi")
    return failures


# --- the two checks --------------------------------------------------------------------------------------


def base_env(workdir: Path, bind: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAILLAGE_") and k != "DATABASE_URL"}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.prod",
            "MAILLAGE_SECRET_KEY": secrets.token_urlsafe(50),
            "MAILLAGE_VAR_DIR": str(workdir / "var"),
            "MAILLAGE_STATIC_ROOT": str(workdir / "static"),
            "MAILLAGE_MEDIA_ROOT": str(workdir / "media"),
            "MAILLAGE_BIND": bind,
            "MAILLAGE_WEB_WORKERS": "2",
            "MAILLAGE_TRUSTED_PROXIES": "127.0.0.1",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": "9",  # nothing listens: mails fail in the worker, never leave the machine
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.pop("REDIS_URL", None)
    return env


def maillage(env: dict[str, str], *args: str) -> None:
    say(f"$ maillage {' '.join(args)}")
    result = subprocess.run([venv_bin("maillage"), *args], env=env, cwd=ROOT, text=True, capture_output=True)  # noqa: S603
    if result.returncode != 0:
        raise RuntimeError(f"maillage {' '.join(args)} a échoué :\n{(result.stdout + result.stderr)[-4000:]}")


def fresh_postgres_database(url_base: str, name: str) -> str:
    import psycopg  # the project's own dependency

    with psycopg.connect(f"{url_base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{url_base}/{name}"


def redis_url() -> str | None:
    """Redis as the guide wants it, when one answers on 127.0.0.1:6379 (database 15, emptied first)."""
    try:
        import redis
    except ImportError:
        return None
    try:
        client = redis.Redis.from_url("redis://127.0.0.1:6379/15", socket_timeout=2)
        client.flushdb()
    except Exception:  # noqa: BLE001 — no Redis here: the cache stays in the database
        return None
    return "redis://127.0.0.1:6379/15"


def wait_answer(port: int, *, tls: bool = True, deadline_seconds: float = DEADLINE_SECONDS) -> None:
    """Gunicorn's port opens before its workers have loaded Django: wait for a first answer."""
    deadline = time.monotonic() + deadline_seconds
    status = 0
    while time.monotonic() < deadline:
        status = fetch(port, "/api/v1/sante", tls=tls)[0]
        if status == 200:
            return
        time.sleep(0.5)
    raise RuntimeError(f"/api/v1/sante ne répond pas 200 à travers nginx (dernier statut : {status})")


def serve_and_check(workdir: Path, env: dict[str, str], *, pages: bool) -> list[str]:
    upstream = env["MAILLAGE_BIND"]
    port = int(upstream.rsplit(":", 1)[1])
    serve_log = workdir / "serve.log"
    failures: list[str] = []
    try:
        with running([venv_bin("maillage"), "serve"], env=env, log=serve_log, name="maillage serve") as serve:
            wait_port(port, serve, serve_log)
            say(f"maillage serve (gunicorn + worker + planificateur) écoute sur {upstream}")
            static_root = Path(env["MAILLAGE_STATIC_ROOT"])
            with nginx_in_front(workdir, upstreams=[upstream], static_root=static_root) as https:
                wait_answer(https)
                if pages:
                    failures += check_pages(https)
                failures += check_client_addresses(https)
            if serve.poll() is not None:
                failures.append(f"maillage serve s'est arrêté (code {serve.returncode})")
    finally:
        say("maillage serve : fin du journal\n" + tail(serve_log, 3000))
    return failures


def s3_server(workdir: Path) -> contextlib.AbstractContextManager[subprocess.Popen]:
    """moto's S3 server on loopback (the S3 emulator of the tests), serving on `workdir`'s port file."""
    port = free_port()
    (workdir / "s3.port").write_text(str(port))
    return running(
        [venv_bin("moto_server"), "-H", "127.0.0.1", "-p", str(port)],
        env=None,
        log=workdir / "s3.log",
        name="S3",
    )


def s3_settings(port: int) -> dict[str, str]:
    values = {
        "MAILLAGE_S3_BUCKET": "maillage-public",
        "MAILLAGE_S3_PRIVATE_BUCKET": "maillage-private",
        "MAILLAGE_S3_ENDPOINT_URL": f"http://127.0.0.1:{port}",
        "MAILLAGE_S3_REGION": "us-east-1",
        "MAILLAGE_S3_ACCESS_KEY": "maillage",
        "MAILLAGE_S3_SECRET_KEY": "maillage-secret",
    }
    client = s3_client(values)
    for bucket in (values["MAILLAGE_S3_BUCKET"], values["MAILLAGE_S3_PRIVATE_BUCKET"]):
        client.create_bucket(Bucket=bucket)
    # As docs/deployment.md asks: the public bucket readable by anyone (logos by plain URL), the private not.
    public = values["MAILLAGE_S3_BUCKET"]
    statement = {
        "Effect": "Allow",
        "Principal": "*",
        "Action": "s3:GetObject",
        "Resource": f"arn:aws:s3:::{public}/*",
    }
    client.put_bucket_policy(
        Bucket=public, Policy=json.dumps({"Version": "2012-10-17", "Statement": [statement]})
    )
    return values


def s3_client(values: dict[str, str]):
    import boto3  # a dependency of django-storages[s3]

    return boto3.client(
        "s3",
        endpoint_url=values["MAILLAGE_S3_ENDPOINT_URL"],
        region_name=values["MAILLAGE_S3_REGION"],
        aws_access_key_id=values["MAILLAGE_S3_ACCESS_KEY"],
        aws_secret_access_key=values["MAILLAGE_S3_SECRET_KEY"],
    )


def check_full(workdir: Path) -> list[str]:
    """docs/deployment.md with two web nodes: PostgreSQL, Redis, S3 (moto on loopback), nginx in front."""
    ports = [free_port(), free_port()]
    env = base_env(workdir, f"127.0.0.1:{ports[0]}")
    base = os.environ.get("MAILLAGE_DEPLOY_POSTGRES", "postgres://postgres@127.0.0.1:5432")
    env["DATABASE_URL"] = fresh_postgres_database(base, "maillage_deploy")
    redis = redis_url()
    if redis:
        env["REDIS_URL"] = redis
    say(f"DATABASE_URL={env['DATABASE_URL']} REDIS_URL={redis or '(aucun Redis : cache en base)'}")
    with s3_server(workdir) as s3:
        s3_port = int((workdir / "s3.port").read_text())
        wait_port(s3_port, s3, workdir / "s3.log")
        env.update(s3_settings(s3_port))
        say(f"S3 (moto) sur http://127.0.0.1:{s3_port}/, seaux maillage-public et maillage-private")
        maillage(env, "migrate", "--noinput")
        maillage(env, "createcachetable")
        maillage(env, "collectstatic", "--noinput")
        maillage(env, "check", "--deploy", "--fail-level", "WARNING")
        maillage(env, "demo")
        return serve_two_nodes_and_check(workdir, env, ports)


def serve_two_nodes_and_check(workdir: Path, env: dict[str, str], ports: list[int]) -> list[str]:
    from two_nodes import check_two_nodes  # scripts/two_nodes.py, beside this file

    failures: list[str] = []
    logs = [workdir / f"serve-{name}.log" for name in "ab"]
    client = s3_client(env)

    def bucket_objects() -> list[str]:
        return [
            f"{bucket}/{item['Key']}"
            for bucket in (env["MAILLAGE_S3_BUCKET"], env["MAILLAGE_S3_PRIVATE_BUCKET"])
            for item in client.list_objects_v2(Bucket=bucket).get("Contents", [])
        ]

    try:
        with contextlib.ExitStack() as stack:
            nodes = []
            for port, log in zip(ports, logs, strict=True):
                node_env = {**env, "MAILLAGE_BIND": f"127.0.0.1:{port}"}
                serve = stack.enter_context(
                    running([venv_bin("maillage"), "serve"], env=node_env, log=log, name=f"nœud {port}")
                )
                nodes.append((port, serve))
            for port, serve in nodes:
                wait_port(port, serve, logs[nodes.index((port, serve))])
            say(f"deux nœuds `maillage serve` écoutent sur {ports[0]} et {ports[1]}")
            upstreams = [f"127.0.0.1:{port}" for port in ports]
            static_root = Path(env["MAILLAGE_STATIC_ROOT"])
            with nginx_in_front(workdir, upstreams=upstreams, static_root=static_root) as https:
                wait_answer(https)
                failures += check_pages(https)
                failures += check_client_addresses(https)
                failures += check_two_nodes(
                    nodes=[(port, serve.pid) for port, serve in nodes],
                    https_port=https,
                    env=env,
                    maillage_bin=venv_bin("maillage"),
                    bucket_objects=bucket_objects,
                    fetch=fetch,
                    media_root=Path(env["MAILLAGE_MEDIA_ROOT"]),
                )
            if nodes[1][1].poll() is not None:
                failures.append(f"le nœud B s'est arrêté (code {nodes[1][1].returncode})")
    finally:
        for log in logs:
            say(f"{log.name} : fin du journal\n" + tail(log, 2000))
    return failures


def check_proxy(workdir: Path) -> list[str]:
    env = base_env(workdir, f"127.0.0.1:{free_port()}")
    maillage(env, "migrate", "--noinput")
    maillage(env, "createcachetable")
    maillage(
        env,
        "shell",
        "-c",
        "from maillage.core.models import Domain, Territory; "
        "t, _ = Territory.objects.get_or_create(slug='local', defaults={'name': 'Territoire local', "
        f"'canonical_url': 'https://{HOST}'}}); Domain.objects.get_or_create(territory=t, name='{HOST}')",
    )
    (workdir / "static").mkdir(exist_ok=True)
    return serve_and_check(workdir, env, pages=False)


def check_readme(workdir: Path) -> list[str]:
    """As a newcomer reads the README: `make demo` in this checkout (on another port), then the pages."""
    port = int(os.environ.get("MAILLAGE_README_PORT") or free_port())
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAILLAGE_") and k != "DATABASE_URL"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("REDIS_URL", None)
    log = workdir / "make-demo.log"
    make = shutil.which("make") or "/usr/bin/make"
    failures: list[str] = []
    say(f"$ make demo PORT={port}")
    try:
        with running([make, "demo", f"PORT={port}"], env=env, log=log, name="make demo") as demo:
            # The first run installs and loads the demo before serving: a long wait, bounded.
            deadline = time.monotonic() + 900
            while time.monotonic() < deadline and demo.poll() is None:
                if fetch(port, "/", tls=False)[0] == 200:
                    break
                time.sleep(1)
            else:
                raise RuntimeError(f"make demo ne sert pas la page d'accueil sur le port {port}")
            failures += check_pages(port, tls=False)
            if demo.poll() is not None:
                failures.append(f"make demo s'est arrêté (code {demo.returncode})")
    finally:
        say("make demo : fin du journal\n" + tail(log, 3000))
    return failures


CHECKS = {"full": check_full, "proxy": check_proxy, "readme": check_readme}


def main(argv: list[str]) -> int:
    if len(argv) != 1 or argv[0] not in CHECKS:
        print(__doc__, file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="maillage-deploy-") as tmp:
        workdir = Path(tmp)
        try:
            failures = CHECKS[argv[0]](workdir)
        except RuntimeError as exc:
            failures = [str(exc)]
    for failure in failures:
        say(f"ÉCHEC : {failure}")
    say("Déploiement : tout est conforme." if not failures else f"Déploiement : {len(failures)} échec(s).")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
