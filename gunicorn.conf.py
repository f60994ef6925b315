"""gunicorn's settings for Lijfwijs: read by gunicorn from the folder it is started in.

The application is imported once, in the master, and the workers are forked from it with what it
holds (`preload_app`). `lijfwijs/wsgi.py` freezes that heap before the fork, so the workers share
its pages instead of each importing Django, the apps and the URLconf again: a start with 4
workers took 2 CPU-seconds instead of 8 (docs/decisions.md). No database connection is open at
that point (`lijfwijs/wsgi.py` closes any), so none is shared between workers.

A restart (not HUP) is what loads new code, as with every preloaded application.
"""

preload_app = True
