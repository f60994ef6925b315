"""The session engine's plain read gives what Django's `db` engine gives, under the same rules."""

from datetime import timedelta

import pytest
from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.utils import timezone

from lijfwijs.accounts.sessions import SessionStore

pytestmark = pytest.mark.django_db


def stored(**data) -> str:
    store = SessionStore()
    store.update(data)
    store.create()
    return store.session_key


def test_a_live_session_loads_as_djangos_engine_loads_it():
    key = stored(answer=42, name="Zoë")
    assert SessionStore(key).load() == db.SessionStore(key).load() == {"answer": 42, "name": "Zoë"}


def test_an_expired_session_is_empty_and_gets_a_new_key():
    key = stored(answer=42)
    Session.objects.filter(pk=key).update(expire_date=timezone.now() - timedelta(seconds=1))
    store = SessionStore(key)
    assert store.load() == {}
    assert store.session_key is None  # as Django's engine: the old key is not taken over


@pytest.mark.parametrize("key", ["no-such-key-000000000000000000000", "x" * 40])
def test_an_unknown_key_is_empty(key):
    store = SessionStore(key)
    assert store.load() == {}
    assert store.session_key is None


def test_a_session_written_loaded_changed_and_deleted():
    store = SessionStore()
    store["step"] = 1
    store.save()
    again = SessionStore(store.session_key)
    assert again["step"] == 1
    again["step"] = 2
    again.save()
    assert SessionStore(store.session_key)["step"] == 2
    again.delete()
    assert not Session.objects.filter(pk=store.session_key).exists()


def test_the_backend_reads_the_user_as_the_orm_does(anna):
    from lijfwijs.accounts.backends import UserBackend

    found = UserBackend().get_user(anna.pk)
    expected = type(anna).objects.get(pk=anna.pk)
    fields = [f.attname for f in type(anna)._meta.concrete_fields]
    assert [getattr(found, f) for f in fields] == [getattr(expected, f) for f in fields]
    assert found.date_joined.tzinfo is not None and isinstance(found.is_active, bool)


@pytest.mark.parametrize("user_id", [None, "", "x", "12abc", 10**30])
def test_the_backend_finds_nobody_for_a_malformed_or_unknown_id(user_id):
    from lijfwijs.accounts.backends import UserBackend

    assert UserBackend().get_user(user_id) is None


def test_the_backend_finds_nobody_for_an_inactive_account(anna):
    from lijfwijs.accounts.backends import UserBackend

    type(anna).objects.filter(pk=anna.pk).update(is_active=False)
    assert UserBackend().get_user(anna.pk) is None
    assert UserBackend().get_user(str(anna.pk)) is None
