from django.core.exceptions import ImproperlyConfigured

from config.settings.base import *  # noqa: F403
from config.settings.base import CACHES, LOG_FORMATS, LOGGING, STORAGES, env
from maillage.core.logs import init_sentry

DEBUG = False
if not env.SECRET_KEY:
    raise ImproperlyConfigured(
        "MAILLAGE_SECRET_KEY doit être défini en production (réglages config.settings.prod, ceux de la "
        "commande `maillage` par défaut). Pour la démonstration : `make demo`, `make serve`, "
        "`maillage serve --dev` ou DJANGO_SETTINGS_MODULE=config.settings.dev."
    )
SECRET_KEY = env.SECRET_KEY

SECURE_SSL_REDIRECT = env.SECURE_SSL_REDIRECT
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.HSTS_SECONDS
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"
# Only the static files change here: uploads keep what base.py chose (the local disk, or S3-compatible storage
# with its « private » store when MAILLAGE_S3_BUCKET is set — several web nodes need it).
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}}

# A Redis that does not answer fails a request (and /healthz) in 3 s instead of hanging a worker.
if CACHES["default"]["BACKEND"].endswith("RedisCache"):
    CACHES["default"]["OPTIONS"] = {"socket_connect_timeout": 3, "socket_timeout": 3}

# Logs: one JSON object per line unless MAILLAGE_LOG_FORMAT=plain (see docs/deployment.md).
MAILLAGE_LOG_FORMAT = env.LOG_FORMAT or "json"
if MAILLAGE_LOG_FORMAT not in LOG_FORMATS:
    raise ImproperlyConfigured("MAILLAGE_LOG_FORMAT vaut « json » ou « plain ».")
LOGGING["handlers"]["console"]["formatter"] = MAILLAGE_LOG_FORMAT

# Errors to Sentry only when SENTRY_DSN is set and the optional extra is installed (maillage[sentry]).
init_sentry(env.SENTRY_DSN)
