"""The record's dates and numbers written without Django's per-call format machinery
(practice.dates, timeline.number) are what Django's formats write, in both languages."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import formats, timezone, translation

from lijfwijs.practice import dates, timeline

NAMES = ["DATE_FORMAT", "DATETIME_FORMAT", "SHORT_DATE_FORMAT", "MONTH_DAY_FORMAT", "TIME_FORMAT"]
DAYS = [date(2026, 1, 1) + timedelta(days=n * 17) for n in range(24)] + [date(999, 12, 31)]
MOMENTS = [
    datetime(2026, 3, 29, 0, 59, tzinfo=UTC) + timedelta(hours=n * 7, minutes=n * 13)
    for n in range(60)
]


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("name", NAMES)
def test_dates_are_djangos(language, name):
    with translation.override(language):
        write = dates.formatter(name)
        for day in DAYS:
            if name not in ("DATETIME_FORMAT", "TIME_FORMAT"):
                assert write(day) == formats.date_format(day, name)
        for moment in MOMENTS:
            local = moment.astimezone(ZoneInfo("Europe/Amsterdam"))
            assert write(local) == formats.date_format(local, name)
            assert write(timezone.localtime(moment)) == formats.date_format(
                timezone.localtime(moment), name
            )


def test_a_format_with_a_character_it_does_not_write_is_left_to_django(monkeypatch):
    monkeypatch.setattr(formats, "get_format", lambda name, *args, **kwargs: r"l j \d\e F Y")
    with translation.override("nl"):
        write = dates._formatter.__wrapped__("nl", "WEEKDAY_FORMAT")
        assert write(date(2026, 5, 1)) == "vrijdag 1 de mei 2026"


@pytest.mark.parametrize("language", ["nl", "en"])
def test_numbers_are_djangos(language):
    values = [n / 40 - 12 for n in range(1000)] + [0.05, 0.15, 0.25, -0.04, 1e-9, 7.0, 10.0]
    with translation.override(language):
        for value in values:
            for digits in (0, 1, 2):
                assert timeline.number(value, digits) == formats.number_format(
                    round(value, digits) + 0.0, digits
                )
        assert timeline.number(None) == "–"
        words = timeline.Words()
        assert [words.number(v) for v in values] == [timeline.number(v) for v in values]
