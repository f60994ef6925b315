"""The settings page (profile, consents, what it shows to whom) and the settings module's start-up."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from lijfwijs.accounts.models import Consent, ConsentText, User

pytestmark = pytest.mark.django_db


def test_settings_needs_a_login(client, content):
    response = client.get("/account/")
    assert (
        response.status_code == 302 and response["Location"] == "/account/inloggen/?next=/account/"
    )


def test_the_settings_page_of_a_client(anna, anna_browser):
    assert Consent.objects.filter(
        user=anna, kind="health_data"
    ).exists()  # given as at registration
    html = anna_browser.get("/account/").content.decode()
    assert "anna@example.org" in html and "nog niet bevestigd" in html
    assert "Toegang voor behandelaars" in html and "Niemand." in html
    assert ConsentText.current("practitioner_access").text_nl.split("\n")[0] in html
    assert "verwerking van gezondheidsgegevens" in html  # her consent, with its version
    assert f"versie {ConsentText.current('health_data').version}" in html
    for link in ["/account/inzage/", "/account/export/", "/account/verwijderen/"]:
        assert f'href="{link}"' in html


def test_a_practitioner_has_no_client_access_section(pieter_browser):
    html = pieter_browser.get("/account/").content.decode()
    assert "Toegang voor behandelaars" not in html
    assert "Nieuwe herstelcodes maken" in html


def test_the_profile_is_saved(anna, anna_browser):
    response = anna_browser.post(
        "/account/", {"profile-display_name": "Anna B.", "profile-language": "en"}
    )
    assert response.status_code == 302 and response["Location"] == "/account/"
    anna.refresh_from_db()
    assert anna.display_name == "Anna B." and anna.language == "en"


def test_a_rejected_profile_is_422_and_keeps_what_was_typed(anna, anna_browser):
    response = anna_browser.post(
        "/account/", {"profile-display_name": "Anna B.", "profile-language": "fr"}
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="id_profile-language_error"' in html and 'value="Anna B."' in html
    assert User.objects.get(pk=anna.pk).language == "nl"


def test_the_home_page_asks_to_confirm_the_address_until_it_is(anna, anna_browser):
    assert "Bevestig je e-mailadres" in anna_browser.get("/").content.decode()
    from django.core import signing

    from lijfwijs.accounts import services

    token = signing.dumps({"u": anna.pk, "e": anna.email}, salt=services.VERIFY_SALT)
    assert anna_browser.get(f"/account/bevestigen/{token}/").status_code == 200  # the real link
    assert "Bevestig je e-mailadres" not in anna_browser.get("/").content.decode()


@pytest.mark.parametrize(
    "path",
    [
        "/en/account/registreren/",
        "/en/account/inloggen/",
        "/en/account/wachtwoord-vergeten/",
    ],
)
def test_the_english_pages_exist(content, path):
    response = Client().get(path)
    assert response.status_code == 200
    assert '<html lang="en">' in response.content.decode()


def test_the_time_zone_can_be_changed_and_is_checked(anna, anna_browser):
    response = anna_browser.post(
        "/account/",
        {
            "profile-display_name": "Anna",
            "profile-language": "nl",
            "profile-time_zone": "Mars/Olympus",
        },
    )
    assert (
        response.status_code == 422 and "Deze tijdzone kennen we niet" in response.content.decode()
    )
    response = anna_browser.post(
        "/account/",
        {
            "profile-display_name": "Anna",
            "profile-language": "nl",
            "profile-time_zone": "America/New_York",
        },
    )
    assert response.status_code == 302
    anna.refresh_from_db()
    assert anna.time_zone == "America/New_York"


# --- the settings module: what the environment makes of it (read in a fresh interpreter) ---------

ROOT = Path(__file__).resolve().parents[3]
TEST_KEY = "YgLzw7WN2-wp_OQxV9FfD6TaDyBPR0AUu8Lf2vwPfjw="  # the suite's test-only Fernet key


def start_up(tmp_path: Path, script: str, **env: str | None) -> subprocess.CompletedProcess:
    """Run `script` in a fresh interpreter with only `env` (plus the two secrets) set; a None
    leaves that variable out."""
    base = {
        "PATH": os.environ.get("PATH", ""),
        "DJANGO_SETTINGS_MODULE": "lijfwijs.settings",
        "LIJFWIJS_VAR_DIR": str(tmp_path / "var"),
        "SECRET_KEY": "settings-test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "FIELD_ENCRYPTION_KEYS": TEST_KEY,
    }
    return subprocess.run(  # noqa: S603 - our own settings module, in this interpreter
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={k: v for k, v in {**base, **env}.items() if v is not None},
        capture_output=True,
        text=True,
        timeout=60,
    )


def started(tmp_path: Path, *names: str, **env: str | None) -> dict:
    """The settings `names` as the environment `env` makes them."""
    script = (
        "import json, lijfwijs.settings as s; "
        f"print(json.dumps({{n: getattr(s, n) for n in {list(names)!r}}}, default=str))"
    )
    result = start_up(tmp_path, script, **env)
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def refused(tmp_path: Path, **env: str | None) -> str:
    """The start-up error for `env` (the last line of the traceback)."""
    result = start_up(tmp_path, "import lijfwijs.settings", **env)
    assert result.returncode != 0, result.stdout
    assert "ImproperlyConfigured" in result.stderr, result.stderr[-2000:]
    return result.stderr.strip().splitlines()[-1]


def test_sessions_are_in_the_database_without_redis_and_read_through_redis_with_it(tmp_path):
    alone = started(tmp_path, "SESSION_ENGINE", "CACHES", "TASKS")
    assert alone["SESSION_ENGINE"] == "lijfwijs.accounts.sessions"
    assert alone["TASKS"]["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend"
    shared = started(
        tmp_path, "SESSION_ENGINE", "CACHES", "TASKS", REDIS_URL="redis://127.0.0.1:6379/3"
    )
    assert shared["SESSION_ENGINE"] == "django.contrib.sessions.backends.cached_db"
    assert shared["TASKS"]["default"]["BACKEND"] == "django_tasks_rq.RQBackend"
    assert shared["CACHES"]["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert shared["CACHES"]["default"]["LOCATION"] == "redis://127.0.0.1:6379/3"


PRAGMAS = """
import json, django
django.setup()
from django.db import connection
with connection.cursor() as c:
    got = {p: c.execute(f"PRAGMA {p}").fetchone()[0]
           for p in ("journal_mode", "synchronous", "busy_timeout", "foreign_keys")}
