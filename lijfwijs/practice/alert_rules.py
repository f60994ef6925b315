"""Which alerts a client's diary calls for, the pure core: plain data in, causes out.

No Django import: the task (`practice.alerts.evaluate_clients`) reads the data and INSERTs one
alert per cause under the unique constraint (practitioner, client, cause), so a cause is a key
that stays the same for as long as the situation lasts and changes when a new one begins:

- ``("pain_rising", "flare:<first day>")``: the diary's flare-up rule (`diary.insights.flare_up`,
  called, not copied) says pain is rising today. The first day is found by asking the same rule
  about the earlier days with a pain value, back to the first one where it did not say so; days
  without a check-in are skipped, so someone who checks in every other day keeps one flare-up
  (and one alert) instead of a new one after every gap.
- ``("silence", "silence:<day>")``: more than `silence_days` days without a check-in since the
  last check-in, or since the day access was granted when that came later (a practitioner is not
  told about a silence from before they could see the diary). A new check-in moves the day, so
  the next silence is a new cause.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from lijfwijs.diary import insights as core

PAIN_RISING = "pain_rising"
SILENCE = "silence"
# How far back the first day of a flare-up is looked for (the rule's baseline moves with it, so
# a flare-up rarely lasts longer than about two weeks). The data given must reach this far back
# plus the rule's own window (LOOKBACK_DAYS).
FLARE_MAX_DAYS = 60
LOOKBACK_DAYS = FLARE_MAX_DAYS + core.FLARE_RECENT_DAYS + core.FLARE_BASELINE_DAYS
MIN_SILENCE_DAYS, MAX_SILENCE_DAYS = 2, 60

Cause = tuple[str, str]


def days_of(checkins: Iterable[tuple[date, float | None]]) -> list[core.Day]:
    """The diary's days (mean pain per date, as the insights compute them) from (day, pain)."""
    return core.daily(core.CheckIn(day=day, pain=pain) for day, pain in checkins)


def flare_start(days: list[core.Day], today: date) -> date | None:
    """The first day of the flare-up going on at `today` (None when there is none today).

    `today` itself counts when the rule says so there; before it, only days with a pain value
    are asked (see the module docstring), at most FLARE_MAX_DAYS back."""
    verdict = core.flare_up(days, today)
    if verdict is None or not verdict.active:
        return None
    first = today
    limit = today - timedelta(days=FLARE_MAX_DAYS)
    earlier = sorted(
        (d.day for d in days if d.pain is not None and limit <= d.day < today), reverse=True
    )
    for day in earlier:
        verdict = core.flare_up(days, day)
        if verdict is None or not verdict.active:
            break
        first = day
    return first


def silence_since(checkin_days: Iterable[date], granted_on: date) -> date:
    """The day the silence is counted from: the last check-in, or the grant when that is later."""
    last = max(checkin_days, default=None)
    return granted_on if last is None or last < granted_on else last


def causes(
    *,
    today: date,
    checkins: Iterable[tuple[date, float | None]],
    flare: core.FlareUp | None,
    silence_days: int,
    granted_on: date,
) -> list[Cause]:
    """The causes to raise for one client and one practitioner.

    `today`: the client's local date. `checkins`: (local day, pain or None) of every check-in of
    the last LOOKBACK_DAYS days, and at least the latest one if it is older. `flare`: the diary's
    flare-up verdict for `today` (`diary.computed.flare`, None without enough data).
    `silence_days`: the practitioner's setting (2..60). `granted_on`: the client's local date of
    the grant. The same data gives the same causes, in the same order.
    """
    if not MIN_SILENCE_DAYS <= silence_days <= MAX_SILENCE_DAYS:
        raise ValueError(f"silence_days must be 2..60, not {silence_days!r}")
    rows = [(day, pain) for day, pain in checkins if day <= today]
    found: list[Cause] = []
    if flare is not None and flare.active:
        first = flare_start(days_of(rows), today)
        if first is not None:
            found.append((PAIN_RISING, f"flare:{first.isoformat()}"))
    since = silence_since((day for day, _pain in rows), granted_on)
    if (today - since).days > silence_days:
        found.append((SILENCE, f"silence:{since.isoformat()}"))
    return found


def cause_day(cause: str) -> date | None:
    """The day in a flare or silence cause ("silence:2026-11-03"), None for other causes."""
    prefix, _sep, rest = cause.partition(":")
    if prefix not in ("flare", "silence"):
        return None
    try:
        return date.fromisoformat(rest)
    except ValueError:
        return None
