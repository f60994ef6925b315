"""The suite's password hasher: Argon2id at a test-only cost.

The suite hashes a password for nearly every person it makes (~85 ms each at the production cost,
minutes over the whole suite). The algorithm's name is the same, so a hash made here verifies
anywhere, and a server the suite starts rewrites it at the production cost on sign-in; a test of
the production cost sets `PASSWORD_HASHERS` back to the real list (settings.PASSWORD_HASHERS of
the project) in its own settings.
"""

from lijfwijs.accounts.hashers import Argon2idHasher


class CheapArgon2idHasher(Argon2idHasher):
    time_cost = 1
    memory_cost = 64  # KiB
    parallelism = 1
