"""Long personal lists a page at a time: the page asked for, and day words written once a page."""

from datetime import date
from functools import cache

from django.http import Http404, HttpRequest
from django.utils import dateformat
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.formats import get_format
from django.utils.translation import get_language


def page_number(request: HttpRequest) -> int:
    """The page of a paged list asked for (`?pagina=2`); 1 without one. A number no page can have
    is a 404, like a page past the last one (the view decides that)."""
    raw = request.GET.get("pagina", "1")
    if not (raw.isascii() and raw.isdigit() and 0 < len(raw) <= 6 and int(raw) > 0):
        raise Http404("no such page")
    return int(raw)


def day_words(days: set[date]) -> dict[date, tuple[str, str]]:
    """Each day as "wo 2 dec." and "2 dec." (Dutch) or "Wed 2 Dec" and "2 Dec" (English): the
    language's short date format, with the names of days and months translated once for the page
    rather than once per row."""
    weekdays, months = _names(get_language())
    return {
        day: (
            f"{weekdays[day.weekday()]} {day.day} {months[day.month]}",
            f"{day.day} {months[day.month]}",
        )
        for day in days
    }


@cache
def _names(language: str | None) -> tuple[dict[int, str], dict[int, str]]:
    """The short names of the weekdays and months in the active language (which `language`
    names): fixed while a process runs, so looked up once per language."""
    weekdays = {n: str(name) for n, name in WEEKDAYS_ABBR.items()}
    month_code = "N" if "N" in get_format("SHORT_DATE_FORMAT") else "M"
    months = {n: dateformat.format(date(2000, n, 1), month_code) for n in range(1, 13)}
    return weekdays, months
