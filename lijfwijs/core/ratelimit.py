"""Fixed-window rate limits counted where every process sees them: Redis when set, else the database."""

import time
from functools import cache

from django.conf import settings
from django.db import connection
from django.http import HttpRequest
from django.utils.crypto import salted_hmac
from python_ipware import IpWare
from redis import Redis

from .models import RateCounter

PRUNE_EVERY = 60  # seconds; each process deletes expired counters at most this often
_next_prune = 0.0


def client_address(request: HttpRequest) -> str:
    """Who is asking: REMOTE_ADDR, or behind TRUSTED_PROXY_COUNT (N) reverse proxies the address
    the outermost proxy saw, the N-th entry of X-Forwarded-For from the right. What the client
    itself wrote into the header (further left) is ignored; with no trusted proxy, all of it is."""
    return login_address(request) or "unknown"


def login_address(request: HttpRequest) -> str | None:
    """The same address for django-axes, which stores it as an IP address: None when unknown
    (a request made in process, without REMOTE_ADDR)."""
    if settings.TRUSTED_PROXY_COUNT:
        address, _ = _forwarded_reader(settings.TRUSTED_PROXY_COUNT).get_client_ip(request.META)
        if address is not None:
            return str(address)
    # no trusted proxy, or a request that did not come through all of them
    return request.META.get("REMOTE_ADDR") or None


@cache
def _forwarded_reader(proxies: int) -> IpWare:
    # ipware counts the proxies listed in the header; the innermost one is REMOTE_ADDR instead.
    return IpWare(precedence=("HTTP_X_FORWARDED_FOR",), proxy_count=proxies - 1)


def hit(scope: str, key: str, limit: int, window: int) -> bool:
    """Count one hit; True while the caller stays within `limit` hits per `window` seconds."""
    now = time.time()
    bucket = int(now // window)
    subject = salted_hmac("lijfwijs.ratelimit", f"{scope}\x00{key}", algorithm="sha256").hexdigest()
    expires_at = (bucket + 1) * window + 5  # Unix seconds
    if settings.REDIS_URL:
        count = _redis_hit(f"rl:{scope}:{subject}:{bucket}", expires_at)
    else:
        count = _database_hit(scope, subject, bucket, expires_at, now)
    return count <= limit


def _redis_hit(name: str, expires_at: int) -> int:
    """INCR is atomic across every process and host; the key expires with its window."""
    name = f"{settings.CACHES['default'].get('KEY_PREFIX', 'lijfwijs')}:{name}"
    pipe = _redis(settings.REDIS_URL).pipeline()
    pipe.incr(name)
    pipe.expireat(name, expires_at)
    count, _ = pipe.execute()
    return int(count)


@cache
def _redis(url: str) -> Redis:
    return Redis.from_url(url)


def _database_hit(scope: str, subject: str, bucket: int, expires_at: int, now: float) -> int:
    """One atomic upsert (SQLite >= 3.35 and PostgreSQL): concurrent hits each get their own count."""
    global _next_prune
    table = connection.ops.quote_name(RateCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (scope, subject, bucket, hits, expires_at) "  # noqa: S608
            "VALUES (%s, %s, %s, 1, %s) ON CONFLICT (scope, subject, bucket) "
            f"DO UPDATE SET hits = {table}.hits + 1 RETURNING hits",
            [scope, subject, bucket, expires_at],
        )
        (count,) = cursor.fetchone()
    if now >= _next_prune:
        _next_prune = now + PRUNE_EVERY
        RateCounter.objects.filter(expires_at__lt=int(now)).delete()
    return int(count)
