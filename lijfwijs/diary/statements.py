"""The diary's hot reads as plain SQL, written once per process: the list's rows and their tags,
the check-in form's tags and exercises, the insights' tag names.

Building these querysets through the ORM (filters, a join, ordering, the compiler) cost the pages
more CPU than the database took to answer them. A statement is either the SQL the ORM writes for
the queryset, compiled once per process and database alias with a placeholder where the person
goes, or, where the number of values varies, written from the models' own table and column names
once per count. The values are read as the database hands them and converted where SQLite hands
text (dates, times, UUIDs: `core.statements`). Tests hold each to its queryset. Nothing is stored
between requests but the SQL text.
"""

import functools
from datetime import date, datetime
from typing import Any

from django.db import connections, router

from lijfwijs.core.statements import day, fetch, moment, uuid_text
from lijfwijs.exercises.models import Exercise

from .models import CheckIn, Tag

_PERSON = -735_102  # where the person goes in the compiled SQL: no account has this id


@functools.lru_cache(maxsize=8)
def _rows_sql(alias: str) -> tuple[str, tuple[Any, ...]]:
    queryset = (
        CheckIn.objects.using(alias)
        .for_user(_PERSON)
        .order_by("-day", "-at")
        .values_list("pk", "day", "at", "pain")
    )
    sql, params = queryset.query.get_compiler(alias).as_sql()
    return f"{sql} LIMIT %s OFFSET %s", params


@functools.lru_cache(maxsize=64)
def _tags_sql(alias: str, count: int) -> str:
    quote = connections[alias].ops.quote_name
    through = CheckIn.tags.through
    links = quote(through._meta.db_table)
    checkin = quote(through._meta.get_field("checkin").column)
    tag_id = quote(through._meta.get_field("tag").column)
    tags = quote(Tag._meta.db_table)
    t = {f.name: quote(f.column) for f in Tag._meta.concrete_fields}
    marks = ", ".join(["%s"] * count)
    return (
        f"SELECT {links}.{checkin}, {tags}.{t['name_nl']}, {tags}.{t['name_en']} "  # noqa: S608
        f"FROM {links} INNER JOIN {tags} ON ({links}.{tag_id} = {tags}.{t['id']}) "
        f"WHERE {links}.{checkin} IN ({marks}) "
        f"ORDER BY {tags}.{t['kind']}, {tags}.{t['sort_order']}, {tags}.{t['name_nl']}"
    )


def list_rows(
    user: Any, offset: int, limit: int
) -> list[tuple[str, date, datetime, int, list[tuple[str, str]]]]:
    """`CheckIn.objects.for_user(user)` newest first (by day, then time), `limit` rows from
    `offset`, as (pk as UUID text, day, aware time, pain, [(tag name_nl, name_en), …] in the
    tags' own order): two statements whatever the page or the size of the diary."""
    alias = router.db_for_read(CheckIn)
    sql, params = _rows_sql(alias)
    values = [user.pk if p == _PERSON else p for p in params]
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, [*values, limit, offset])
        found = cursor.fetchall()
        names: dict[Any, list[tuple[str, str]]] = {row[0]: [] for row in found}
        if found:
            cursor.execute(_tags_sql(alias, len(found)), list(names))
            for checkin_id, name_nl, name_en in cursor.fetchall():
                names[checkin_id].append((name_nl, name_en))
    return [(uuid_text(pk), day(on), moment(at), pain, names[pk]) for pk, on, at, pain in found]


# --- The check-in form's choices ------------------------------------------------------------------


@functools.lru_cache(maxsize=8)
def _offer_tags_sql(alias: str) -> tuple[str, tuple[Any, ...]]:
    queryset = Tag.objects.using(alias).for_user(_PERSON).values_list("pk", "name_nl", "name_en")
    return queryset.query.get_compiler(alias).as_sql()


def offer_tags(user: Any) -> list[tuple[Any, str, str]]:
    """`Tag.objects.for_user(user).values_list("pk", "name_nl", "name_en")`: the starter tags
    and the person's own, active ones, in the tags' own order."""
    alias = router.db_for_read(Tag)
    sql, params = _offer_tags_sql(alias)
    return fetch(alias, sql, [user.pk if p == _PERSON else p for p in params])


@functools.lru_cache(maxsize=8)
def _exercises_sql(alias: str) -> tuple[str, tuple[Any, ...]]:
    queryset = Exercise.objects.using(alias).active().values_list("slug", "name_nl", "name_en")
    return queryset.query.get_compiler(alias).as_sql()


def active_exercises() -> list[tuple[str, str, str]]:
    """`Exercise.objects.active().values_list("slug", "name_nl", "name_en")`, in catalog order."""
    alias = router.db_for_read(Exercise)
    sql, params = _exercises_sql(alias)
    return fetch(alias, sql, list(params))


# --- The insights' tag names --------------------------------------------------------------------


@functools.lru_cache(maxsize=64)
def _tag_names_sql(alias: str, count: int) -> str:
    quote = connections[alias].ops.quote_name
    table = quote(Tag._meta.db_table)
    t = {f.name: quote(f.column) for f in Tag._meta.concrete_fields}
    marks = ", ".join(["%s"] * count)
    return (
        f"SELECT {t['id']}, {t['name_nl']}, {t['name_en']} FROM {table} "  # noqa: S608
        f"WHERE {t['id']} IN ({marks})"
    )


def tag_names(ids: list[int]) -> list[tuple[int, str, str]]:
    """`Tag.objects.filter(pk__in=ids).values_list("pk", "name_nl", "name_en")` (in no order)."""
    if not ids:
        return []
    alias = router.db_for_read(Tag)
    return fetch(alias, _tag_names_sql(alias, len(ids)), list(ids))
