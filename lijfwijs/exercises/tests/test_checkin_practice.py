"""One practice log: exercises ticked in a check-in are sessions of the log (marked as from the
check-in, without ratings), counted for the program like a logged session, kept out of "what calms
me", moved, removed and unticked together with their check-in, and stored once."""

import json
from datetime import time, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from lijfwijs.accounts.models import User
from lijfwijs.diary import services as diary
from lijfwijs.diary.models import CheckIn
from lijfwijs.exercises import services
from lijfwijs.exercises.models import PracticeSession
from lijfwijs.exercises.tests.log_factories import browser, person, practise
from lijfwijs.program import services as program
from lijfwijs.program.models import ProgramProgress

pytestmark = pytest.mark.django_db


def checkin_form(user: User, *exercises: str, day=None, time: str = "09:30", **extra) -> dict:
    data = {
        "day": (day or diary.local_today(user)).isoformat(),
        "time": time,
        "pain": "5",
        "exercises": list(exercises),
    }
    data.update(extra)
    return data


def sessions_of(user: User) -> list[tuple[str, bool]]:
    return sorted(
        (slug, checkin is not None)
        for slug, checkin in PracticeSession.objects.for_user(user).values_list(
            "exercise__slug", "checkin_id"
        )
    )


def test_exercises_ticked_in_a_check_in_appear_in_the_log(anna):
    client = browser(anna)
    response = client.post("/dagboek/nieuw/", checkin_form(anna, "schudden", "gronden"))
    assert response.status_code == 302
    checkin = CheckIn.objects.get(user=anna)
    assert sessions_of(anna) == [("gronden", True), ("schudden", True)]
    stored = PracticeSession.objects.filter(user=anna)
    assert {(s.started_at, s.day, s.seconds) for s in stored} == {(checkin.at, checkin.day, 0)}
    assert all(s.tension_before is None and s.tension_after is None for s in stored)

    html = client.get("/oefeningen/logboek/").content.decode()
    assert "Nog geen oefeningen bijgehouden" not in html
    assert "Schudden" in html and "Gronden" in html
    assert html.count("uit je check-in</a>") == 2
    assert f'href="/dagboek/{checkin.pk}/"' in html
    assert "niet gevraagd in de check-in" in html
    assert "0 seconden" not in html  # no made-up length


def test_they_count_for_the_program_like_a_logged_session(anna):
    ProgramProgress.objects.create(user=anna, start_step=1, current_step=1)
    today = diary.local_today(anna)
    client = browser(anna)
    for n in range(3):
        day = today - timedelta(days=n)
        client.post("/dagboek/nieuw/", checkin_form(anna, "rustig-ademen", day=day))
    assert set(PracticeSession.objects.values_list("program_step", flat=True)) == {1}
    assert program.practice_days(anna, 1) == 3
    # a logged session on one of those days adds no day: days are counted, not sessions
    practise(anna, "schudden", ago=timedelta(minutes=5))
    assert program.practice_days(anna, 1) == 3


def test_they_leave_what_calms_me_alone(anna):
    for _ in range(3):
        practise(anna, "schudden", 7, 4)
    before = services.what_calms_me(anna)
    browser(anna).post("/dagboek/nieuw/", checkin_form(anna, "schudden", "bodyscan"))
    after = services.what_calms_me(anna)  # the data version was raised: computed anew
    assert before == after
    assert [(c.slug, c.sessions, c.mean_drop) for c in after] == [("schudden", 3, 3.0)]


def test_the_data_version_is_raised(anna):
    version = User.objects.filter(pk=anna.pk).values_list("data_version", flat=True).get()
    browser(anna).post("/dagboek/nieuw/", checkin_form(anna, "schudden"))
    assert User.objects.filter(pk=anna.pk).values_list("data_version", flat=True).get() > version


def test_editing_the_check_in_updates_its_sessions(anna):
    client = browser(anna)
    client.post("/dagboek/nieuw/", checkin_form(anna, "schudden", "gronden"))
    checkin = CheckIn.objects.get(user=anna)
    kept = PracticeSession.objects.get(exercise__slug="schudden")
    yesterday = diary.local_today(anna) - timedelta(days=1)

    response = client.post(
        f"/dagboek/{checkin.pk}/",
        checkin_form(anna, "schudden", "bodyscan", day=yesterday, time="21:15"),
    )
    assert response.status_code == 302
    checkin.refresh_from_db()
    assert sessions_of(anna) == [("bodyscan", True), ("schudden", True)]
    moved = PracticeSession.objects.get(exercise__slug="schudden")
    assert moved.pk == kept.pk  # the same row, moved with its check-in
    assert (moved.day, moved.started_at) == (yesterday, checkin.at)
    assert PracticeSession.objects.get(exercise__slug="bodyscan").day == yesterday

    client.post(f"/dagboek/{checkin.pk}/", checkin_form(anna, day=yesterday))
    assert sessions_of(anna) == []


