"""The shipped content is there for every test: loaded once per session, again after a flush."""

import pytest

EXERCISE = "/oefeningen/4-7-8-ademhaling/"
ARTICLE_LIST = "/kennisbank/"


def shipped_pages_answer(client) -> None:
    assert client.get(EXERCISE).status_code == 200
    assert client.get(ARTICLE_LIST).status_code == 200


@pytest.mark.django_db
def test_a_test_in_a_transaction_sees_the_content(client):
    shipped_pages_answer(client)


# pytest-django runs transactional tests after the others and flushes every table after each,
# so the second of these only passes when the content is loaded again.
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("run", ["first", "second"])
def test_each_transactional_test_sees_the_content(client, run):
    shipped_pages_answer(client)


def test_a_hypothesis_profile_bounds_the_examples():
    from hypothesis import settings

    assert settings.default.max_examples <= 500 and settings.default.deadline is None
