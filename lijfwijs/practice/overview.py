"""The practitioner's clients at a glance: one page of rows for the client list and the API.

`client_rows()` is the one entry point (the page `/praktijk/` and `/api/v1/practice/clients`
call it). Its query count does not depend on the number of clients or check-ins: a count, one
query for the ids of the page asked for (with only what the filter and the order need), and one
query for those ids' details, each value a subquery on an index ((user, day) for check-ins).
The three are SQL written once per process (see `_listed_sql`, `_details_sql`). The pure part,
`pain_change()` and `pain_direction()`, turns four weekly means into a change and a direction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any, Literal

from django.core.paginator import Page, Paginator
from django.db import connection

from lijfwijs.accounts.localtime import local_today
from lijfwijs.accounts.models import PractitionerAccess, User
from lijfwijs.core import statements
from lijfwijs.diary.models import CheckIn
from lijfwijs.program.models import ProgramProgress

from .models import Alert, ClientNote

# --- the pure part ---------------------------------------------------------------------------

WEEKS = 4  # the pain trend's weeks, the last one ending today
SILENT_AFTER_DAYS = 7  # "silent": no check-in for more than this many days
STEADY_BELOW = 0.5  # a change of the weekly mean pain (0-10) smaller than this is "steady"

Direction = Literal["rising", "falling", "steady", "unknown"]


def _mean(values: Sequence[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None


def pain_change(weeks: Sequence[float | None]) -> float | None:
    """The mean of the last two weeks' means minus that of the first two (weeks oldest first;
    a week without check-ins is left out of its half). None when a half has no week with data.
    The client list's order "pain trend" computes the same in SQL."""
    half = len(weeks) // 2
    early, late = _mean(weeks[:half]), _mean(weeks[half:])
    if early is None or late is None:
        return None
    return late - early


def pain_direction(weeks: Sequence[float | None]) -> Direction:
    """ "rising", "falling" or "steady" (a change below STEADY_BELOW points either way), from the
    weekly mean pain oldest first; "unknown" without a week with data in both halves."""
    change = pain_change(weeks)
    if change is None:
        return "unknown"
    if change >= STEADY_BELOW:
        return "rising"
    if change <= -STEADY_BELOW:
        return "falling"
    return "steady"


# --- the rows --------------------------------------------------------------------------------

FLAGS = ("alerts", "silent")
# Each order and its reverse ("-"): name A-Z; last check-in longest ago first (never first);
# most open alerts first; most rising pain first. Ties go by name.
SORTS = ("name", "-name", "checkin", "-checkin", "alerts", "-alerts", "trend", "-trend")
ContactKind = Literal["note", "alert", "access", ""]


@dataclass(frozen=True)
class ClientRow:
    """One client as the list shows them. `weekly_pain` holds the mean pain (0-10) of each of
    the last four weeks, oldest first (the last ends today), None for a week without
    check-ins. `last_contact` is the latest of the practitioner's last note about the client,
    the last alert about them the practitioner acknowledged, and the grant of access;
    `last_contact_kind` says which ("note", "alert", "access")."""

    id: int
    name: str
    email: str
    last_checkin: date | None
    days_silent: int | None
    weekly_pain: tuple[float | None, ...]
    direction: Direction
    step: int | None
    open_alerts: int
    last_contact: datetime | None
    last_contact_kind: ContactKind


def _week_bounds(today: date) -> list[tuple[date, date]]:
    """(first, last) day of each of the WEEKS weeks, oldest first; the last ends today."""
    return [
        (today - timedelta(days=7 * k + 6), today - timedelta(days=7 * k))
        for k in reversed(range(WEEKS))
    ]


class _Ids:
    """The matching ids for the Paginator: counted, and sliced in order (LIMIT/OFFSET).

    A slice's statement also counts every match (the count's statement as a subquery of its
    own, which the database runs once), so a page that has rows needs no statement of its own
    for the count: `fetch` reads the page before the Paginator asks, and the Paginator's count
    and slice are then answered from it. The count has its own statement only for a page
    without rows (past the last, or no match at all)."""

    ordered = True  # what the Paginator checks

    def __init__(self, sql: tuple[str, str], where: list[Any], select: list[Any]) -> None:
        self.count_sql, self.ids_sql = sql
        self.where, self.select = where, select
        self._count: int | None = None
        self._fetched: tuple[int, list[int]] | None = None  # (offset, ids from there)

    def fetch(self, offset: int, limit: int) -> None:
        with connection.cursor() as cursor:
            cursor.execute(self.ids_sql, [*self.where, *self.select, *self.where, limit, offset])
            rows = cursor.fetchall()
        if rows:
            self._count = int(rows[0][1])
        self._fetched = (offset, [row[0] for row in rows])

    def count(self) -> int:
        if self._count is None:
            with connection.cursor() as cursor:
                cursor.execute(self.count_sql, self.where)
                self._count = int(cursor.fetchone()[0])
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key: slice) -> list[int]:
        offset, stop = key.start or 0, key.stop
        if self._fetched is None or self._fetched[0] != offset:
            self.fetch(offset, stop - offset)
        _, ids = self._fetched  # type: ignore[misc]
        return ids[: stop - offset]


