"""The database session engine with its one read per request as a plain statement.

Every signed-in request loads its session by key. Django's `db` engine builds that lookup through
the ORM on each request (a filter on the key and the expiry, a model instance), which cost more
than the database took to answer it. This engine sends the same statement, written once per
process from the model's own table and column names, and keeps everything else of Django's engine
(saving, rotating, deleting, the expiry rule, `clearsessions`). Settings: SESSION_ENGINE without
Redis; with Redis, `cached_db` reads through the shared cache first.
"""

from functools import lru_cache

from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone

from lijfwijs.core import statements


@lru_cache(maxsize=8)
def _select(alias: str, model: type) -> str:
    table, c = statements.names(alias, model)
    return (
        f"SELECT {c['session_data']} FROM {table} "  # noqa: S608 (model names only)
        f"WHERE {c['session_key']} = %s AND {c['expire_date']} > %s"
    )


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        model = self.model
        alias = router.db_for_read(model)
        connection = connections[alias]
        sql = _select(alias, model)
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(sql, [self.session_key, now])
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return None
        return model(session_key=self.session_key, session_data=row[0])
