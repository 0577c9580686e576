import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.prod")
application = get_wsgi_application()

from maillage.core import heap  # noqa: E402 - needs the apps loaded

heap.settle()  # each gunicorn worker: the start-up heap out of the collector's full passes (core/heap.py)
