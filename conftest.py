"""Shared test fixtures (the environment is set by lijfwijs.core.testenv)."""

import pytest


@pytest.fixture(autouse=True)
def _clear_cache():
    """Each test starts with an empty cache (rate limits, rendered reports)."""
    from django.core.cache import cache

    cache.clear()
    yield
