"""The installed app offline: what the service worker keeps (its rules, as served) and the outbox
key that encrypts what waits on a device. The behaviour in a browser is in e2e/test_offline_browser.py."""

import base64
import json
import re
from datetime import timedelta

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import translation

from lijfwijs.accounts.tests.helpers import make_client_user, signed_in_browser
from lijfwijs.core.views import outbox_key_for

pytestmark = pytest.mark.django_db


def _worker(client: Client) -> str:
    return client.get("/sw.js").content.decode()


def _regex(body: str, name: str) -> re.Pattern[str]:
    source = re.search(rf"const {name} = /(.+)/;", body).group(1)
    return re.compile(source.replace("\\/", "/"))


def test_the_worker_keeps_the_start_page_and_the_check_in_form_and_no_other_page(client):
    app_page = _regex(_worker(client), "APP_PAGE")
    for lang in ("nl", "en"):
        with translation.override(lang):
            kept = [reverse("home"), reverse("diary:new")]
            not_kept = [
                reverse("diary:list"),
                reverse("diary:insights"),
                reverse("accounts:login"),
                reverse("exercises:list"),
                reverse("diary:new") + "extra/",
            ]
        assert all(app_page.fullmatch(url) for url in kept), kept
        assert not any(app_page.fullmatch(url) for url in not_kept), not_kept


def test_the_worker_gets_the_static_prefix_and_a_version_of_its_own(client):
    body = _worker(client)
    assert 'const STATIC = "/static/";' in body
    assert "/*SHELL*/" not in body and "/*VERSION*/" not in body and "/*STATIC*/" not in body
    with override_settings(STATIC_URL="/assets/"):
        other = _worker(client)
    assert 'const STATIC = "/assets/";' in other
    version = re.compile(r'const VERSION = "([0-9a-f]{16})";')
    assert version.search(body).group(1) != version.search(other).group(1)


def test_hashed_static_names_are_the_ones_kept_cache_first(client):
    hashed = _regex(_worker(client), "HASHED")
    assert hashed.search("/static/core/site.0123456789ab.css")
    assert hashed.search("/static/exercises/player.a1b2c3d4e5f6.js")
    assert not hashed.search("/static/core/site.css")  # a plain name may change: network first


def test_the_worker_reads_whose_page_it_keeps_from_the_page(client):
    """The account of a kept page comes from the script tag's data-account, as base.html writes it."""
    user = make_client_user("eva@example.org")
    page = signed_in_browser(user).get("/").content.decode()
    tag = re.search(r'<script\b[^>]*\sdata-account="(\d+)"', page)
    assert tag and tag.group(1) == str(user.pk)
    assert not re.search(r'<script\b[^>]*\sdata-account="', client.get("/").content.decode())


def test_the_outbox_key_is_the_signed_in_persons_own():
    eva = make_client_user("eva@example.org")
    tom = make_client_user("tom@example.org")
    eva_browser, tom_browser = signed_in_browser(eva), signed_in_browser(tom)
    first = eva_browser.get("/outbox-key")
    assert first.status_code == 200
    assert "no-store" in first["Cache-Control"] and "private" in first["Cache-Control"]
    answer = first.json()
    assert answer == {"account": str(eva.pk), "key": outbox_key_for(eva)}
    assert len(base64.urlsafe_b64decode(answer["key"] + "=")) == 32  # AES-256
    # the same every time (what waits on a device reads again after signing in again) ...
    assert eva_browser.get("/outbox-key").json() == answer
    assert signed_in_browser(eva).get("/outbox-key").json() == answer
    # ... and another person gets only their own
    other = tom_browser.get("/outbox-key").json()
    assert other["account"] == str(tom.pk) and other["key"] != answer["key"]


def test_the_outbox_key_needs_a_signed_in_person(client):
    response = client.get("/outbox-key")
    assert response.status_code == 401
    assert "key" not in json.loads(response.content)
    assert client.post("/outbox-key").status_code == 405


def test_the_outbox_key_depends_on_the_secret_and_the_account():
    eva = make_client_user("eva@example.org")
    key = outbox_key_for(eva)
    with override_settings(SECRET_KEY="another secret of at least fifty characters, to be sure!"):
        assert outbox_key_for(eva) != key
    eva.date_joined -= timedelta(days=365)  # (not replace(year=…): no 29 February a year ago)
    assert outbox_key_for(eva) != key  # a later account that got the same id has another key
