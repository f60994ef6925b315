"""Fixtures of the practice tests: the named people and their signed-in browsers."""

from lijfwijs.accounts.tests.helpers import (  # noqa: F401 (fixtures)
    anna,
    anna_browser,
    bram,
    bram_browser,
    outbox,
    pieter,
    pieter_browser,
    rita,
    rita_browser,
)
