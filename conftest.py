"""Shared test fixtures (the environment is set by lijfwijs.core.testenv)."""

import logging
import os
import signal
import sqlite3

import pytest
from django.test import TransactionTestCase
from hypothesis import settings as hypothesis_settings

# The people most tests meet (anna, bram, pieter, rita, their signed-in browsers, outbox), for
# every app's tests without importing them (lijfwijs/accounts/tests/helpers.py).
pytest_plugins = ["lijfwijs.accounts.tests.helpers"]

# Fuzz and matrix tests go through HTTP and the database, so examples are bounded by default;
# HYPOTHESIS_PROFILE=thorough runs ten times as many. A test's own @settings(max_examples=…)
# wins over the profile, so tests leave it out unless they need fewer (e.g. password hashing).
hypothesis_settings.register_profile("bounded", max_examples=50, deadline=None)
hypothesis_settings.register_profile("thorough", max_examples=500, deadline=None)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "bounded"))


@pytest.hookimpl(optionalhook=True)  # a run without xdist (`-p no:xdist`) has no such hook
def pytest_xdist_make_scheduler(config: pytest.Config, log):
    """`--dist loadgroup` (the Makefile's): a test module is one unit of work, given whole to the
    next free worker, largest first (xdist's `loadscope` order), so a module's fixtures (the
    authorization matrix's world, a gunicorn for the many-processes tests) are built once, and a
    worker is sent work per module instead of per test (with one test at a time, each test waited
    for the controller to hand out the next). Browser tests stay units of their own: they are long,
    and a whole browser module on one worker would leave the other idle at the end of the run.
    (xdist's own `xdist_group` marks do not reach its scheduler with pytest 9.)"""
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class ModuleScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            path = nodeid.split("::", 1)[0]
            return nodeid if "browser" in path else path

    return ModuleScheduling(config, log)


@pytest.fixture(scope="session", autouse=True)
def _cheap_password_hashes():
    """Passwords hashed at a test-only cost (lijfwijs/accounts/tests/hashers.py)."""
    from django.conf import settings
    from django.test.utils import override_settings

    production = list(settings.PASSWORD_HASHERS)
    cheap = "lijfwijs.accounts.tests.hashers.CheapArgon2idHasher"
    with override_settings(PASSWORD_HASHERS=[cheap, *production]):
        yield


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database, with the shipped content (consent texts, instruments' tags, exercises,
    articles, program steps) loaded once for the whole session rather than per test."""
    from django.core.management import call_command

    with django_db_blocker.unblock():
        call_command("load_content", verbosity=0)
        _snapshots.take()
    yield
    _snapshots.drop()


class _Snapshots:
    """A transactional test (browser tests, the concurrency tests) leaves a database that Django
    empties with `flush` and the suite fills again with `load_content`: some 0.2 s a test on
    SQLite and 0.9 s on PostgreSQL (its TRUNCATE of every table, then the content types and
    permissions made again). Instead the database as the session set it up (migrated, content
    loaded) is kept once and put back after each such test: on SQLite the whole file, copied
    into memory with SQLite's online backup; on PostgreSQL the rows of every table that has any,
    in COPY's format, written back after a DELETE of every table in one transaction (the foreign
    keys are deferred to its commit). The same state, in milliseconds."""

    def __init__(self) -> None:
        self.copies: dict[str, sqlite3.Connection] = {}
        self.rows: dict[str, tuple[list[str], dict[str, bytes]]] = {}  # PostgreSQL

    def take(self) -> None:
        from django.db import connections

        for alias in connections:
            connection = connections[alias]
            if connection.vendor == "sqlite":
                connection.ensure_connection()
                copy = sqlite3.connect(":memory:", check_same_thread=False)
                connection.connection.backup(copy)
                self.copies[alias] = copy
            elif connection.vendor == "postgresql":
                tables = [
                    connection.ops.quote_name(table)
                    for table in connection.introspection.django_table_names(
                        only_existing=True, include_views=False
                    )
                ]
                rows = {}
                with connection.cursor() as cursor:
                    for table in tables:
                        with cursor.copy(f"COPY {table} TO STDOUT") as copy:
                            data = b"".join(bytes(block) for block in copy)
                        if data:
                            rows[table] = data
                self.rows[alias] = (tables, rows)

    def drop(self) -> None:
        for copy in self.copies.values():
            copy.close()
        self.copies.clear()
        self.rows.clear()

    def restore(self, alias: str) -> bool:
        """Put the session's database back (False: no copy of it, flush as Django does)."""
        from django.contrib.contenttypes.models import ContentType
        from django.db import connections, transaction

        connection = connections[alias]
        copy = self.copies.get(alias)
        if copy is not None:
            connection.ensure_connection()
            copy.backup(connection.connection)
        elif alias in self.rows:
            tables, rows = self.rows[alias]
            with transaction.atomic(using=alias), connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
                for table in tables:
                    cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - our own table names
                for table, data in rows.items():
                    with cursor.copy(f"COPY {table} FROM STDIN") as restore:
                        restore.write(data)
        else:
            return False
        ContentType.objects.clear_cache()
        return True


_snapshots = _Snapshots()
_django_fixture_teardown = TransactionTestCase._fixture_teardown


def _fixture_teardown(self: TransactionTestCase) -> None:
    """After a transactional test the database is the session's again, whatever test comes next
    (the scheduler does not keep pytest-django's order of transactional tests last): from the
    session's copy (see _Snapshots), or, on another database, by Django's flush and the content
    loaded again."""
    names = list(self._databases_names(include_mirrors=False))
    if not all(_snapshots.restore(alias) for alias in names):
        from django.core.management import call_command

        _django_fixture_teardown(self)
        call_command("load_content", verbosity=0)


TransactionTestCase._fixture_teardown = _fixture_teardown


@pytest.fixture
def content(db):
    """Names the shipped content a test reads; it is in the database for every test already."""


@pytest.fixture(autouse=True)
def _clear_cache():
    """Each test starts with an empty cache (rate limits, rendered reports)."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language, whatever the one before it activated."""
    from django.utils import translation

    translation.deactivate()
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
