"""The player's and the log's reads as plain SQL, compiled once per process from the ORM's own query.

Building a query through the ORM (filters, joins, ordering, the compiler) costs a hot page more
CPU than the database takes to answer it (as on the client's page and for the unread count). Each
statement here is the SQL the ORM writes for a queryset of the models' managers, compiled once per
process and database alias with a placeholder where a value of the request goes, then executed
with the request's values; the rows are read as the database hands them and converted here where
SQLite hands text (dates, times, JSON). Tests hold every statement to its queryset's rows.
Nothing is stored between requests but the SQL text.
"""

import functools
from typing import Any

from django.db import router

from lijfwijs.core.statements import compiled, fetch, json_value, moment, uuid_text
from lijfwijs.core.statements import day as as_day

from .models import Exercise, PracticeSession

# Placeholders the compiled SQL carries where a request's value goes: no row has them.
_PERSON = -735_102
_SLUG = "__exercise-slug-placeholder__"

LOG_COLUMNS = (
    "pk",
    "day",
    "started_at",
    "exercise__name_nl",
    "exercise__name_en",
    "pattern__name",
    "seconds",
    "completed",
    "tension_before",
    "tension_after",
    "checkin_id",
)


# --- The practice log's rows ---------------------------------------------------------------------


@functools.lru_cache(maxsize=8)
def _log_rows_sql(alias: str) -> tuple[str, tuple[Any, ...]]:
    # newest first, by day first: the (user, day) index walks the days in order and the LIMIT
    # stops it, instead of joining and sorting every session the person ever logged
    queryset = (
        PracticeSession.objects.using(alias)
        .for_user(_PERSON)
        .order_by("-day", "-started_at", "-created_at")
        .values_list(*LOG_COLUMNS)
    )
    sql, params = compiled(queryset)
    return f"{sql} LIMIT %s OFFSET %s", params


def log_rows(user: Any, offset: int, limit: int) -> list[tuple[Any, ...]]:
    """`PracticeSession.objects.for_user(user)` newest first (by day, start, creation) as the
    values of LOG_COLUMNS, `limit` rows from `offset`: the pk and the check-in (or None) as
    UUID text, the day a date, the start an aware datetime, `completed` true or false."""
    alias = router.db_for_read(PracticeSession)
    sql, params = _log_rows_sql(alias)
    values = [user.pk if p == _PERSON else p for p in params]
    return [
        (
            uuid_text(pk),
            as_day(day),
            moment(started),
            *names,
            seconds,
            bool(completed),
            before,
            after,
            None if checkin is None else uuid_text(checkin),
        )
        for pk, day, started, *names, seconds, completed, before, after, checkin in fetch(
            alias, sql, [*values, limit, offset]
        )
    ]


# --- The catalog and one exercise, for the player --------------------------------------------------


@functools.lru_cache(maxsize=8)
def _catalog_sql(alias: str) -> tuple[str, tuple[Any, ...]]:
    queryset = (
        Exercise.objects.using(alias)
        .active()
        .values_list("slug", "name_nl", "name_en", "kind", "domains")
    )
    return compiled(queryset)


def catalog() -> list[tuple[str, str, str, str, list[str]]]:
    """The active exercises in catalog order as (slug, name_nl, name_en, kind, domains)."""
    alias = router.db_for_read(Exercise)
    sql, params = _catalog_sql(alias)
    return [
        (slug, name_nl, name_en, kind, json_value(domains))
        for slug, name_nl, name_en, kind, domains in fetch(alias, sql, list(params))
    ]


def _converter(field: Any) -> Any:
    """How a column of `field` is read back: JSON decoded, booleans and times as Python's."""
    return {"JSONField": json_value, "BooleanField": bool, "DateTimeField": moment}.get(
        field.get_internal_type()
    )


@functools.lru_cache(maxsize=8)
def _exercise_sql(alias: str) -> tuple[str, tuple[Any, ...], tuple[str, ...], tuple[Any, ...]]:
    queryset = Exercise.objects.using(alias).active().filter(slug=_SLUG)
    sql, params = compiled(queryset)
    fields = Exercise._meta.concrete_fields
    return sql, params, tuple(f.attname for f in fields), tuple(_converter(f) for f in fields)


def active_exercise(slug: str) -> Exercise | None:
    """`Exercise.objects.active().filter(slug=slug).first()`: the whole exercise, as a model."""
    alias = router.db_for_read(Exercise)
    sql, params, names, converters = _exercise_sql(alias)
    rows = fetch(alias, sql, [slug if p == _SLUG else p for p in params])
    if not rows:
        return None
    values = [
        value if convert is None or value is None else convert(value)
        for convert, value in zip(converters, rows[0], strict=True)
    ]
    return Exercise.from_db(alias, names, values)
