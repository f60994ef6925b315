"""pytest plugin (loaded with -p before Django starts): the environment the suite runs in.

The suite uses the production settings module, minus TLS (the test servers speak plain http).
Values already set in the environment win, so CI can point DATABASE_URL or REDIS_URL elsewhere.
"""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production-use-0123456789")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("SECURE_COOKIES", "0")
os.environ.setdefault("SECURE_HSTS_SECONDS", "0")
os.environ.setdefault("PIJNTEST_RATE_LIMIT", "1000")
# A fixed test-only Fernet key for the encrypted fields (never used outside tests).
os.environ.setdefault("FIELD_ENCRYPTION_KEYS", "YgLzw7WN2-wp_OQxV9FfD6TaDyBPR0AUu8Lf2vwPfjw=")
# Tests do not run collectstatic: serve the source files without a manifest.
os.environ.setdefault("STATIC_STORAGE", "django.contrib.staticfiles.storage.StaticFilesStorage")

# freezegun must leave pytest's own clock alone, or `--durations` reports frozen times.
import freezegun  # noqa: E402

freezegun.configure(extend_ignore_list=["_pytest.timing"])