def _like(q: str) -> str:
    """A LIKE pattern for "contains q", case-insensitive (compared with LOWER(...))."""
    escaped = q.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _listed(practitioner: Any, q: str, flag: str, step: int | None, sort: str, today: date) -> _Ids:
    """The ids of the practitioner's clients that match, in the order asked for."""
    where: list[Any] = [practitioner.pk]
    if q:
        where += [_like(q), _like(q)]
    if step is not None:
        where.append(step)
    if flag == "alerts":
        where.append(practitioner.pk)
    elif flag == "silent":
        where.append(
            connection.ops.adapt_datefield_value(today - timedelta(days=SILENT_AFTER_DAYS))
        )
    key = sort.lstrip("-")
    select: list[Any] = []
    if key == "alerts":
        select.append(practitioner.pk)
    elif key == "trend":  # the bounds in the order _listed_sql's change writes them
        adapt = connection.ops.adapt_datefield_value
        weeks = [(adapt(a), adapt(b)) for a, b in _week_bounds(today)]
        for first, second in ((2, 3), (0, 1)):
            pair = [*weeks[first], *weeks[second]]
            select += pair + pair
        select += [weeks[0][0], weeks[-1][1]]
    return _Ids(
        _listed_sql(bool(q), flag, step is not None, sort, connection.vendor), where, select
    )


@lru_cache(maxsize=128)
def _listed_sql(q: bool, flag: str, step: bool, sort: str, vendor: str) -> tuple[str, str]:
    """(count, ids) SQL of the matching clients for these kinds of filter and this order,
    written once per process from the models' own table and column names, like the details
    (the ORM took longer to build these than the database to answer them). The rules of
    `clients_of` and `alerts_of` are repeated here; the tests hold them to the querysets.
    Placeholders of the count: the filters' values (where). Of the ids: the filters' (for the
    count that comes with them), the order's values (select), the filters' again, then LIMIT and
    OFFSET."""
    user, u = _columns(User)
    checkin, c = _columns(CheckIn)
    progress, g = _columns(ProgramProgress)
    alert, a = _columns(Alert)
    access, x = _columns(PractitionerAccess)
    me = f"{user}.{u['id']}"
    # The practitioner's grants drive the search (an index on the practitioner): a test for a
    # grant on every user would read every account of the installation.
    conditions = [
        f"{me} IN (SELECT {x['client']} FROM {access} WHERE "  # noqa: S608
        f"{x['practitioner']} = %s AND {x['status']} = 'active')",
        f"{user}.{u['is_active']}",
        f"{user}.{u['role']} = 'client'",
    ]
    if q:
        conditions.append(
            f"(LOWER({user}.{u['display_name']}) LIKE %s ESCAPE '\\' "
            f"OR LOWER({user}.{u['email']}) LIKE %s ESCAPE '\\')"
        )
    if step:
        conditions.append(
            f"EXISTS (SELECT 1 FROM {progress} WHERE {g['user']} = {me} "  # noqa: S608
            f"AND {g['current_step']} = %s)"
        )
    if flag == "alerts":
        conditions.append(
            f"EXISTS (SELECT 1 FROM {alert} WHERE {a['client']} = {me} "  # noqa: S608
            f"AND {a['practitioner']} = %s AND {a['acknowledged_at']} IS NULL)"
        )
    elif flag == "silent":
        conditions.append(
            f"NOT EXISTS (SELECT 1 FROM {checkin} WHERE {c['user']} = {me} "  # noqa: S608
            f"AND {c['day']} >= %s)"
        )
    where = " AND ".join(conditions)
    name_key = f"LOWER(COALESCE(NULLIF({user}.{u['display_name']}, ''), {user}.{u['email']}))"
    key, descending = sort.lstrip("-"), sort.startswith("-")
    way = "DESC" if descending else "ASC"
    columns = [f"{me} AS id", f"{name_key} AS name_key", f"{user}.{u['email']} AS email"]
    if key == "checkin":
        columns.append(f"(SELECT MAX({c['day']}) FROM {checkin} WHERE {c['user']} = {me}) AS k")  # noqa: S608
        first = "t.k DESC NULLS LAST" if descending else "t.k ASC NULLS FIRST"
    elif key == "alerts":  # most first; "-alerts" fewest first
        columns.append(
            f"(SELECT COUNT(*) FROM {alert} WHERE {a['client']} = {me} "  # noqa: S608
            f"AND {a['practitioner']} = %s AND {a['acknowledged_at']} IS NULL) AS k"
        )
        first = "t.k ASC" if descending else "t.k DESC"
    elif key == "trend":  # most rising first; "-trend" most falling first; unknown last
        # pain_change() in one pass over each client's last 4 weeks (an index range on
        # (user, day)): a week's mean is an AVG over that week's days only
        def week(_: int) -> str:
            return f"AVG(CASE WHEN {c['day']} >= %s AND {c['day']} <= %s THEN {c['pain']} END)"

        def half(a: int, b: int) -> str:
            return f"COALESCE(({week(a)} + {week(b)}) / 2.0, {week(a)}, {week(b)})"

        columns.append(
            f"(SELECT {half(3, 4)} - {half(1, 2)} FROM {checkin} "  # noqa: S608
            f"WHERE {c['user']} = {me} AND {c['day']} >= %s AND {c['day']} <= %s) AS k"
        )
        first = "t.k ASC NULLS LAST" if descending else "t.k DESC NULLS LAST"
    else:
        first = ""
    order = ", ".join(
        ([first] if first else [])
        + [f"t.name_key {way if not first else 'ASC'}"]
        + [f"t.email {way if not first else 'ASC'}", f"t.id {way if not first else 'ASC'}"]
    )
    count_sql = f"SELECT COUNT(*) FROM {user} WHERE {where}"  # noqa: S608
    # The count as a subquery that does not depend on the row, which SQLite and PostgreSQL
    # evaluate once; `COUNT(*) OVER ()` made SQLite carry every match through a window before
    # sorting, where LIMIT lets it keep only a page's worth (500 clients: 0.36 -> 0.26 ms).
    ids_sql = (
        f"SELECT t.id, ({count_sql}) FROM (SELECT {', '.join(columns)} "  # noqa: S608
        f"FROM {user} WHERE {where}) t ORDER BY {order} LIMIT %s OFFSET %s"
    )
    return count_sql, ids_sql


