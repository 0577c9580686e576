from config.settings.base import *  # noqa: F403
from config.settings.base import TEMPLATES, env

DEBUG = False
SECRET_KEY = "test-secret-key-not-for-production"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http"
# Tasks run in the test process, right when enqueued (enqueueing itself waits for commit).
TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default", "mail"]}
}
# An unknown template variable fails the test.
TEMPLATES[0]["OPTIONS"]["string_if_invalid"] = "%s"  # replaced by an exploding value in tests/conftest.py
MAILLAGE_DEFAULT_TERRITORY = ""
# Each test creates its own territories (rolled back after): no per-process host → territory cache.
MAILLAGE_TERRITORY_CACHE_SECONDS = 0
AXES_ENABLED = env.get_bool("MAILLAGE_TEST_AXES", True)
MEDIA_ROOT = str(env.BASE_DIR / "var" / "test-media")
# Django's test set-up copies ALLOWED_HOSTS into a list before any database exists; tests/conftest.py puts
# the real TerritoryHosts back for each test.
ALLOWED_HOSTS = ["testserver"]

# SQLite tests run on a file (not in memory) so WAL and the busy timeout apply as in production; one file per
# process (pytest-django adds the xdist worker's suffix), so parallel runs never share a test database.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    import os as _os

    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": str(env.BASE_DIR / "var" / "test-db" / f"test-{_os.getpid()}.sqlite3")
    }
    (env.BASE_DIR / "var" / "test-db").mkdir(parents=True, exist_ok=True)
