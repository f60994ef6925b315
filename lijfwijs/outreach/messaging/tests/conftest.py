# ruff: noqa: F811 (fixtures imported from the accounts helpers are used by name)
"""Fixtures of the messaging tests: Anna grants Pieter access (`anna_client`); Bram is a client
of no one; Rita works in another practice; Lotte is Pieter's colleague without Anna's grant."""

import pytest

from lijfwijs.accounts.tests.helpers import (  # noqa: F401 (fixtures)
    anna,
    anna_browser,
    bram,
    bram_browser,
    give_access,
    make_practitioner,
    outbox,
    pieter,
    pieter_browser,
    rita,
    rita_browser,
    signed_in_browser,
)


@pytest.fixture
def anna_client(anna, pieter):
    """Anna grants Pieter access."""
    return give_access(anna, pieter)


@pytest.fixture
def lotte(content):
    return make_practitioner("lotte@example.org", display_name="Lotte")


@pytest.fixture
def lotte_browser(lotte):
    return signed_in_browser(lotte)
