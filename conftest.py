"""Shared test fixtures (the environment is set by lijfwijs.core.testenv)."""

import logging
import signal

import pytest


@pytest.fixture(autouse=True)
def _clear_cache():
    """Each test starts with an empty cache (rate limits, rendered reports)."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture
def run_worker():
    """Run the real `db_worker` command until the task queue is empty.

    The worker installs its own SIGINT/SIGTERM handlers and sets its loggers' levels; they are
    put back so the rest of the test run is unaffected.
    """
    from django.core.management import call_command

    signals = [signal.SIGINT, signal.SIGTERM, signal.SIGQUIT]
    handlers = {sig: signal.getsignal(sig) for sig in signals}
    loggers = [logging.getLogger(name) for name in ("django_tasks", "django_tasks_db")]
    levels = {log: log.level for log in loggers}

    def run() -> None:
        call_command("db_worker", batch=True, reload=False, startup_delay=False, interval=0)

    yield run
    for sig, handler in handlers.items():
        signal.signal(sig, handler)
    for log, level in levels.items():
        log.setLevel(level)
