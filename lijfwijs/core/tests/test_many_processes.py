"""Correct with many processes: rate limits counted where every process sees them (here, in one
process), and gunicorn with 3 workers proving sessions, erasure, revoked access and limits."""

import socket
import uuid
from unittest import mock

import pytest
from django.core.cache import cache
from django.test import override_settings

from lijfwijs.core import ratelimit
from lijfwijs.core.models import RateCounter

REDIS = ("127.0.0.1", 6379)


def redis_answers() -> bool:
    try:
        socket.create_connection(REDIS, timeout=0.5).close()
    except OSError:
        return False
    return True


# --- the counters themselves ---------------------------------------------------------------------


@pytest.mark.django_db
def test_a_limit_of_n_allows_n_hits_per_window_and_key():
    assert [ratelimit.hit("test", "a", 3, 60) for _ in range(5)] == [True] * 3 + [False] * 2
    assert ratelimit.hit("test", "b", 3, 60)  # another key
    assert ratelimit.hit("other", "a", 3, 60)  # another limit


@pytest.mark.django_db
def test_the_count_is_kept_in_the_database_not_in_a_per_process_cache():
    for _ in range(3):
        assert ratelimit.hit("test", "10.0.0.1", 3, 60)
    cache.clear()  # another process's cache is as empty as this
    assert not ratelimit.hit("test", "10.0.0.1", 3, 60)
    # and what is limited (an address, an email address) is not stored as such
    assert not RateCounter.objects.filter(subject__contains="10.0.0.1").exists()


@pytest.mark.django_db
def test_a_new_window_starts_again_and_old_windows_are_pruned(monkeypatch):
    start = 1_800_000_000.0
    monkeypatch.setattr(ratelimit, "_next_prune", 0.0)
    with mock.patch("time.time", return_value=start):
        assert ratelimit.hit("test", "a", 1, 60)
        assert not ratelimit.hit("test", "a", 1, 60)
    assert RateCounter.objects.count() == 1
    with mock.patch("time.time", return_value=start + 60 * 5):
        monkeypatch.setattr(ratelimit, "_next_prune", 0.0)
        assert ratelimit.hit("test", "a", 1, 60)
    assert RateCounter.objects.count() == 1  # the old window's row is gone
    assert RateCounter.objects.get().hits == 1


@pytest.mark.skipif(not redis_answers(), reason="no Redis at 127.0.0.1:6379")
def test_with_redis_the_count_is_an_atomic_incr_in_redis():
    scope = f"test-{uuid.uuid4().hex[:12]}"  # runs in parallel never share a counter
    with override_settings(REDIS_URL="redis://127.0.0.1:6379/15"):
        assert [ratelimit.hit(scope, "a", 2, 60) for _ in range(3)] == [True, True, False]
        ratelimit._redis.cache_clear()  # a fresh connection, as another process has
        assert not ratelimit.hit(scope, "a", 2, 60)


# --- behind a reverse proxy ----------------------------------------------------------------------


def start_pijntest(forwarded: str):
    from django.test import Client

    return Client().post(
        "/pijntest/begin/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=forwarded
    )


@pytest.mark.django_db
def test_behind_one_proxy_each_visitor_has_their_own_pijntest_limit(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.PIJNTEST_RATE_LIMIT = 60
    statuses = {start_pijntest(f"198.51.100.{n}").status_code for n in range(61)}
    assert statuses == {302}  # 61 people, one proxy: nobody is turned away
    assert all(start_pijntest("203.0.113.5").status_code == 302 for _ in range(60))
    too_many = start_pijntest("203.0.113.5")  # one person, the 61st start
    assert too_many.status_code == 429


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("proxies", "forwarded", "address"),
    [
        (0, "198.51.100.1", "10.0.0.1"),  # nobody is trusted: the header is anyone's to write
        (1, "198.51.100.1", "198.51.100.1"),
        (1, "6.6.6.6, 198.51.100.1", "198.51.100.1"),  # what the client wrote is left of it
        (2, "6.6.6.6, 198.51.100.1, 10.0.0.2", "198.51.100.1"),
        (2, "198.51.100.1", "10.0.0.1"),  # fewer entries than proxies: not through them
        (1, "not an address", "10.0.0.1"),
    ],
)
def test_the_client_address(rf, settings, proxies, forwarded, address):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert ratelimit.client_address(request) == address
