"""Every value the settings take from the environment is read here, and only here.

Each variable is documented in `.env.example`.
"""

from __future__ import annotations

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def _load_dotenv(path: Path) -> None:
    """Read KEY=VALUE lines from a `.env` file without overriding the real environment."""
    if not path.is_file():
        return
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        os.environ.setdefault(key.strip(), value.strip().strip('"').strip("'"))


_load_dotenv(BASE_DIR / ".env")


def get_str(name: str, default: str = "") -> str:
    """The variable's value; an empty value (`NAME=` as in `.env.example`) means the default."""
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def get_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on", "oui"}


def get_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def get_float(name: str, default: float) -> float:
    value = os.environ.get(name)
    return float(value) if value not in (None, "") else default


def get_list(name: str, default: list[str] | None = None) -> list[str]:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return list(default or [])
    return [item.strip() for item in value.split(",") if item.strip()]


def ensure_dir(path: str | Path) -> Path:
    """Create a directory the application writes to (and its parents) if it is missing.

    `var/` is ignored by git, so a fresh clone has none: the SQLite file, uploads and collected static files
    would otherwise fail on their first write (« unable to open database file »).
    """
    directory = Path(path)
    directory.mkdir(parents=True, exist_ok=True)
    return directory


# Everything the application writes by default (SQLite file, uploads, collected static files, CI logs).
VAR_DIR = Path(get_str("MAILLAGE_VAR_DIR", str(BASE_DIR / "var")))

SECRET_KEY = get_str("MAILLAGE_SECRET_KEY")
DATABASE_URL = get_str("DATABASE_URL")
REPLICA_URL = get_str("MAILLAGE_REPLICA_URL")  # a streaming replica of DATABASE_URL (reads that tolerate lag)
SQLITE_PATH = get_str("MAILLAGE_SQLITE_PATH", str(VAR_DIR / "maillage.sqlite3"))
REDIS_URL = get_str("REDIS_URL")
DEBUG = get_bool("MAILLAGE_DEBUG", False)
EXTRA_ALLOWED_HOSTS = get_list("MAILLAGE_EXTRA_ALLOWED_HOSTS")
DEFAULT_TERRITORY = get_str("MAILLAGE_DEFAULT_TERRITORY", "")
EMAIL_URL_HOST = get_str("EMAIL_HOST", "localhost")
EMAIL_PORT = get_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = get_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = get_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = get_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = get_bool("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = get_str("DEFAULT_FROM_EMAIL", "Maillage <ne-pas-repondre@maillage.localhost>")
MAP_TILES_URL = get_str("MAILLAGE_MAP_TILES_URL", "")
MAP_TILES_ATTRIBUTION = get_str("MAILLAGE_MAP_TILES_ATTRIBUTION", "")
MEDIA_ROOT = get_str("MAILLAGE_MEDIA_ROOT", str(VAR_DIR / "media"))
# S3-compatible storage (several web nodes): public files in S3_BUCKET, private ones in S3_PRIVATE_BUCKET.
S3_BUCKET = get_str("MAILLAGE_S3_BUCKET")
S3_PRIVATE_BUCKET = get_str("MAILLAGE_S3_PRIVATE_BUCKET")
S3_ENDPOINT_URL = get_str("MAILLAGE_S3_ENDPOINT_URL")
S3_REGION = get_str("MAILLAGE_S3_REGION", "fr-par")
S3_ACCESS_KEY = get_str("MAILLAGE_S3_ACCESS_KEY")
S3_SECRET_KEY = get_str("MAILLAGE_S3_SECRET_KEY")
STATIC_ROOT = get_str("MAILLAGE_STATIC_ROOT", str(VAR_DIR / "static"))
DEMO_TODAY = get_str("MAILLAGE_DEMO_TODAY", "")
SENTRY_DSN = get_str("SENTRY_DSN")
LOG_FORMAT = get_str("MAILLAGE_LOG_FORMAT", "").strip().lower()  # json | plain; default by settings module
HSTS_SECONDS = get_int("MAILLAGE_HSTS_SECONDS", 31536000)
SECURE_SSL_REDIRECT = get_bool("MAILLAGE_SECURE_SSL_REDIRECT", True)
GUNICORN_WORKERS = get_int("MAILLAGE_WEB_WORKERS", 2)
GUNICORN_THREADS = get_int("MAILLAGE_WEB_THREADS", 4)
BIND = get_str("MAILLAGE_BIND", "127.0.0.1:8000")
# Addresses (IPs or CIDR networks) of the reverse proxies allowed to say who the client is (X-Forwarded-For);
# empty: nobody, REMOTE_ADDR is the client. See maillage.core.ratelimit.client_ip and docs/deployment.md.
TRUSTED_PROXIES = get_list("MAILLAGE_TRUSTED_PROXIES")
# The load test only (bench/load/): serve /_banc/ok, a bare « ok » view behind the whole middleware stack, the
# ceiling the directory page is compared with. Off by default: the address is not in the URL conf at all.
BENCH_OK_VIEW = get_bool("MAILLAGE_BENCH_OK_VIEW", False)
