"""The practitioner's clients at a glance: one page of rows for the client list and the API.

`client_rows()` is the one entry point (the page `/praktijk/` and `/api/v1/practice/clients`
call it). Its query count does not depend on the number of clients or check-ins: a count, one
query for the ids of the page asked for (with only what the filter and the order need), and one
query for those ids' details, each a subquery on an index ((user, day) for check-ins). The pure
part, `pain_direction()`, turns four weekly means into a direction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import Any, Literal

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import (
    Avg,
    Count,
    Exists,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Cast, Coalesce, Lower, NullIf
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from lijfwijs.accounts.access import clients_of
from lijfwijs.accounts.localtime import local_today
from lijfwijs.accounts.models import PractitionerAccess, User
from lijfwijs.diary.models import CheckIn
from lijfwijs.program.models import ProgramProgress

from .access import alerts_of
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


def _weekly_pain(today: date) -> list[Cast]:
    """Per client (OuterRef "pk"): the mean pain of each week, oldest first (NULL: none)."""
    return [
        Cast(
            Subquery(
                CheckIn.objects.filter(user=OuterRef("pk"), day__gte=first, day__lte=last)
                .order_by()
                .values("user")
                .annotate(mean=Avg("pain"))
                .values("mean")
            ),
            FloatField(),
        )
        for first, last in _week_bounds(today)
    ]


def _half_mean(a: Any, b: Any) -> Coalesce:
    return Coalesce((a + b) / Value(2.0), a, b, output_field=FloatField())


def _last_checkin() -> Subquery:
    return Subquery(CheckIn.objects.filter(user=OuterRef("pk")).order_by("-day").values("day")[:1])


def _open_alerts(practitioner: Any) -> Coalesce:
    counted = (
        alerts_of(practitioner)
        .open()
        .filter(client=OuterRef("pk"))
        .order_by()
        .values("client")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _listed(practitioner: Any, q: str, flag: str, step: int | None, sort: str, today: date) -> _Ids:
    """The ids of the practitioner's clients that match, in the order asked for."""
    clients = clients_of(practitioner)
    if q:
        clients = clients.filter(Q(display_name__icontains=q) | Q(email__icontains=q))
    if step is not None:
        clients = clients.filter(program__current_step=step)
    if flag == "alerts":
        clients = clients.filter(
            Exists(alerts_of(practitioner).open().filter(client=OuterRef("pk")))
        )
    elif flag == "silent":
        since = today - timedelta(days=SILENT_AFTER_DAYS)
        clients = clients.exclude(
            Exists(CheckIn.objects.filter(user=OuterRef("pk"), day__gte=since))
        )
    matching = clients
    clients = clients.annotate(
        sort_name=Lower(Coalesce(NullIf("display_name", Value("")), "email"))
    )
    by_name = ["sort_name", "email", "pk"]
    key, descending = sort.lstrip("-"), sort.startswith("-")
    if key == "name":
        order = [F(n).desc() if descending else F(n).asc() for n in by_name]
    elif key == "checkin":
        clients = clients.annotate(last_day=_last_checkin())
        first = (
            F("last_day").desc(nulls_last=True)
            if descending
            else F("last_day").asc(nulls_first=True)
        )
        order = [first, *by_name]
    elif key == "alerts":  # most first; "-alerts" fewest first
        clients = clients.annotate(open_alerts=_open_alerts(practitioner))
        first = F("open_alerts").asc() if descending else F("open_alerts").desc()
        order = [first, *by_name]
    else:  # trend: most rising first; "-trend" most falling first; unknown last
        w1, w2, w3, w4 = _weekly_pain(today)
        clients = clients.annotate(change=_half_mean(w3, w4) - _half_mean(w1, w2))
        change = F("change")
        first = change.asc(nulls_last=True) if descending else change.desc(nulls_last=True)
        order = [first, *by_name]
    return _Ids(matching, clients.order_by(*order).values_list("pk", flat=True))


@dataclass(frozen=True)
class _Ids:
    """The matching ids for the Paginator: counted without the order's annotations (which
    would make the count a query around the ordered one), sliced in order."""

    matching: QuerySet[Any]
    in_order: QuerySet[Any]
    ordered = True  # what the Paginator checks

    def count(self) -> int:
        return self.matching.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key: slice) -> list[int]:
        return list(self.in_order[key])


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
    if value is None:
        return None
    if isinstance(value, str):  # SQLite: text in UTC without a zone
        value = parse_datetime(value)
    if value is not None and timezone.is_naive(value):
        value = timezone.make_aware(value, UTC)
    return value


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
    contacts = [
        (values[field], kind)
        for field, kind in (("last_note", "note"), ("last_ack", "alert"), ("granted", "access"))
        if values[field] is not None
    ]
    last_contact, contact_kind = max(contacts, key=lambda c: c[0]) if contacts else (None, "")
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
    paginator = Paginator(_listed(practitioner, q.strip(), flag, step, sort, today), per_page)
    found = paginator.page(page)
    ids = list(found.object_list)
    details = _details(practitioner, ids, today) if ids else {}
    rows = [_row(details[pk], today) for pk in ids if pk in details]
    return Page(rows, found.number, paginator)
