"""The versioned computed-data cache: a write makes a new version, so an old value is never read."""

from datetime import date

import pytest

from lijfwijs.accounts.models import User
from lijfwijs.core import datacache
from lijfwijs.core.datacache import Kind


@pytest.fixture
def anna(db):
    return User.objects.create_user("anna@example.org", "een lang wachtwoord 123")


def test_a_value_is_computed_once_per_version(anna):
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    assert datacache.for_person(Kind.INSIGHTS, anna, compute) == 1
    assert datacache.for_person(Kind.INSIGHTS, anna, compute) == 1
    User.objects.data_changed(anna)
    assert datacache.for_person(Kind.INSIGHTS, anna, compute) == 2


def test_a_stale_account_object_still_reads_the_new_version_next_request(anna):
    """Another process raised the version: an account loaded afterwards gets a new key."""
    old = datacache.key(Kind.FLARE, anna)
    User.objects.data_changed(anna.pk)
    assert datacache.key(Kind.FLARE, User.objects.get(pk=anna.pk)) != old


def test_the_day_and_parts_are_part_of_the_key(anna):
    one = datacache.key(Kind.FLARE, anna, "nl", day=date(2026, 3, 29))
    assert one != datacache.key(Kind.FLARE, anna, "nl", day=date(2026, 3, 30))
    assert one != datacache.key(Kind.FLARE, anna, "en", day=date(2026, 3, 29))
    assert one != datacache.key(Kind.INSIGHTS, anna, "nl", day=date(2026, 3, 29))


def test_a_value_of_none_is_cached_too(anna):
    calls = []
    for _ in range(2):
        datacache.for_person(Kind.LATEST_RESULT, anna, lambda: calls.append(1))
    assert calls == [1]


def test_a_person_without_a_version_is_refused():
    with pytest.raises(ValueError):
        datacache.key(Kind.INSIGHTS, object())
