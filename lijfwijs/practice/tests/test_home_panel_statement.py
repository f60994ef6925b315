"""The client's start page reads their assignments with one plain SQL statement
(`assignments._current_sql`): it holds the rule of `current_for_client` (not withdrawn, not over,
from a practitioner the client still grants access), whatever the mix."""

from datetime import timedelta

import pytest
from django.test import RequestFactory

from lijfwijs.accounts.localtime import local_today
from lijfwijs.accounts.services import revoke_access
from lijfwijs.accounts.tests.helpers import give_access, make_client_user, make_practitioner
from lijfwijs.exercises.models import Exercise
from lijfwijs.practice import assignments
from lijfwijs.practice.models import Assignment

pytestmark = pytest.mark.django_db


def panel_ids(client) -> list[int] | None:
    request = RequestFactory().get("/")
    request.user = client
    found = assignments.home_panel(request)
    return None if found is None else [p.assignment.pk for p in found[1]["assignments"]]


def rule_ids(client) -> list[int]:
    return [p.assignment.pk for p in assignments.current_for_client(client, local_today(client))]


def test_the_start_pages_statement_holds_the_rule_of_current_for_client(content):
    anna = make_client_user("anna@example.org")
    other = make_client_user("other@example.org")
    pieter = make_practitioner("pieter@example.org")
    joke = make_practitioner("joke@example.org")
    kees = make_practitioner("kees@example.org")  # never granted
    give_access(anna, pieter)
    revoked = give_access(anna, joke)
    give_access(other, pieter)
    today = local_today(anna)
    bodyscan = Exercise.objects.get(slug="bodyscan")

    def exercise(by, starts, ends, client=anna, **extra):
        return Assignment.objects.create(
            client=client,
            practitioner=by,
            practitioner_name=by.display_name,
            kind=Assignment.Kind.EXERCISE,
            exercise=bodyscan,
            times_per_week=3,
            starts_on=today + timedelta(days=starts),
            ends_on=today + timedelta(days=ends),
            **extra,
        )

    def step(by, number, client=anna, **extra):
        return Assignment.objects.create(
            client=client,
            practitioner=by,
            practitioner_name=by.display_name,
            kind=Assignment.Kind.STEP,
            step=number,
            starts_on=today,
            **extra,
        )

    assert panel_ids(anna) is None and rule_ids(anna) == []
    exercise(pieter, -3, 10)
    exercise(pieter, 2, 20)  # starts later: shown already
    exercise(pieter, -20, -1)  # over
    exercise(pieter, 0, 0)  # its last day
    exercise(pieter, -2, 5, withdrawn_at=anna.date_joined)
    step(pieter, 3)
    exercise(joke, -1, 7)
    step(joke, 2)
    exercise(kees, -1, 7)
    exercise(pieter, -1, 7, client=other)
    Assignment.objects.filter(practitioner=kees).update(practitioner=None)
    found = panel_ids(anna)
    assert found == rule_ids(anna) and len(found) == 6
    revoke_access(anna, revoked.pk)
    found = panel_ids(anna)
    assert found == rule_ids(anna) and len(found) == 4
