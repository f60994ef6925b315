"""The shipped content is there for every test: loaded once per session, there again after a
transactional test."""

import pytest

EXERCISE = "/oefeningen/4-7-8-ademhaling/"
ARTICLE_LIST = "/kennisbank/"


def shipped_pages_answer(client) -> None:
    assert client.get(EXERCISE).status_code == 200
    assert client.get(ARTICLE_LIST).status_code == 200


@pytest.mark.django_db
def test_a_test_in_a_transaction_sees_the_content(client):
    shipped_pages_answer(client)


# A transactional test's database is put back to the session's after it (conftest
# `_fixture_teardown`), so the second of these only passes when the content is there again.
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("run", ["first", "second"])
def test_each_transactional_test_sees_the_content(client, run):
    shipped_pages_answer(client)


def test_a_hypothesis_profile_bounds_the_examples():
    from hypothesis import settings

    assert settings.default.max_examples <= 500 and settings.default.deadline is None


@pytest.mark.django_db(transaction=True)
def test_after_a_transactional_test_the_database_is_the_sessions_again():
    """On SQLite the session's database comes back from its copy (conftest `_Snapshots`): what a
    test wrote is gone, what it deleted of the content is back."""
    from django.db import connection

    import conftest
    from lijfwijs.accounts.models import User
    from lijfwijs.exercises.models import Exercise

    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL's transactional tests end with Django's flush")
    exercises = sorted(Exercise.objects.values_list("slug", flat=True))
    User.objects.create(email="left@behind.invalid")
    Exercise.objects.all().delete()

    assert conftest._snapshots.restore(connection.alias)

    assert not User.objects.filter(email="left@behind.invalid").exists()
    assert sorted(Exercise.objects.values_list("slug", flat=True)) == exercises
    assert connection.cursor().execute("PRAGMA journal_mode").fetchone()[0] == "wal"
