"""The diary list's plain SQL (`diary.statements`) reads what its querysets read: the person's own
check-ins newest first, a page at a time, each with its tags' names in the tags' own order."""

from datetime import UTC, datetime, timedelta

import pytest

from lijfwijs.accounts.localtime import local_today
from lijfwijs.accounts.tests.helpers import make_client_user
from lijfwijs.diary import statements
from lijfwijs.diary.models import CheckIn, Tag
from lijfwijs.exercises.models import Exercise

pytestmark = pytest.mark.django_db


def expected(user, offset: int, limit: int) -> list[tuple]:
    found = list(CheckIn.objects.for_user(user).order_by("-day", "-at")[offset : offset + limit])
    return [
        (
            str(c.pk),
            c.day,
            c.at,
            c.pain,
            [(t.name_nl, t.name_en) for t in c.tags.order_by("kind", "sort_order", "name_nl")],
        )
        for c in found
    ]


def test_the_lists_statements_read_what_the_querysets_read(content):
    anna = make_client_user("anna@example.org")
    other = make_client_user("other@example.org")
    starter = list(Tag.objects.filter(user__isnull=True).order_by("pk")[:4])
    own = Tag.objects.create(user=anna, kind=Tag.Kind.TRIGGER, name_nl="Tillen & <bukken>")
    today = local_today(anna)
    moment = datetime(2026, 11, 30, 7, 5, 9, 123456, tzinfo=UTC)
    for n in range(7):
        checkin = CheckIn.objects.create(
            user=anna,
            day=today - timedelta(days=n // 2),
            at=moment - timedelta(days=n // 2, minutes=n),
            pain=n,
        )
        checkin.tags.set([*starter[: n % 5], *([own] if n % 3 == 0 else [])])
    CheckIn.objects.create(user=other, day=today, at=moment, pain=9)
    assert statements.list_rows(anna, 0, 4) == expected(anna, 0, 4)
    assert statements.list_rows(anna, 4, 4) == expected(anna, 4, 4)
    assert len(statements.list_rows(anna, 0, 31)) == 7
    assert statements.list_rows(anna, 7, 4) == []
    assert [row[3] for row in statements.list_rows(other, 0, 31)] == [9]
    rows = statements.list_rows(anna, 0, 31)
    assert any(("Tillen & <bukken>", "") in row[4] for row in rows)
    assert all(row[2].tzinfo is not None for row in rows)


def test_the_check_in_forms_choices_are_those_of_the_querysets(content):
    anna = make_client_user("anna@example.org")
    other = make_client_user("other@example.org")
    Tag.objects.create(user=anna, kind=Tag.Kind.EMOTION, name_nl="Aardig", name_en="Kind")
    Tag.objects.create(user=anna, kind=Tag.Kind.TRIGGER, name_nl="Weg", is_active=False)
    Tag.objects.create(user=other, kind=Tag.Kind.TRIGGER, name_nl="Niet van Anna")
    Exercise.objects.filter(slug="bodyscan").update(is_active=False)
    assert statements.offer_tags(anna) == list(
        Tag.objects.for_user(anna).values_list("pk", "name_nl", "name_en")
    )
    assert "Aardig" in [row[1] for row in statements.offer_tags(anna)]
    exercises = statements.active_exercises()
    assert exercises == list(Exercise.objects.active().values_list("slug", "name_nl", "name_en"))
    assert exercises and "bodyscan" not in [row[0] for row in exercises]


def test_the_insights_tag_names_are_those_of_the_queryset(content):
    anna = make_client_user("anna@example.org")
    own = Tag.objects.create(user=anna, kind=Tag.Kind.TRIGGER, name_nl="Tuin", name_en="Garden")
    ids = [*Tag.objects.filter(user__isnull=True).values_list("pk", flat=True)[:3], own.pk]
    assert sorted(statements.tag_names(ids)) == sorted(
        Tag.objects.filter(pk__in=ids).values_list("pk", "name_nl", "name_en")
    )
    assert statements.tag_names([]) == []
    assert statements.tag_names([own.pk, 10**9]) == [(own.pk, "Tuin", "Garden")]


def test_numbers_in_the_insights_take_the_languages_decimal_separator():
    from django.utils import translation

    from lijfwijs.diary.presenting import _n

    with translation.override("nl"):
        assert _n(3.456) == "3,5" and _n(-0.04) == "0,0" and _n(2, 0) == "2"
    with translation.override("en"):
        assert _n(3.456) == "3.5" and _n(0.001, 3) == "0.001"
    with translation.override("nl"):
        assert _n(1.25, 2) == "1,25"


def test_numbers_round_as_round_does_and_never_show_minus_zero():
    import random

    from lijfwijs.diary.presenting import _n

    rng = random.Random(7)
    values = [rng.uniform(-10, 10) for _ in range(2000)]
    values += [-0.04, -0.0, 0.05, 2.675, -0.05, 1e-9, -1e-9, 0.25, 0.35, 4, -3]
    for digits in (0, 1, 2, 3):
        for value in values:
            expected = f"{round(value, digits) + 0.0:.{digits}f}".replace(".", ",")
            assert _n(value, digits, ",") == expected, (value, digits)
    assert _n(None) == "–"
