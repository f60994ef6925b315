"""Dates and numbers the Dutch way in Dutch (`2 dec. 2026`, `5,7`), the English way in English."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import formats, translation

from lijfwijs.core.paging import day_words


@pytest.mark.parametrize(
    ("language", "day", "written"),
    [
        ("nl", date(2026, 12, 2), "2 dec. 2026"),
        ("nl", date(2026, 3, 5), "5 mrt. 2026"),
        ("nl", date(2026, 5, 1), "1 mei 2026"),
        ("en", date(2026, 12, 2), "2 Dec 2026"),
    ],
)
def test_dates(language, day, written):
    with translation.override(language):
        assert formats.date_format(day) == written


def test_times_and_numbers():
    moment = datetime(2026, 12, 2, 14, 5, tzinfo=ZoneInfo("Europe/Amsterdam"))
    with translation.override("nl"):
        assert formats.date_format(moment, "DATETIME_FORMAT") == "2 dec. 2026, 14:05"
        assert formats.number_format(5.7, 1) == "5,7"
    with translation.override("en"):
        assert formats.date_format(moment, "DATETIME_FORMAT") == "2 Dec 2026, 14:05"
        assert formats.number_format(5.7, 1) == "5.7"


def test_the_day_words_of_a_paged_list():
    with translation.override("nl"):
        assert day_words({date(2026, 12, 2)})[date(2026, 12, 2)] == ("wo 2 dec.", "2 dec.")
    with translation.override("en"):
        assert day_words({date(2026, 12, 2)})[date(2026, 12, 2)] == ("Wed 2 Dec", "2 Dec")
