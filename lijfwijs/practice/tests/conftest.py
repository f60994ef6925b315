"""Fixtures of the practice tests: the named people and their signed-in browsers."""
