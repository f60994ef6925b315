"""What is computed from a person's diary (insights, flare-up, today's count), loaded one way.

Every value is kept in `core.datacache` under the person's data version and local day: a diary
write raises the version (services), so nothing here is ever dropped to stay correct. Tags are
ids here; their names are looked up in the language of the request where they are shown.
"""

from __future__ import annotations

import math
from array import array
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.db.models import Aggregate, CharField

from lijfwijs.core import datacache
from lijfwijs.core.datacache import Kind
from lijfwijs.core.i18n import current_language

from . import statements
from .models import CheckIn

if TYPE_CHECKING:
    from . import insights as core

VALUES = ("day", "pain", "stress", "energy", "sleep")


class TagIds(Aggregate):
    """A group's distinct tag ids as one text, "3,17,40" (GROUP_CONCAT, STRING_AGG on PostgreSQL)."""

    function = "GROUP_CONCAT"
    template = "%(function)s(DISTINCT %(expressions)s)"
    output_field = CharField()

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        template = "STRING_AGG(DISTINCT (%(expressions)s)::text, ',')"
        return self.as_sql(compiler, connection, template=template, **extra)


def records(user: Any) -> list[core.CheckIn]:
    """The person's check-ins as the core's records, from two queries of plain values.

    A day's tags are the union of its check-ins' tags (the core works per day), so they are
    loaded per day, as one text from the database, and given to the day's first record: the
    same days, tags and values as the check-ins themselves, without a row or an object per
    check-in and tag.
    """
    from . import insights as core  # numpy and scipy load on first use, not at start-up

    links = (
        CheckIn.tags.through.objects.filter(checkin__user=user)
        .values("checkin__day")
        .annotate(ids=TagIds("tag_id"))
        .order_by()
        .values_list("checkin__day", "ids")
    )
    tags = {day: frozenset(ids.split(",")) for day, ids in links if ids}
    out = []
    empty: frozenset[str] = frozenset()
    rows = CheckIn.objects.for_user(user).order_by().values_list(*VALUES)
    for day, pain, stress, energy, sleep in rows:
        out.append(core.CheckIn(day, pain, stress, energy, sleep, tags.pop(day, empty)))
    return out


@dataclass(frozen=True, slots=True)
class Summary:
    """What the page and the API show of the insights (the core's `Insights`, compact).

    It is read from the cache on every view: the daily values are not kept (only what the
    pain-by-sleep and pain-by-stress tables need), the trend's points as three flat arrays.
    """

    checkins: int
    days: int
    trend: core.Trend  # its `series` empty: see `points()`
    ordinals: array  # the trend's points: day (ordinal), pain, rolling mean (NaN: none)
    pain: array
    rolling: array
    tag_effects: tuple[core.TagEffect, ...]
    correlations: tuple[core.Correlation, ...]
    flare_up: core.FlareUp | None
    pain_by: dict[str, tuple[tuple[int, int, float], ...]]  # variable -> (value, days, mean)

    def points(self, last: int = 0) -> list[core.TrendPoint]:
        """The trend's points, oldest first (the last `last` of them, or all)."""
        from . import insights as core

        start = max(0, len(self.ordinals) - last) if last else 0
        return [
            core.TrendPoint(date.fromordinal(o), p, None if math.isnan(r) else r)
            for o, p, r in zip(
                self.ordinals[start:], self.pain[start:], self.rolling[start:], strict=True
            )
        ]


def _pain_by(days: tuple[core.Day, ...], attr: str) -> tuple[tuple[int, int, float], ...]:
    """Mean daily pain for each whole value (0-10) of sleep or stress, with its number of days."""
    groups: dict[int, list[float]] = {}
    for day in days:
        value = getattr(day, attr)
        if value is not None and day.pain is not None:
            groups.setdefault(round(value), []).append(day.pain)
    return tuple((v, len(groups[v]), math.fsum(groups[v]) / len(groups[v])) for v in sorted(groups))


def summarize(result: core.Insights) -> Summary:
    series = result.trend.series
    return Summary(
        checkins=sum(d.checkins for d in result.days),
        days=len(result.days),
        trend=replace(result.trend, series=()),
        ordinals=array("q", (p.day.toordinal() for p in series)),
        pain=array("d", (p.pain for p in series)),
        rolling=array("d", (math.nan if p.rolling is None else p.rolling for p in series)),
        tag_effects=result.tag_effects,
        correlations=result.correlations,
        flare_up=result.flare_up,
        pain_by={v: _pain_by(result.days, v) for v in ("sleep", "stress")},
    )


def insights(user: Any, today: date) -> Summary:
    """All insights of the person's diary up to `today` (their local day)."""
    from . import insights as core

    def compute() -> Summary:
        return summarize(core.insights(records(user), today))

    return datacache.for_person(Kind.INSIGHTS, user, compute, day=today)


def flare(user: Any, today: date) -> core.FlareUp | None:
    """The flare-up at `today`, from the last 31 days only (the start page shows it)."""
    from . import insights as core

    def compute() -> core.FlareUp | None:
        since = today - timedelta(days=core.FLARE_RECENT_DAYS + core.FLARE_BASELINE_DAYS)
        rows = CheckIn.objects.for_user(user).filter(day__gte=since).order_by()
        found = [core.CheckIn(day=d, pain=p) for d, p in rows.values_list("day", "pain")]
        return core.flare_up(core.daily(found), today)

    return datacache.for_person(Kind.FLARE, user, compute, day=today)


def today_count(user: Any, today: date) -> int:
    """The person's number of check-ins on their local day `today` (the start page)."""
    return datacache.for_person(
        Kind.TODAY,
        user,
        lambda: CheckIn.objects.for_user(user).filter(day=today).count(),
        day=today,
    )


def tag_names(ids: set[int] | list[int]) -> dict[int, str]:
    """Tag id → its name in the language of the request (where the insights are shown)."""
    if not ids:
        return {}
    english = current_language() == "en"
    found = statements.tag_names(sorted(ids))
    return {pk: (english and name_en) or name_nl for pk, name_nl, name_en in found}
