"""What the report reads: `access.response_to_show` is `access.response_for` written as one
statement built once per process (the answers left unread), and the report's number of queries."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.test import RequestFactory

from lijfwijs.accounts.models import AccessLog
from lijfwijs.accounts.tests.helpers import (
    give_access,
    make_client_user,
    pijntest_result,
    signed_in_browser,
)
from lijfwijs.assessments import access
from lijfwijs.assessments.tests.factories import pijntest_answers

pytestmark = pytest.mark.django_db


def _request(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def _outcome(function, user, response_id):
    try:
        return function(_request(user), response_id).pk
    except Http404:
        return "404"


def test_the_statement_holds_the_rule_of_response_for(anna, bram, pieter, rita):
    give_access(anna, pieter)
    results = {
        "anonymous": pijntest_result(None).pk,
        "anna": pijntest_result(anna).pk,
        "bram": pijntest_result(bram).pk,
        "none": "bestaat-niet",
        "odd": "a\x00b",
    }
    for user in (AnonymousUser(), anna, bram, pieter, rita):
        for name, response_id in results.items():
            before = AccessLog.objects.count()
            expected = _outcome(access.response_for, user, response_id)
            logged = AccessLog.objects.count() - before
            assert _outcome(access.response_to_show, user, response_id) == expected, (user, name)
            assert AccessLog.objects.count() - before == 2 * logged, (user, name)


def test_the_answers_are_read_only_when_something_reads_them(anna, django_assert_num_queries):
    stored = pijntest_result(anna, peg=7)
    with django_assert_num_queries(1):
        response = access.response_to_show(_request(anna), stored.pk)
    assert response.get_deferred_fields() == {"answers"}
    assert (response.result, response.user_id, response.status) == (
        stored.result,
        anna.pk,
        stored.status,
    )
    stored.refresh_from_db()
    assert (response.completed_at, response.created_at, response.updated_at) == (
        stored.completed_at,
        stored.created_at,
        stored.updated_at,
    )
    assert (response.instrument, response.version, response.language) == (
        stored.instrument,
        stored.version,
        stored.language,
    )
    assert not response._state.adding and response._state.db == "default"
    with django_assert_num_queries(1):
        assert response.answers == pijntest_answers(
            **{"peg.pain": 7, "peg.enjoyment": 7, "peg.activity": 7}
        )


def test_a_visitors_report_reads_the_same_few_things_whatever_the_data(
    client, content, django_assert_num_queries
):
    """The result, the exercises, the articles and the booking offer: four queries, also with
    many other results and accounts in the database."""
    result = pijntest_result(None)
    for n in range(3):
        pijntest_result(make_client_user(f"other{n}@example.org"))
        pijntest_result(None)
    client.get(f"/pijntest/uitslag/{result.pk}/")
    with django_assert_num_queries(4):
        assert client.get(f"/pijntest/uitslag/{result.pk}/").status_code == 200


def test_a_clients_own_report_reads_as_much_with_more_results(anna, bram):
    """The previous PEG is one query however many results there are (the rest as a visitor's)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    browser = signed_in_browser(anna)
    first = pijntest_result(anna)

    def queries(result_id):
        browser.get(f"/pijntest/uitslag/{result_id}/")
        with CaptureQueriesContext(connection) as seen:
            assert browser.get(f"/pijntest/uitslag/{result_id}/").status_code == 200
        return len(seen)

    few = queries(first.pk)
    for peg in (3, 4, 6, 2):
        pijntest_result(anna, peg=peg)
        pijntest_result(bram, peg=peg)
    assert queries(pijntest_result(anna, peg=8).pk) == few


def test_a_draft_is_read_whole_as_the_orm_reads_it(anna, django_assert_num_queries):
    from lijfwijs.assessments import services
    from lijfwijs.assessments.models import Response

    draft = services.start_draft(services.PIJNTEST, "nl", anna)
    Response.objects.filter(pk=draft.pk).update(answers={"peg.pain": 4})
    other = pijntest_result(None)
    Response.objects.filter(pk=other.pk).update(instrument="phq4")
    with django_assert_num_queries(1):
        found = access.draft_by_id(draft.pk, services.PIJNTEST)
    stored = Response.objects.get(pk=draft.pk)
    assert found is not None and not found.get_deferred_fields()
    for field in Response._meta.concrete_fields:
        assert getattr(found, field.attname) == getattr(stored, field.attname), field.name
    assert access.draft_by_id(other.pk, services.PIJNTEST) is None  # another instrument
    assert access.draft_by_id("bestaat-niet", services.PIJNTEST) is None
    assert access.draft_by_id("a\x00b", services.PIJNTEST) is None
    found.answers["peg.enjoyment"] = 5  # saved as the ORM's own instance would be
    found.save()
    assert Response.objects.get(pk=draft.pk).answers == {"peg.pain": 4, "peg.enjoyment": 5}
