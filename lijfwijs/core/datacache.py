"""The one cache of Lijfwijs: computed data (never HTML), under keys that carry the data's version.

A value about a person is stored under the person's data version (a counter on the account that
every write affecting their data raises in the same transaction, `User.objects.data_changed`), the
local day where the value depends on it, and whatever else it depends on (the language, a content
version). Nothing is ever deleted to stay correct: a write makes a new version, so no process, with
its own local-memory cache or a shared Redis, can read a value computed from older data than the
database holds. Old entries simply expire.

Every key is made here, from a `Kind`; no key string is written anywhere else.
"""

from collections.abc import Callable, Hashable
from datetime import date
from enum import StrEnum
from typing import Any, TypeVar

from django.core.cache import cache

T = TypeVar("T")

DAY = 60 * 60 * 24
SCHEMA = 1  # raise when the shape of any cached value changes, so older values are never read


class Kind(StrEnum):
    """What is cached. A new kind of computed value gets a member here."""

    INSIGHTS = "insights"
    FLARE = "flare"
    CALMS = "calms"
    LATEST_RESULT = "latest-result"
    PROGRAM_STATUS = "program-status"
    TODAY = "today"
    GROUNDING_FIRST = "grounding-first"
    CHECKIN_OFFER = "checkin-offer"
    PROGRAM_SUGGESTION = "program-suggestion"
    FREE_SLOTS = "free-slots"  # a practice's free times (booking.services.listed_slots)


def key(kind: Kind, person: Any, *parts: Hashable, day: date | None = None) -> str:
    """The key of `kind` for `person` (an account with `pk` and `data_version`) at its data version."""
    version = getattr(person, "data_version", None)
    if version is None:
        raise ValueError("a person's cached value needs the person's data_version")
    fields = [f"v{SCHEMA}", str(kind), str(person.pk), str(version)]
    if day is not None:
        fields.append(day.isoformat())
    fields.extend(str(part) for part in parts)
    return ":".join(fields)


def for_person(
    kind: Kind,
    person: Any,
    compute: Callable[[], T],
    *parts: Hashable,
    day: date | None = None,
    timeout: int = DAY,
) -> T:
    """The value of `kind` for `person`, computed once per data version (and day and parts)."""
    name = key(kind, person, *parts, day=day)
    found = cache.get(name, _MISSING)
    if found is not _MISSING:
        return found  # type: ignore[no-any-return]
    value = compute()
    cache.set(name, value, timeout)
    return value


def practice_key(kind: Kind, practice_id: int, version: int, *parts: Hashable, day: date) -> str:
    """The key of `kind` for a practice at its booking version (`Practice.booking_version`)."""
    fields = [f"v{SCHEMA}", str(kind), "practice", str(practice_id), str(version), day.isoformat()]
    fields.extend(str(part) for part in parts)
    return ":".join(fields)


def for_practice(
    kind: Kind,
    practice_id: int,
    version: int,
    compute: Callable[[], T],
    *parts: Hashable,
    day: date,
    usable: Callable[[T], bool] | None = None,
    timeout: int = DAY,
) -> T:
    """The value of `kind` for a practice, computed once per booking version (and day and parts).

    `version` must be read from the database BEFORE `compute` reads its data, so the value is
    never older than its version. `usable(value)` false (a value that time made stale without a
    write, e.g. a held booking whose hold has expired) computes it anew under the same key."""
    name = practice_key(kind, practice_id, version, *parts, day=day)
    found = cache.get(name, _MISSING)
    if found is not _MISSING and (usable is None or usable(found)):  # type: ignore[arg-type]
        return found  # type: ignore[return-value]
    value = compute()
    cache.set(name, value, timeout)
    return value


_MISSING = object()
