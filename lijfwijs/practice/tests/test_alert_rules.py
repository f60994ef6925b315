"""The pure rule of the diary alerts: pain rising (the diary's flare-up rule) and silence."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lijfwijs.diary import insights as core
from lijfwijs.practice import alert_rules as rules

TODAY = date(2026, 11, 20)


def steady(days: int, pain: float = 3.0, end: date = TODAY) -> list[tuple[date, float | None]]:
    """A check-in every day for `days` days up to `end`, all at `pain`."""
    return [(end - timedelta(days=n), pain) for n in range(days - 1, -1, -1)]


def verdict(checkins, today: date = TODAY) -> core.FlareUp | None:
    return core.flare_up(rules.days_of(checkins), today)


def causes(checkins, today: date = TODAY, silence_days: int = 7, granted_on=None):
    return rules.causes(
        today=today,
        checkins=checkins,
        flare=verdict(checkins, today),
        silence_days=silence_days,
        granted_on=granted_on or TODAY - timedelta(days=90),
    )


# --- Pain rising ------------------------------------------------------------------------------


def test_a_rise_of_two_points_over_the_baseline_is_pain_rising_from_its_first_day():
    diary = steady(40, 3.0, end=TODAY - timedelta(days=3)) + [
        (TODAY - timedelta(days=2), 6.0),
        (TODAY - timedelta(days=1), 6.0),
        (TODAY, 7.0),
    ]
    first = TODAY - timedelta(days=1)  # two high days in the window of three: from then on
    assert causes(diary) == [("pain_rising", f"flare:{first.isoformat()}")]
    # the next days of the same flare-up: the same cause (one alert)
    later = diary + [(TODAY + timedelta(days=1), 7.0)]
    assert causes(later, today=TODAY + timedelta(days=1)) == causes(diary)


def test_no_pain_rising_without_a_flare_up_or_without_enough_data():
    assert causes(steady(40, 3.0)) == []
    short = steady(5, 3.0, end=TODAY - timedelta(days=3)) + steady(3, 9.0)
    assert verdict(short) is None and causes(short) == []


def test_gaps_between_check_ins_do_not_start_a_new_flare_up():
    base = steady(40, 3.0, end=TODAY - timedelta(days=7))
    high = [(TODAY - timedelta(days=n), 7.0) for n in (6, 4, 2, 0)]  # every other day
    found = causes(base + high)
    assert found == [("pain_rising", f"flare:{(TODAY - timedelta(days=4)).isoformat()}")]


def test_the_verdict_given_decides_whether_pain_is_rising():
    diary = steady(40, 3.0, end=TODAY - timedelta(days=3)) + steady(3, 8.0)
    calm = core.FlareUp(TODAY, 3.0, 3, 3.0, 28, 0.0, active=False)
    kwargs = {"today": TODAY, "checkins": diary, "silence_days": 7, "granted_on": TODAY}
    assert rules.causes(flare=calm, **kwargs) == []
    assert rules.causes(flare=None, **kwargs) == []
    assert rules.causes(flare=verdict(diary), **kwargs)[0][0] == "pain_rising"


# --- Silence ----------------------------------------------------------------------------------


def test_silence_after_more_than_the_chosen_days_since_the_last_check_in():
    last = date(2026, 11, 3)
    diary = [(last, 4.0)]
    granted = date(2026, 10, 1)
    assert causes(diary, today=last + timedelta(days=7), granted_on=granted) == []
    assert causes(diary, today=last + timedelta(days=8), granted_on=granted) == [
        ("silence", "silence:2026-11-03")
    ]
    assert causes(diary, today=last + timedelta(days=3), silence_days=2, granted_on=granted) == [
        ("silence", "silence:2026-11-03")
    ]


def test_silence_is_counted_from_the_grant_when_that_came_later():
    diary = [(date(2026, 9, 1), 4.0)]
    granted = date(2026, 11, 10)
    assert causes(diary, today=date(2026, 11, 17), granted_on=granted) == []
    assert causes(diary, today=date(2026, 11, 18), granted_on=granted) == [
        ("silence", "silence:2026-11-10")
    ]
    assert causes([], today=date(2026, 11, 18), granted_on=granted) == [
        ("silence", "silence:2026-11-10")
    ]


def test_a_setting_outside_2_to_60_is_refused():
    for wrong in (0, 1, 61):
        with pytest.raises(ValueError, match="silence_days"):
            causes([], silence_days=wrong)


def test_the_day_of_a_cause():
    assert rules.cause_day("silence:2026-11-03") == date(2026, 11, 3)
    assert rules.cause_day("flare:2026-11-03") == date(2026, 11, 3)
    assert rules.cause_day("response:3f2a") is None
    assert rules.cause_day("silence:bad") is None


# --- Properties -------------------------------------------------------------------------------

pain = st.one_of(st.none(), st.integers(0, 10).map(float))
diaries = st.lists(
    st.tuples(st.integers(0, 75).map(lambda n: TODAY - timedelta(days=n)), pain), max_size=80
)
grants = st.integers(0, 120).map(lambda n: TODAY - timedelta(days=n))


@given(diary=diaries, silence_days=st.integers(2, 60), granted_on=grants)
def test_the_same_data_gives_the_same_causes_in_any_order(diary, silence_days, granted_on):
    first = causes(diary, silence_days=silence_days, granted_on=granted_on)
    again = causes(list(reversed(diary)), silence_days=silence_days, granted_on=granted_on)
    assert first == again
    assert len({kind for kind, _ in first}) == len(first) <= 2  # at most one cause per kind
    for _kind, cause in first:
        assert len(cause) <= 80  # fits the column
        day = rules.cause_day(cause)
        assert day is not None and day <= TODAY


@given(diary=diaries, silence_days=st.integers(2, 60), granted_on=grants, p=pain)
def test_a_check_in_today_ends_the_silence(diary, silence_days, granted_on, p):
    found = causes(diary + [(TODAY, p)], silence_days=silence_days, granted_on=granted_on)
    assert "silence" not in [kind for kind, _ in found]


@given(silence_days=st.integers(2, 60), gap=st.integers(0, 90), granted_on=grants)
def test_silence_exactly_when_more_than_the_chosen_days_passed(silence_days, gap, granted_on):
    last = TODAY - timedelta(days=gap)
    found = dict(causes([(last, 5.0)], silence_days=silence_days, granted_on=granted_on))
    since = max(last, granted_on)
    assert ("silence" in found) == ((TODAY - since).days > silence_days)
    if "silence" in found:
        assert found["silence"] == f"silence:{since.isoformat()}"


@given(diary=diaries, silence_days=st.integers(2, 60), granted_on=grants)
def test_the_silence_cause_stays_the_same_while_the_silence_lasts(diary, silence_days, granted_on):
    """Each later day without a check-in gives the same key: one alert for one silence."""
    keys = set()
    for n in range(4):
        found = dict(
            causes(diary, today=TODAY + timedelta(days=n), silence_days=silence_days,
                   granted_on=granted_on)
        )  # fmt: skip
        if "silence" in found:
            keys.add(found["silence"])
    assert len(keys) <= 1


@given(diary=diaries)
def test_pain_rising_exactly_when_the_diary_rule_says_so_today(diary):
    found = dict(causes(diary))
    flare = verdict(diary)
    assert ("pain_rising" in found) == bool(flare and flare.active)
    if "pain_rising" in found:
        first = rules.cause_day(found["pain_rising"])
        assert first is not None and first <= TODAY
        assert core.flare_up(rules.days_of(diary), first).active  # the rule said so that day too