def _columns(model: Any) -> tuple[str, dict[str, str]]:
    quote = connection.ops.quote_name
    return quote(model._meta.db_table), {
        f.name: quote(f.column) for f in model._meta.concrete_fields
    }


@lru_cache(maxsize=128)
def _details_sql(count: int, vendor: str) -> str:
    """SQL for the details of `count` clients, written once per process from the models' own
    table and column names: the ORM spent about ten times longer building this query of
    eleven subqueries on each request than the database spent answering it. It repeats the
    rules of `clients_of` (an active grant, an active client) and `alerts_of` (the
    practitioner's own alerts, about a client who grants access: the rows are such clients);
    the tests compare it with the ORM's querysets. Placeholders, in order: the week bounds
    (first, last) of the WEEKS weeks, then the practitioner 5 times, then the ids."""
    user, u = _columns(User)
    checkin, c = _columns(CheckIn)
    progress, g = _columns(ProgramProgress)
    alert, a = _columns(Alert)
    note, n = _columns(ClientNote)
    access, x = _columns(PractitionerAccess)
    me = f"{user}.{u['id']}"
    weeks = ", ".join(
        f"(SELECT AVG({c['pain']}) FROM {checkin} WHERE {c['user']} = {me} "  # noqa: S608
        f"AND {c['day']} >= %s AND {c['day']} <= %s)"
        for _ in range(WEEKS)
    )
    granted = (
        f"SELECT MAX({x['granted_at']}) FROM {access} WHERE {x['client']} = {me} "  # noqa: S608
        f"AND {x['practitioner']} = %s AND {x['status']} = 'active'"
    )
    # only quoted names of the models' own columns, and %s for the values
    return (
        f"SELECT {me}, {user}.{u['display_name']}, {user}.{u['email']}, "  # noqa: S608
        f"(SELECT {g['current_step']} FROM {progress} WHERE {g['user']} = {me}), "
        f"(SELECT MAX({c['day']}) FROM {checkin} WHERE {c['user']} = {me}), "
        f"{weeks}, "
        f"(SELECT COUNT(*) FROM {alert} WHERE {a['client']} = {me} AND {a['practitioner']} = %s "
        f"AND {a['acknowledged_at']} IS NULL), "
        f"(SELECT MAX({n['created_at']}) FROM {note} WHERE {n['client']} = {me} "
        f"AND {n['author']} = %s), "
        f"(SELECT MAX({a['acknowledged_at']}) FROM {alert} WHERE {a['client']} = {me} "
        f"AND {a['practitioner']} = %s), "
        f"({granted}) "
        f"FROM {user} WHERE {user}.{u['is_active']} AND {user}.{u['role']} = 'client' "
        f"AND ({granted}) IS NOT NULL AND {me} IN ({', '.join(['%s'] * count)})"
    )


