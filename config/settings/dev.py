from config.settings.base import *  # noqa: F403
from config.settings.base import env

DEBUG = env.get_bool("MAILLAGE_DEBUG", True)
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http"
MAILLAGE_DEFAULT_TERRITORY = env.DEFAULT_TERRITORY or "pays-de-grasse"
# Loopback only (private networks stay refused), for two local installations following each other; never set
# in base or prod.
MAILLAGE_HTTP_ALLOW_LOOPBACK = env.get_bool("MAILLAGE_HTTP_ALLOW_LOOPBACK", False)
