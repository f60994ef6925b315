# ruff: noqa: F401 (fixtures imported from the accounts helpers are used by name)
"""Fixtures of the export tests: Anna (client), Pieter (her practitioner once she gives him
access), Rita (a practitioner without access) and Bram (another client), from the accounts helpers."""

from lijfwijs.accounts.tests.helpers import (
    anna,
    anna_browser,
    bram,
    bram_browser,
    pieter,
    pieter_browser,
    rita,
    rita_browser,
)