def test_saving_the_same_check_in_again_stores_nothing_twice(anna):
    client = browser(anna)
    data = checkin_form(anna, "schudden", client_key="offline-1")
    client.post("/dagboek/nieuw/", data)
    client.post("/dagboek/nieuw/", data)  # a resend from the outbox
    checkin = CheckIn.objects.get(user=anna)
    clean, errors = diary.check_checkin(anna, checkin_form(anna, "schudden"))
    assert not errors
    diary.save_checkin(anna, clean, instance=checkin)
    diary.save_checkin(anna, clean, instance=checkin)
    # and through the API, with the same key
    body = {"day": diary.local_today(anna).isoformat(), "pain": 4, "exercises": ["schudden"]}
    api = browser(anna)
    for _ in range(2):
        api.post(
            "/api/v1/checkins",
            json.dumps({**body, "client_key": "api-1"}),
            content_type="application/json",
        )
    assert sessions_of(anna) == [("schudden", True), ("schudden", True)]
    assert CheckIn.objects.filter(user=anna).count() == 2


def test_deleting_the_check_in_removes_its_sessions_and_keeps_logged_ones(anna):
    client = browser(anna)
    client.post("/dagboek/nieuw/", checkin_form(anna, "schudden"))
    own = practise(anna, "gronden", 6, 3)
    checkin = CheckIn.objects.get(user=anna)
    assert client.post(f"/dagboek/{checkin.pk}/verwijderen/").status_code == 302
    assert list(PracticeSession.objects.for_user(anna)) == [own]


def test_deleting_it_from_the_log_unticks_it_in_the_check_in(anna):
    client = browser(anna)
    client.post("/dagboek/nieuw/", checkin_form(anna, "schudden", "gronden"))
    session = PracticeSession.objects.get(exercise__slug="schudden")
    response = client.post(f"/oefeningen/logboek/{session.pk}/verwijderen/")
    assert response.status_code == 302
    checkin = CheckIn.objects.get(user=anna)
    assert list(checkin.exercises.values_list("slug", flat=True)) == ["gronden"]
    assert sessions_of(anna) == [("gronden", True)]


def test_the_api_marks_them(anna):
    browser(anna).post("/dagboek/nieuw/", checkin_form(anna, "schudden"))
    practise(anna, "gronden", 6, 3)
    items = browser(anna).get("/api/v1/practice-sessions").json()["items"]
    assert sorted((i["exercise"], i["from_checkin"], i["seconds"] == 0) for i in items) == [
        ("gronden", False, False),
        ("schudden", True, True),
    ]
    exported = services.export_user_data(anna)["practice_sessions"]
    assert sorted(s["from_checkin"] for s in exported) == [False, True]


def test_another_person_sees_none_of_them(anna):
    browser(anna).post("/dagboek/nieuw/", checkin_form(anna, "schudden"))
    session = PracticeSession.objects.get()
    bert = person("bert@example.org")
    other = browser(bert)
    assert "Schudden</th>" not in other.get("/oefeningen/logboek/").content.decode()
    assert other.get(f"/api/v1/practice-sessions/{session.pk}").status_code == 404
    assert other.post(f"/oefeningen/logboek/{session.pk}/verwijderen/").status_code == 404
    assert PracticeSession.objects.filter(pk=session.pk).exists()


def test_a_visitor_is_sent_to_sign_in(anna):
    browser(anna).post("/dagboek/nieuw/", checkin_form(anna, "schudden"))
    session = PracticeSession.objects.get()
    response = Client().post(f"/oefeningen/logboek/{session.pk}/verwijderen/")
    assert response.status_code == 302 and "/account/" in response["Location"]
    assert PracticeSession.objects.filter(pk=session.pk).exists()


def test_the_log_page_reads_check_in_sessions_in_constant_queries(
    anna, django_assert_max_num_queries
):
    client = browser(anna)
    client.get("/oefeningen/logboek/")
    for n in range(5):
        day = diary.local_today(anna) - timedelta(days=n)
        client.post("/dagboek/nieuw/", checkin_form(anna, "schudden", "gronden", day=day))
    client.get("/oefeningen/logboek/")
    with CaptureQueriesContext(connection) as few:
        client.get("/oefeningen/logboek/")
    count = len(few)  # (a later request empties the connection's query log)
    for n in range(5, 7):
        day = diary.local_today(anna) - timedelta(days=n)
        client.post("/dagboek/nieuw/", checkin_form(anna, "schudden", "bodyscan", day=day))
    client.get("/oefeningen/logboek/")
    with django_assert_max_num_queries(count):
        assert client.get("/oefeningen/logboek/").status_code == 200


def test_the_migration_brings_earlier_ticked_exercises_into_the_log(anna):
    from importlib import import_module

    from django.apps import apps

    from lijfwijs.exercises.tests.log_factories import exercise

    migration = import_module("lijfwijs.exercises.migrations.0006_practice_session_from_checkin")
    day = diary.local_today(anna)
    earlier = CheckIn.objects.create(
        user=anna, day=day, at=diary.moment(anna, day, time(8, 0)), pain=3
    )
    earlier.exercises.set([exercise("schudden"), exercise("gronden")])  # as before this change
    assert not PracticeSession.objects.exists()
    migration.sessions_for_ticked_exercises(apps, None)
    migration.sessions_for_ticked_exercises(apps, None)  # run twice: still one each
    assert sessions_of(anna) == [("gronden", True), ("schudden", True)]
    assert {(s.started_at, s.day, s.seconds) for s in PracticeSession.objects.all()} == {
        (earlier.at, day, 0)
    }
