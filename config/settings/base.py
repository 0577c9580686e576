"""Settings shared by every environment. dev, test and prod import this module only."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from config import env

BASE_DIR: Path = env.BASE_DIR
SECRET_KEY = env.SECRET_KEY or "dev-only-insecure-key-change-me"
DEBUG = env.DEBUG

# ALLOWED_HOSTS derives from the territories' domains (see maillage.core.hosts): a request whose Host
# is not a domain of a territory is refused. Extra hosts (an internal load-balancer name) come from env.
from maillage.core.hosts import TerritoryHosts  # noqa: E402

ALLOWED_HOSTS = TerritoryHosts(extra=env.EXTRA_ALLOWED_HOSTS)
MAILLAGE_DEFAULT_TERRITORY = env.DEFAULT_TERRITORY
# Reverse proxies (IPs or CIDR networks) whose X-Forwarded-For tells the client's address; empty: none.
# One function reads it: maillage.core.ratelimit.client_ip (rate limits, django-axes, django-allauth).
MAILLAGE_TRUSTED_PROXIES = env.TRUSTED_PROXIES
# The load test's bare « ok » view (bench/load/run.py sets it); off by default, never in production.
MAILLAGE_BENCH_OK_VIEW = env.BENCH_OK_VIEW
# Seconds a process keeps the host → territory answer (maillage.core.middleware); 0 turns the cache off.
MAILLAGE_TERRITORY_CACHE_SECONDS = 30

INSTALLED_APPS = [
    "maillage.core",
    "maillage.accounts",
    "maillage.notifications",
    "maillage.actors",
    "maillage.events",
    "maillage.charter",
    "maillage.plan",
    "maillage.workspace",
    "maillage.newsletter",
    "maillage.needs",
    "maillage.calls",
    "maillage.training",
    "maillage.assessment",
    "maillage.matchmaking",
    "maillage.dashboard",
    "maillage.procurement",
    "maillage.awards",
    "maillage.cooperation",
    "maillage.api",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "axes",
    "rules.apps.AutodiscoverRulesConfig",
    "simple_history",
    "django_htmx",
    "csp",
    "ninja",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    # First: /healthz answers load balancers whatever the Host header or scheme (see maillage/core/health.py).
    "maillage.core.health.HealthCheckMiddleware",
    # One log line per request, with a request id (X-Request-ID) carried into tasks: maillage/core/logs.py.
    "maillage.core.logs.RequestLogMiddleware",
    # Lag-tolerant reads to the replica, when one is configured; read-your-writes (maillage/core/replica.py).
    "maillage.core.replica.ReplicaReadsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "maillage.core.middleware.TerritoryMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "maillage.accounts.middleware.RequireMFAMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "maillage" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "maillage.core.context_processors.maillage",
            ],
            "builtins": ["maillage.core.templatetags.maillage"],
        },
    }
]


def sqlite_database(path: str) -> dict:
    """SQLite as DESIGN.md wants it: WAL, a busy timeout, and IMMEDIATE transactions.

    IMMEDIATE takes the write lock when a transaction starts, so two writers queue on the busy timeout
    instead of failing with « database is locked » when one upgrades a read lock to a write lock.
    """
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": path,
        "OPTIONS": {
            "timeout": 30,
            "transaction_mode": "IMMEDIATE",
            "init_command": (
                "PRAGMA journal_mode=WAL;"
                "PRAGMA synchronous=NORMAL;"
                "PRAGMA foreign_keys=ON;"
                "PRAGMA busy_timeout=30000;"
                "PRAGMA cache_size=-64000;"
            ),
        },
    }


if env.DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(env.DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
else:
    # A fresh clone has no var/ (ignored by git): SQLite cannot create its file in a missing directory.
    env.ensure_dir(Path(env.SQLITE_PATH).parent)
    DATABASES = {"default": sqlite_database(env.SQLITE_PATH)}

# A PostgreSQL streaming replica for the reads that tolerate lag (maillage/core/replica.py); tests read the
# primary through it (MIRROR).
if env.REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(env.REPLICA_URL, conn_max_age=60, conn_health_checks=True)
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["maillage.core.replica.ReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

if env.REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": env.REDIS_URL,
            "KEY_PREFIX": "maillage",
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "maillage_cache",
        }
    }

SESSION_ENGINE = "django.contrib.sessions.backends.db"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "accounts:my_space"
LOGOUT_REDIRECT_URL = "core:home"

# django-allauth: e-mail login, mandatory verification, TOTP.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "maillage.accounts.forms.SignupNameForm"  # adds first and last name
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Maillage] "
ACCOUNT_ADAPTER = "maillage.accounts.adapter.AccountAdapter"
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https"
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/h/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_email": "1/m/user",
    "manage_email": "10/m/user",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Maillage"
MFA_ADAPTER = "maillage.accounts.adapter.MFAAdapter"

# django-axes: login attempts, locked out per e-mail + IP; the log is erasable per person (RGPD).
AXES_FAILURE_LIMIT = 8
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# The client's address behind a reverse proxy (X-Forwarded-For from MAILLAGE_TRUSTED_PROXIES only).
AXES_CLIENT_IP_CALLABLE = "maillage.core.ratelimit.axes_client_ip"
AXES_USERNAME_CALLABLE = "maillage.accounts.security.axes_username"
AXES_LOCKOUT_TEMPLATE = "accounts/lockout.html"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_ACCESS_FAILURE_LOG_PER_USER_LIMIT = 100

LANGUAGE_CODE = "fr"
# The interface is French. The language is not negotiated from the browser (no LocaleMiddleware) until the
# English catalogue is complete: a half-translated page would carry a wrong `lang` attribute (WCAG 3.1.1).
LANGUAGES = [("fr", "Français"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "maillage" / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env.STATIC_ROOT
STATICFILES_DIRS = [BASE_DIR / "maillage" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.MEDIA_ROOT
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}


def s3_storages(
    *, bucket: str, private_bucket: str, endpoint_url: str, region: str, access_key: str, secret_key: str
) -> dict:
    """Uploads and generated files on S3-compatible storage (maillage/core/storage.py): public files (logos,
    images) by plain URL, private ones (`STORAGES["private"]`) only through the permission-checked views."""
    from botocore.config import Config as BotoConfig  # noqa: PLC0415  (only when S3 is configured)

    common = {
        "endpoint_url": endpoint_url or None,
        "region_name": region,
        "access_key": access_key or None,
        "secret_key": secret_key or None,
        "file_overwrite": False,
        # a storage that does not answer fails the upload in seconds, with a French message
        "client_config": BotoConfig(connect_timeout=5, read_timeout=30, retries={"max_attempts": 2}),
    }
    return {
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {**common, "bucket_name": bucket, "querystring_auth": False},
        },
        "private": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                **common,
                "bucket_name": private_bucket or bucket,
                "location": "" if private_bucket else "private",
                "default_acl": "private",
                "querystring_auth": True,
                "querystring_expire": 300,
            },
        },
    }


if env.S3_BUCKET:
    STORAGES.update(
        s3_storages(
            bucket=env.S3_BUCKET,
            private_bucket=env.S3_PRIVATE_BUCKET,
            endpoint_url=env.S3_ENDPOINT_URL,
            region=env.S3_REGION,
            access_key=env.S3_ACCESS_KEY,
            secret_key=env.S3_SECRET_KEY,
        )
    )

# Uploads: small in memory, refused past the cap (see maillage.core.uploads).
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000
MAILLAGE_UPLOAD_MAX_BYTES = 10 * 1024 * 1024
# `maillage backup` writes its dated folders here unless given --dossier (maillage/core/backup.py).
MAILLAGE_BACKUP_DIR = env.VAR_DIR / "sauvegardes"
MAILLAGE_IMAGE_MAX_BYTES = 5 * 1024 * 1024
MAILLAGE_IMAGE_MAX_PIXELS = 4096 * 4096

EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = env.EMAIL_URL_HOST
EMAIL_PORT = env.EMAIL_PORT
EMAIL_HOST_USER = env.EMAIL_HOST_USER
EMAIL_HOST_PASSWORD = env.EMAIL_HOST_PASSWORD
EMAIL_USE_TLS = env.EMAIL_USE_TLS
EMAIL_USE_SSL = env.EMAIL_USE_SSL
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = env.DEFAULT_FROM_EMAIL
SERVER_EMAIL = env.DEFAULT_FROM_EMAIL

# Background work: django-tasks on the database queue (no broker).
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", "mail"],
    }
}
MAILLAGE_TASK_REAP_AFTER = timedelta(minutes=30)
MAILLAGE_SCHEDULER_TICK_SECONDS = 5
# The worker writes a heartbeat every minute (periodic job core.worker_heartbeat); older than this, /healthz
# answers 503.
MAILLAGE_WORKER_HEARTBEAT_STALE = timedelta(minutes=5)

# Security headers. The Content-Security-Policy is built from settings: the map-tile host is added only
# when tiles are configured.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "maillage.core.views.csrf_failure"

MAILLAGE_MAP_TILES_URL = env.MAP_TILES_URL
MAILLAGE_MAP_TILES_ATTRIBUTION = env.MAP_TILES_ATTRIBUTION


def build_csp(tiles_url: str) -> dict:
    from urllib.parse import urlsplit

    img_src = ["'self'", "data:"]
    if tiles_url:
        parts = urlsplit(tiles_url.replace("{s}", "a"))
        host = parts.netloc.replace("a.", "*.", 1) if "{s}" in tiles_url else parts.netloc
        img_src.append(f"{parts.scheme}://{host}")
    return {
        "DIRECTIVES": {
            "default-src": ["'self'"],
            "script-src": ["'self'"],
            "style-src": ["'self'"],
            "img-src": img_src,
            "font-src": ["'self'"],
            "connect-src": ["'self'"],
            "frame-ancestors": ["'none'"],
            "form-action": ["'self'"],
            "base-uri": ["'self'"],
            "object-src": ["'none'"],
        }
    }


CONTENT_SECURITY_POLICY = build_csp(MAILLAGE_MAP_TILES_URL)

MAILLAGE_DEMO_TODAY = env.DEMO_TODAY
MAILLAGE_ACCENT_COLOR = "#1f5f8b"
MAILLAGE_GEOCODER_URL = "https://data.geopf.fr/geocodage"
MAILLAGE_GEOCODER_TIMEOUT = 5.0
MAILLAGE_GEOCODER_RATE = 1.0  # requests per second (the BAN allows about 1/s)
MAILLAGE_GEOCODER_MIN_SCORE = 0.5
MAILLAGE_HTTP_TIMEOUT = 10.0
MAILLAGE_HTTP_MAX_BYTES = 5 * 1024 * 1024
# Outbound fetches never reach loopback (nor private networks). Development may allow loopback only (two
# demo installations on one computer following each other): config/settings/dev.py reads the environment.
MAILLAGE_HTTP_ALLOW_LOOPBACK = False
# A subscribed installation's answer (per page of its shared items) must come within this many seconds.
MAILLAGE_COOPERATION_TIMEOUT = 10.0

NINJA_PAGINATION_PER_PAGE = 50

# Logs: `MAILLAGE_LOG_FORMAT` = plain (development, tests) or json (the production default, see prod.py).
LOG_FORMATS = ("plain", "json")
MAILLAGE_LOG_FORMAT = env.LOG_FORMAT or "plain"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "maillage.core.logs.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "maillage.core.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": MAILLAGE_LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Each request is logged once by maillage.request; Django's own line would repeat it.
        "django.server": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}
if MAILLAGE_LOG_FORMAT not in LOG_FORMATS:
    raise ImproperlyConfigured("MAILLAGE_LOG_FORMAT vaut « json » ou « plain ».")

SIMPLE_HISTORY_HISTORY_ID_USE_UUID = False
SILENCED_SYSTEM_CHECKS: list[str] = []
