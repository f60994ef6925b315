"""Helpers of the booking-mail tests (calendar files, emails, self-service, reminders, feed)."""

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager

import pytest
from django.urls import get_resolver


@pytest.fixture(autouse=True)
def urls_loaded() -> None:
    """Import the URL configuration (and with it the API's pydantic schemas) before a test
    freezes the clock: under freezegun pydantic cannot build a schema for `datetime`."""
    assert get_resolver().url_patterns


@pytest.fixture
def committed(
    django_capture_on_commit_callbacks,
) -> Callable[[], AbstractContextManager[None]]:
    """`with committed(): …` runs what the block queued on commit (the emails) when it ends, as a
    real commit would; the test's own transaction never commits."""

    @contextmanager
    def run() -> Iterator[None]:
        with django_capture_on_commit_callbacks(execute=True):
            yield

    return run
