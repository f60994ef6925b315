"""Reads of hot pages as SQL compiled once per process from the querysets that say what they read.

Building and compiling a queryset costs a hot page more CPU than the database takes to answer it
(a `published()` with its conditions is some 600 Python calls, a model instance of an exercise
1,400). The queryset stays the one place that says what is read; what is kept per process is only
its SQL text, its parameters and how to convert its columns. Rows are read on every request.

- `Compiled(name, build, **slots)`: the queryset `build()` makes, compiled on first use per
  database vendor with a stand-in value for each slot (`Slot`), which must appear exactly once
  among its parameters; `rows(**values)` runs it with a request's values and converts the columns
  with the ORM's own converters (JSON, SQLite's dates and booleans).
- `instance_by_id(model, field, value)`: one model row by an integer key through such a
  statement, made a model instance with the ORM's converters.
- `names(alias, model)`: a model's quoted table and columns, for statements written by hand.
- `compiled(queryset)` and `fetch(alias, sql, params)` for statements kept by hand (with a stand-in
  swapped for the request's value), and `day`, `moment`, `uuid_text`, `json_value` to read the
  columns SQLite hands back as text.

Tests hold every statement to the queryset it repeats.
"""

import json
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache
from typing import Any, NamedTuple

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import Model, QuerySet


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


_AN_ID = -918_273_645  # the stand-in for an integer key: no row has it


@cache
def _by_id(model: type[Model], field: str) -> tuple[tuple[str, ...], Compiled]:
    names = tuple(f.attname for f in model._meta.concrete_fields)
    statement = Compiled(
        f"{model._meta.label} by {field}",
        lambda: model._default_manager.filter(**{field: _AN_ID}).values_list(*names),
        key=Slot(_AN_ID, None),
    )
    return names, statement


def instance_by_id(model: type[Model], field: str, value: int) -> Any:
    """The row of `model` whose integer `field` is `value` (None when there is none), as the
    default manager reads it: a model instance made with the columns' own converters."""
    names, statement = _by_id(model, field)
    rows = statement.rows(key=value)
    return model.from_db(DEFAULT_DB_ALIAS, names, rows[0]) if rows else None


def names(alias: str, model: type[Model]) -> tuple[str, dict[str, str]]:
    """The model's table and its fields' columns (by field name), quoted for `alias`."""
    quote = connections[alias].ops.quote_name
    meta = model._meta
    return quote(meta.db_table), {f.name: quote(f.column) for f in meta.concrete_fields}


def compiled(queryset: QuerySet[Any]) -> tuple[str, tuple[Any, ...]]:
    """The SQL and parameters the ORM writes for `queryset`, on its own database."""
    return queryset.query.get_compiler(queryset.db).as_sql()


def fetch(alias: str, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def moment(value: Any) -> datetime:
    """An aware datetime: as PostgreSQL gives it, or from SQLite's text in UTC (USE_TZ)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def uuid_text(value: Any) -> str:
    """A UUID column as its usual text (with dashes): SQLite hands 32 hex digits."""
    if isinstance(value, str) and len(value) == 32:
        return f"{value[:8]}-{value[8:12]}-{value[12:16]}-{value[16:20]}-{value[20:]}"
    return str(uuid.UUID(str(value)))


def json_value(value: Any) -> Any:
    """A JSON column's value: decoded where the database hands text."""
    return json.loads(value) if isinstance(value, str | bytes) else value