def _day(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])  # SQLite answers text for a MAX of dates


def _moment(value: Any) -> datetime | None:
    return None if value is None else statements.moment(value)


def _details(practitioner: Any, ids: list[int], today: date) -> dict[int, dict[str, Any]]:
    """Everything a row shows, for these clients only: one query, a subquery per value."""
    adapt = connection.ops.adapt_datefield_value
    params: list[Any] = [adapt(d) for bounds in _week_bounds(today) for d in bounds]
    params += [practitioner.pk] * 5 + list(ids)
    with connection.cursor() as cursor:
        cursor.execute(_details_sql(len(ids), connection.vendor), params)
        found = cursor.fetchall()
    names = ("pk", "display_name", "email", "step", "last_day", "w1", "w2", "w3", "w4")
    names += ("open_alerts", "last_note", "last_ack", "granted")
    rows = {}
    for values in found:
        row = dict(zip(names, values, strict=True))
        row["last_day"] = _day(row["last_day"])
        for key in ("last_note", "last_ack", "granted"):
            row[key] = _moment(row[key])
        rows[row["pk"]] = row
    return rows


def _row(values: dict[str, Any], today: date) -> ClientRow:
    weeks = tuple(
        None if values[w] is None else round(float(values[w]), 1) for w in ("w1", "w2", "w3", "w4")
    )
    last_day = values["last_day"]
    last_contact, contact_kind = None, ""
    for field, kind in (("last_note", "note"), ("last_ack", "alert"), ("granted", "access")):
        moment = values[field]  # the first of equal moments, as max() gave
        if moment is not None and (last_contact is None or moment > last_contact):
            last_contact, contact_kind = moment, kind
    return ClientRow(
        id=values["pk"],
        name=values["display_name"] or values["email"],
        email=values["email"],
        last_checkin=last_day,
        days_silent=None if last_day is None else max(0, (today - last_day).days),
        weekly_pain=weeks,
        direction=pain_direction(weeks),
        step=values["step"],
        open_alerts=values["open_alerts"],
        last_contact=last_contact,
        last_contact_kind=contact_kind,
    )


def client_rows(
    practitioner: Any,
    *,
    q: str = "",
    flag: str = "",
    step: int | None = None,
    sort: str = "name",
    page: int = 1,
    per_page: int = 25,
) -> Page:
    """One page of the clients who grant `practitioner` access now (nobody's for anyone else),
    as a Django `Page` whose `object_list` is a list of `ClientRow` (its `paginator.count` is
    the number of clients that match, `paginator.num_pages` the pages).

    - `q`: part of the name or email address, case-insensitive ("" for all).
    - `flag`: "" (all), "alerts" (has open alerts), "silent" (no check-in for more than 7 days,
      or never).
    - `step`: the program step 1-5 the client is in now (None for all).
    - `sort`: one of SORTS: "name", "checkin" (last check-in, longest ago first), "alerts"
      (most open alerts first), "trend" (pain rising most first); "-" before one reverses it.
    - `page`: 1 or more; a page past the last raises `django.core.paginator.EmptyPage` (page 1
      is always there, perhaps empty). `per_page`: rows a page (1-100).

    Days are the practitioner's local dates; the weeks of the pain trend end today.
    Raises ValueError for a flag, step, sort or per_page outside these. Writes nothing: the
    caller logs the look (one access-log row per client on the page).
    """
    if flag not in ("", *FLAGS):
        raise ValueError(f"unknown flag {flag!r}")
    if sort not in SORTS:
        raise ValueError(f"unknown sort {sort!r}")
    if step is not None and not 1 <= step <= 5:  # noqa: PLR2004
        raise ValueError(f"no program step {step!r}")
    if not 1 <= per_page <= 100:  # noqa: PLR2004
        raise ValueError(f"per_page {per_page!r} outside 1-100")
    today = local_today(practitioner)
    if not (
        getattr(practitioner, "is_authenticated", False)
        and getattr(practitioner, "is_practitioner", False)
        and practitioner.is_active
    ):  # as clients_of: nobody's clients for anyone else
        return Paginator([], per_page).page(page)
    listed = _listed(practitioner, q.strip(), flag, step, sort, today)
    if isinstance(page, int) and page >= 1:
        listed.fetch((page - 1) * per_page, per_page)  # the page and the count in one statement
    paginator = Paginator(listed, per_page)
    found = paginator.page(page)
    ids = list(found.object_list)
    details = _details(practitioner, ids, today) if ids else {}
    rows = [_row(details[pk], today) for pk in ids if pk in details]
    return Page(rows, found.number, paginator)
