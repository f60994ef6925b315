"""Argon2id with OWASP's parameters: 19 MiB, 2 passes, 1 lane (Django's default takes 100 MiB)."""

from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idHasher(Argon2PasswordHasher):
    """Django's Argon2 hasher (argon2id) at OWASP's cost; the same algorithm name, so a hash made
    with other parameters still verifies and is rewritten at these on the next sign-in."""

    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
