"""Fixtures the exercises tests share: the built-in content and a client with consent."""

import pytest
from django.core.management import call_command

from lijfwijs.exercises.tests.log_factories import person


@pytest.fixture
def content(db):
    call_command("load_content", verbosity=0)


@pytest.fixture
def anna(content):
    """A client with health-data consent (signed in by the tests with force_login)."""
    return person("anna@example.org")
