"""The client's own access log (`/account/inzage/`): who looked at their data, a page of rows at a
time, grouped per day in the person's time zone, newest first, one line per look."""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.http import Http404, HttpRequest
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from lijfwijs.core.paging import day_words, page_number

from .localtime import local_today, zone_of
from .models import AccessLog

PAGE = 50


@dataclass(frozen=True)
class Line:
    time: str  # "14:05" in the person's time zone
    at: str  # ISO 8601, for <time datetime>
    who: str  # the practitioner's name (the email on rows from before names were logged)
    practice: str
    what: str  # in words: "zag je in de cliëntenlijst", "Tijdlijn: bekeken"


@dataclass(frozen=True)
class Day:
    heading: str
    day: date
    lines: list[Line]


def log_page(request: HttpRequest) -> dict[str, Any]:
    """The page asked for (`?pagina=2` for older rows): its days and the links to the pages
    around it. One query, however many rows the log holds; a page past the last one is a 404."""
    user = request.user
    page = page_number(request)
    start = (page - 1) * PAGE
    rows = list(
        AccessLog.objects.about(user.pk)
        .order_by("-at", "-id")
        .only("at", "actor_email", "actor_name", "on_behalf_of", "kind", "action")[
            start : start + PAGE + 1
        ]
    )
    if page > 1 and not rows:
        raise Http404("no such page")
    return {
        "days": group_per_day(rows[:PAGE], user),
        "older": page + 1 if len(rows) > PAGE else None,
        "newer": page - 1 if page > 1 else None,
    }


def group_per_day(rows: list[AccessLog], user: Any) -> list[Day]:
    """Rows (newest first) as days (newest first), the words of each kind and action translated
    once for the page."""
    zone = zone_of(user)
    today = local_today(user)
    kinds = {value: capfirst(str(label)) for value, label in AccessLog.Kind.choices}
    actions = {value: str(label) for value, label in AccessLog.Action.choices}
    in_list = _("zag je in de cliëntenlijst")
    local = [(row, row.at.astimezone(zone)) for row in rows]
    words = day_words({moment.date() for _, moment in local})
    days: list[Day] = []
    for row, moment in local:
        day = moment.date()
        if not days or days[-1].day != day:
            days.append(Day(_heading(day, today, words[day][0]), day, []))
        if row.kind == AccessLog.Kind.CLIENT_LIST and row.action == AccessLog.Action.LIST:
            what = in_list
        else:
            what = f"{kinds.get(row.kind, row.kind)}: {actions.get(row.action, row.action)}"
        days[-1].lines.append(
            Line(
                time=f"{moment:%H:%M}",
                at=moment.isoformat(timespec="minutes"),
                who=row.actor_name or row.actor_email,
                practice=row.on_behalf_of,
                what=what,
            )
        )
    return days


def _heading(day: date, today: date, words: str) -> str:
    if day == today:
        return _("Vandaag, %(day)s") % {"day": words}
    if day == today - timedelta(days=1):
        return _("Gisteren, %(day)s") % {"day": words}
    return words if day.year == today.year else f"{words} {day.year}"