got["transaction_mode"] = connection.settings_dict["OPTIONS"].get("transaction_mode")
print(json.dumps(got))
"""


@pytest.mark.parametrize("url", [None, "sqlite:///{tmp}/elsewhere.sqlite3"])
def test_sqlite_is_durable_and_waits_for_the_write_lock_by_default_and_by_url(tmp_path, url):
    env = {"DATABASE_URL": url.format(tmp=tmp_path)} if url else {}
    result = start_up(tmp_path, PRAGMAS, **env)
    assert result.returncode == 0, result.stderr[-2000:]
    got = json.loads(result.stdout.strip().splitlines()[-1])
    # WAL, FULL (2): a committed write survives power loss; writers queue for 10 s, then fail
    assert got == {
        "journal_mode": "wal",
        "synchronous": 2,
        "busy_timeout": 10000,
        "foreign_keys": 1,
        "transaction_mode": "IMMEDIATE",
    }
    if url:
        assert (tmp_path / "elsewhere.sqlite3").exists()


@pytest.mark.parametrize("value", ["ture", "0n", "2", "enabled"])
def test_a_yes_no_variable_that_says_neither_stops_start_up(tmp_path, value):
    assert "DEBUG" in refused(tmp_path, DEBUG=value)
    error = refused(tmp_path, SECURE_COOKIES=value)
    assert "SECURE_COOKIES" in error and repr(value) in error


def test_yes_no_variables_read_any_case_and_spacing(tmp_path):
    on = started(
        tmp_path,
        "SECURE_SSL_REDIRECT",
        "EMAIL_USE_TLS",
        SECURE_SSL_REDIRECT=" Yes ",
        EMAIL_USE_TLS="ON",
    )
    assert on == {"SECURE_SSL_REDIRECT": True, "EMAIL_USE_TLS": True}
    off = started(
        tmp_path,
        "SECURE_SSL_REDIRECT",
        "EMAIL_USE_TLS",
        SECURE_SSL_REDIRECT="False",
        EMAIL_USE_TLS="0",
    )
    assert off == {"SECURE_SSL_REDIRECT": False, "EMAIL_USE_TLS": False}
    assert started(tmp_path, "SECURE_SSL_REDIRECT", SECURE_SSL_REDIRECT="")["SECURE_SSL_REDIRECT"]


@pytest.mark.parametrize("value", ["-1", "one"])
def test_the_number_of_trusted_proxies_is_a_whole_number_of_at_least_0(tmp_path, value):
    assert "TRUSTED_PROXY_COUNT" in refused(tmp_path, TRUSTED_PROXY_COUNT=value)


def test_secrets_can_come_from_files(tmp_path):
    files = tmp_path / "secrets"
    files.mkdir()
    second = "m7nIkGmT0a8b3oiBtnnTTBW4FtlD6qgRk4R36AVLsMQ="
    contents = {
        "SECRET_KEY": "a-secret-key-from-a-file-0123456789-abcdefghijklmnopqrstuvwxyz",
        "FIELD_ENCRYPTION_KEYS": f"{TEST_KEY},{second}",
        "EMAIL_HOST_PASSWORD": "mail password with spaces",
        "DATABASE_URL": f"sqlite:///{tmp_path}/from-file.sqlite3",
        "REDIS_URL": "redis://127.0.0.1:6379/4",
    }
    env: dict[str, str | None] = {}
    for name, value in contents.items():
        (files / name).write_text(value + "\n")  # as `echo` or an editor leaves it
        env[name] = None
        env[f"{name}_FILE"] = str(files / name)
    got = started(tmp_path, *contents, "DATABASES", **env)
    assert got["SECRET_KEY"] == contents["SECRET_KEY"]
    assert got["FIELD_ENCRYPTION_KEYS"] == [TEST_KEY, second]
    assert got["EMAIL_HOST_PASSWORD"] == "mail password with spaces"
    assert got["DATABASES"]["default"]["NAME"] == f"{tmp_path}/from-file.sqlite3"
    assert got["REDIS_URL"] == "redis://127.0.0.1:6379/4"


def test_a_secret_set_both_ways_or_from_a_missing_file_stops_start_up(tmp_path):
    key_file = tmp_path / "secret_key"
    key_file.write_text("another-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz")
    error = refused(tmp_path, SECRET_KEY_FILE=str(key_file))  # SECRET_KEY is set too
    assert "SECRET_KEY" in error and "SECRET_KEY_FILE" in error
    error = refused(tmp_path, SECRET_KEY=None, SECRET_KEY_FILE=str(tmp_path / "missing"))
    assert "SECRET_KEY_FILE" in error and "missing" in error
