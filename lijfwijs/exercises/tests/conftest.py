"""Fixtures the exercises tests share: a client with consent."""

import pytest

from lijfwijs.exercises.tests.log_factories import person


@pytest.fixture
def anna(content):
    """A client with health-data consent (signed in by the tests with force_login)."""
    return person("anna@example.org")
