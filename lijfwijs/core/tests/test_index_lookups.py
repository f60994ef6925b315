"""Lookups that run on every check-in, practice session or Pijntest sent, every sign-in, or every
visit of a client's start page read the index made for them, not every row of the person or of
the whole installation: a resend (the same client key, the same Idempotency-Key) through its
partial unique index, an account or the invitations to an address through the index on the lowered
address."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lijfwijs.accounts import services as accounts
from lijfwijs.accounts.forms import LijfwijsPasswordResetForm
from lijfwijs.accounts.models import Invitation, User
from lijfwijs.accounts.tests.helpers import make_client_user, make_practitioner
from lijfwijs.assessments.models import Response
from lijfwijs.diary.models import CheckIn
from lijfwijs.exercises.models import PracticeSession

pytestmark = pytest.mark.django_db


def lookups(user):
    """(the lookup as the services make it, the index it must read)."""
    return [
        (CheckIn.objects.for_user(user).with_client_key("k-1"), "checkin_client_key_unique"),
        (
            PracticeSession.objects.for_user(user).with_client_key("k-1"),
            "practice_client_key_unique",
        ),
        (
            PracticeSession.objects.for_user(user).select_related("exercise").with_client_key("k"),
            "practice_client_key_unique",
        ),
        (
            Response.objects.with_idempotency_key("user:1", "pijntest", "k-1"),
            "response_idempotency_key_per_caller",
        ),
    ]


def address_lookups(user):
    """The lookups of an address without case (SQLite only: see test_each_lookup_reads_its_index)."""
    return [
        (accounts.pending_invitations(user), "invitation_email_lower"),
        (User.objects.with_email("RESEND@example.org"), "user_email_lower"),
    ]


def index_only() -> None:
    """On PostgreSQL an empty table is cheapest to read whole: ask whether the index can be used
    at all (for the rest of the test's transaction)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")


def sqlite_plan(sql: str, params=()) -> str:
    """SQLite's query plan of a statement, its rows joined into one line."""
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        return " ".join(str(part) for row in cursor.fetchall() for part in row)


def test_each_lookup_reads_its_index(content):
    user = make_client_user("Resend@Example.org")
    index_only()
    # PostgreSQL chooses between usable indexes by the tables' statistics (with empty tables, the
    # pending invitations' own index); SQLite's choice is fixed by the query
    sqlite = connection.vendor == "sqlite"
    for queryset, index in lookups(user) + (address_lookups(user) if sqlite else []):
        plan = queryset.order_by("pk")[:1].explain()
        assert index in plan, f"{queryset.model.__name__}: {plan}"


@pytest.mark.skipif(connection.vendor != "sqlite", reason="see test_each_lookup_reads_its_index")
def test_the_start_pages_count_of_invitations_reads_the_index(content):
    user = make_client_user("invited@example.org")
    sql = accounts._statement(connection.alias, "pending_invitations")
    plan = sqlite_plan(sql, [user.email, "pending", timezone.now()])
    assert "invitation_email_lower" in plan, plan


def test_the_lookups_find_the_row_and_only_that_persons():
    anna = make_client_user("anna-resend@example.org")
    bram = make_client_user("bram-resend@example.org")
    checkin = CheckIn.objects.create(user=anna, day=date(2026, 12, 1), pain=4, client_key="k-1")
    CheckIn.objects.create(user=anna, day=date(2026, 12, 2), pain=4)  # no key
    assert list(CheckIn.objects.for_user(anna).with_client_key("k-1")) == [checkin]
    assert not CheckIn.objects.for_user(bram).with_client_key("k-1").exists()
    assert not CheckIn.objects.for_user(anna).with_client_key("").exists()


def test_invitations_are_found_whatever_the_case_of_the_address(content):
    pieter = make_practitioner("pieter-invites@example.org")
    anna = make_client_user("Anna.Jansen@Example.org")
    Invitation.objects.create(practitioner=pieter, email="anna.jansen@example.org")
    Invitation.objects.create(practitioner=pieter, email="someone.else@example.org")
    Invitation.objects.create(
        practitioner=make_practitioner("rita-invites@example.org", practice_name="Elders"),
        email="ANNA.JANSEN@EXAMPLE.ORG",
        expires_at=timezone.now() - timedelta(days=1),  # expired: not pending
    )
    assert [i.email for i in accounts.pending_invitations(anna)] == ["anna.jansen@example.org"]
    assert accounts.pending_invitation_count(anna) == 1
    assert Invitation.objects.to_address("anna.JANSEN@example.ORG").count() == 2
    assert User.objects.with_email("ANNA.jansen@example.org").get() == anna
    assert User.objects.get_by_natural_key("anna.jansen@EXAMPLE.org") == anna
    assert not User.objects.with_email("anna.jansen@example.org.nl").exists()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="see test_each_lookup_reads_its_index")
def test_the_reset_forms_lookup_reads_the_index(content):
    make_client_user("Reset@Example.org")
    with CaptureQueriesContext(connection) as queries:
        [user] = LijfwijsPasswordResetForm().get_users("RESET@example.org")
    [query] = queries.captured_queries
    plan = sqlite_plan(query["sql"])
    assert "user_email_lower" in plan, plan
    assert user.email == "reset@example.org"
