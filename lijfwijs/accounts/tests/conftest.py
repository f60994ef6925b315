"""Fixtures of the account tests: the named people and their signed-in browsers."""
