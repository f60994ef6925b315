"""The public knowledge base's reads as SQL compiled once per process from the querysets that say
what they read, run on each request with that request's values.

Building and compiling a queryset costs the knowledge base's pages more CPU than the database
takes to answer it (`published()` alone, with its condition on hidden articles, is some 600
Python calls; an article with its related cards was 4,000). The queryset is still the one place
that says what is read: `Compiled` compiles it with a stand-in value for each slot (the
moment, a slug, an article's id), finds where each stand-in ended up among the parameters and
keeps the SQL, its parameters and the columns' converters (JSON, dates on SQLite). A request puts
its own values in those slots. Nothing is cached but the statement: the rows are read every time.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, NamedTuple

from django.db import DEFAULT_DB_ALIAS, connection
from django.db.models import QuerySet

from .models import Article

# Stand-ins for the values a request brings: unlikely to be a real parameter of any statement.
NOW = datetime(1999, 12, 31, 23, 58, 57, 123457, tzinfo=UTC)
SLUG = "slot-for-a-slug-0b6f2d"
PK = -904_517_263
MATCH = "slot-for-a-search-0b6f2d"


@dataclass(frozen=True)
class Statement:
    sql: str
    params: tuple[Any, ...]
    slots: dict[str, tuple[int, Callable[[Any], Any] | None]]  # name: (index, prepare)
    converters: tuple[tuple[int, tuple[Callable[..., Any], ...], Any], ...]

    def rows(self, **values: Any) -> list[Sequence[Any]]:
        """The statement's rows with `values` in its slots (every slot's)."""
        params = list(self.params)
        for name, (index, prepare) in self.slots.items():
            value = values[name]
            params[index] = prepare(value) if prepare is not None else value
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            rows = cursor.fetchall()
        if not self.converters:
            return rows
        converted = []
        for row in rows:
            row = list(row)
            for position, functions, expression in self.converters:
                value = row[position]
                for function in functions:
                    value = function(value, expression, connection)
                row[position] = value
            converted.append(row)
        return converted


class Slot(NamedTuple):
    stand_in: Any  # the value the queryset is built with
    prepare: Callable[[Any], Any] | None  # how a request's value becomes the parameter


class Compiled:
    """A queryset's statement, compiled on first use per database vendor: `build()` makes the
    queryset with each slot's stand-in, which must appear exactly once among its parameters."""

    def __init__(self, name: str, build: Callable[[], QuerySet[Any]], **slots: Slot) -> None:
        self.name, self.build, self.slots = name, build, slots
        self._by_vendor: dict[str, Statement] = {}

    def rows(self, **values: Any) -> list[Sequence[Any]]:
        statement = self._by_vendor.get(connection.vendor)
        if statement is None:
            statement = self._by_vendor[connection.vendor] = self.compile()
        return statement.rows(**values)

    def compile(self) -> Statement:
        compiler = self.build().query.get_compiler(DEFAULT_DB_ALIAS)
        sql, params = compiler.as_sql()
        found: dict[str, tuple[int, Callable[[Any], Any] | None]] = {}
        for name, (stand_in, prepare) in self.slots.items():
            wanted = prepare(stand_in) if prepare is not None else stand_in
            indexes = [i for i, param in enumerate(params) if param == wanted]
            if len(indexes) != 1:
                raise ValueError(f"{self.name}: the slot {name!r} is {len(indexes)}x in {params}")
            found[name] = (indexes[0], prepare)
        columns = [column for column, _info, _alias in compiler.select]
        converters = tuple(
            (position, tuple(functions), expression)
            for position, (functions, expression) in compiler.get_converters(columns).items()
        )
        return Statement(sql, tuple(params), found, converters)


_PUBLISHED_AT = Article._meta.get_field("published_at")


def prepare_now(value: datetime) -> Any:
    """A moment as `published_at <= %s` sends it to the database."""
    return _PUBLISHED_AT.get_db_prep_value(value, connection)


MOMENT = Slot(NOW, prepare_now)
A_SLUG = Slot(SLUG, None)
AN_ID = Slot(PK, None)
A_MATCH = Slot(MATCH, None)
