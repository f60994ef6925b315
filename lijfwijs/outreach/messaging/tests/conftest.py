"""Fixtures of the messaging tests: Anna grants Pieter access (`anna_client`); Bram is a client
of no one; Rita works in another practice; Lotte is Pieter's colleague without Anna's grant."""

import pytest

from lijfwijs.accounts.tests.helpers import give_access, make_practitioner, signed_in_browser


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
