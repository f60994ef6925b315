"""WSGI entry point (gunicorn lijfwijs.wsgi)."""

import gc
import os

from django.core.wsgi import get_wsgi_application
from django.db import connections
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lijfwijs.settings")
application = get_wsgi_application()

# What exists now lives as long as the worker: Django, the apps and, through the URLconf (which
# Django would otherwise import at the first request), every view module and the API's schemas.
# Frozen, it is left out of every later garbage collection: without this, each full collection
# walked some 200,000 such objects again (about 250 ms on the bench machine), which fell on one
# insights computation in six and made that page's p95 (docs/decisions.md).
# gunicorn imports this once and forks its workers from it (gunicorn.conf.py: preload_app), so the
# frozen heap is also shared between the workers; no database connection may cross that fork.
get_resolver().url_patterns  # noqa: B018 - imports the URLconf and with it the views
connections.close_all()
gc.collect()
gc.freeze()
