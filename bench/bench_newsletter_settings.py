"""Settings of bench_newsletter.py: the development settings with the real SMTP backend (the benchmark's
aiosmtpd server on loopback). Not a benchmark: run as a script, it does nothing."""

import sys

if __name__ == "__main__":
    sys.exit(0)

from config.settings.dev import *  # noqa: E402, F403

EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
DEBUG = False
