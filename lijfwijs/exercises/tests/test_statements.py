"""The plain SQL statements of the player and the log give what their querysets give."""

from datetime import timedelta

import pytest
from django.test import Client

from lijfwijs.diary.models import CheckIn
from lijfwijs.exercises import statements
from lijfwijs.exercises.models import Exercise, PracticeSession
from lijfwijs.exercises.tests.log_factories import browser, person, practise
from lijfwijs.exercises.tests.test_checkin_practice import checkin_form

pytestmark = pytest.mark.django_db


def log_queryset(user):
    return (
        PracticeSession.objects.for_user(user)
        .order_by("-day", "-started_at", "-created_at")
        .values_list(*statements.LOG_COLUMNS)
    )


def as_text(row):
    """An ORM row with its UUIDs as text, as the statement hands them."""
    pk, *rest, checkin = row
    return (str(pk), *rest, None if checkin is None else str(checkin))


def test_the_log_rows_are_the_querysets_rows_page_by_page(anna):
    other = person("bert@example.org")
    practise(other, "schudden", 5, 3)
    for n in range(7):
        practise(
            anna, "rustig-ademen", 6, n % 4, ago=timedelta(hours=n * 20), completed=bool(n % 2)
        )
    practise(anna, "schudden", None, None, ago=timedelta(minutes=5))
    browser(anna).post("/dagboek/nieuw/", checkin_form(anna, "gronden"))
    assert CheckIn.objects.filter(user=anna).exists()
    expected = [as_text(row) for row in log_queryset(anna)]
    assert len(expected) == 9
    assert statements.log_rows(anna, 0, 100) == expected
    assert statements.log_rows(anna, 3, 4) == expected[3:7]
    assert statements.log_rows(anna, 9, 4) == []
    assert all(isinstance(row[7], bool) for row in statements.log_rows(anna, 0, 100))


def test_the_catalog_is_the_active_exercises_in_order(content):
    Exercise.objects.filter(slug="schudden").update(is_active=False)
    expected = list(
        Exercise.objects.active().values_list("slug", "name_nl", "name_en", "kind", "domains")
    )
    assert "schudden" not in [row[0] for row in expected]
    assert statements.catalog() == expected


def test_an_active_exercise_is_the_whole_model(content):
    exercise = statements.active_exercise("4-7-8-ademhaling")
    stored = Exercise.objects.get(slug="4-7-8-ademhaling")
    for field in Exercise._meta.concrete_fields:
        assert getattr(exercise, field.attname) == getattr(stored, field.attname), field.name
    assert exercise.player_data() == stored.player_data()
    assert not exercise._state.adding
    Exercise.objects.filter(slug="schudden").update(is_active=False)
    assert statements.active_exercise("schudden") is None
    assert statements.active_exercise("bestaat-niet") is None
    assert Client().get("/oefeningen/schudden/oefenen/").status_code == 404


def test_calm_names_come_from_the_catalog_or_the_exercise_itself(db):
    """`calm.names` names active exercises from the catalog's statement, and an exercise that
    left the catalog from the exercise itself."""
    from django.utils import translation

    from lijfwijs.exercises import calm
    from lijfwijs.exercises.models import Exercise

    first, second = Exercise.objects.active().order_by("pk")[:2]
    with translation.override("en"):
        assert calm.names([first.slug]) == {first.slug: first.name_en or first.name_nl}
    Exercise.objects.filter(pk=second.pk).update(is_active=False)
    with translation.override("nl"):
        assert calm.names([first.slug, second.slug]) == {
            first.slug: first.name_nl,
            second.slug: second.name_nl,
        }
    assert calm.names([]) == {}
