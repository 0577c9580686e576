"""The settings of `maillage serve` under the fault tests: the development settings (DEBUG off through
MAILLAGE_DEBUG), with mail sent over SMTP (EMAIL_HOST/EMAIL_PORT: the test's sink on loopback) instead of
printed, so that the test counts the mails the worker really sent."""

from config.settings.dev import *  # noqa: F403

EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_TIMEOUT = 10
