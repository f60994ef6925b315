"""WSGI entry point (gunicorn lijfwijs.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lijfwijs.settings")
application = get_wsgi_application()
