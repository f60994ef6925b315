"""The public knowledge base's reads as SQL compiled once per process from the querysets that say
what they read, run on each request with that request's values.

Building and compiling a queryset costs the knowledge base's pages more CPU than the database
takes to answer it (`published()` alone, with its condition on hidden articles, is some 600
Python calls; an article with its related cards was 4,000). The queryset is still the one place
that says what is read: `Compiled` (lijfwijs.core.statements) compiles it with a stand-in value for each slot (the
moment, a slug, an article's id), finds where each stand-in ended up among the parameters and
keeps the SQL, its parameters and the columns' converters (JSON, dates on SQLite). A request puts
its own values in those slots. Nothing is cached but the statement: the rows are read every time.
This module holds the knowledge base's stand-ins and slots.
"""

from datetime import UTC, datetime
from typing import Any

from django.db import connection

from lijfwijs.core.statements import Compiled, Slot, Statement

from .models import Article

__all__ = ["Compiled", "Slot", "Statement"]

# Stand-ins for the values a request brings: unlikely to be a real parameter of any statement.
NOW = datetime(1999, 12, 31, 23, 58, 57, 123457, tzinfo=UTC)
SLUG = "slot-for-a-slug-0b6f2d"
PK = -904_517_263
MATCH = "slot-for-a-search-0b6f2d"


_PUBLISHED_AT = Article._meta.get_field("published_at")


def prepare_now(value: datetime) -> Any:
    """A moment as `published_at <= %s` sends it to the database."""
    return _PUBLISHED_AT.get_db_prep_value(value, connection)


MOMENT = Slot(NOW, prepare_now)
A_SLUG = Slot(SLUG, None)
AN_ID = Slot(PK, None)
A_MATCH = Slot(MATCH, None)
