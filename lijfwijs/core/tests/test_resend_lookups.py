"""A resend (the same client key, the same Idempotency-Key) is found through the partial unique
index made for it, not by reading every row of the person, or of everyone: the lookup runs on every
check-in, practice session and Pijntest sent, and a diary grows by a few rows a day."""

from datetime import date

import pytest
from django.db import connection

from lijfwijs.accounts.tests.helpers import make_client_user
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


def test_a_resend_is_looked_up_in_its_unique_index(content):
    user = make_client_user("resend@example.org")
    if connection.vendor == "postgresql":
        # an empty table is cheapest to read whole: ask whether the index can be used at all
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
    for queryset, index in lookups(user):
        plan = queryset.order_by("pk")[:1].explain()
        assert index in plan, f"{queryset.model.__name__}: {plan}"


def test_the_lookup_finds_the_row_and_only_that_persons():
    anna = make_client_user("anna-resend@example.org")
    bram = make_client_user("bram-resend@example.org")
    checkin = CheckIn.objects.create(user=anna, day=date(2026, 12, 1), pain=4, client_key="k-1")
    CheckIn.objects.create(user=anna, day=date(2026, 12, 2), pain=4)  # no key
    assert list(CheckIn.objects.for_user(anna).with_client_key("k-1")) == [checkin]
    assert not CheckIn.objects.for_user(bram).with_client_key("k-1").exists()
    assert not CheckIn.objects.for_user(anna).with_client_key("").exists()
