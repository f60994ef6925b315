"""The practice log's rules: one session per client key (also under concurrent requests), the
person's local day, "what calms me" (nothing claimed under 3 sessions), what helped most, and the
practice data in the export and gone after consent is withdrawn."""

import json
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connections
from django.utils import timezone

from lijfwijs.accounts.models import User
from lijfwijs.accounts.services import give_health_consent
from lijfwijs.exercises import services
from lijfwijs.exercises.models import BreathingPattern, PracticeSession
from lijfwijs.exercises.services import Calm
from lijfwijs.exercises.tests.log_factories import browser, exercise, person, practise
from lijfwijs.program.models import ProgramProgress

PASSWORD = "een lange zin als wachtwoord voor het logboek"


# --- log_session ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_session_is_stored_with_what_was_sent(anna):
    started = timezone.now() - timedelta(minutes=10)
    session, created = services.log_session(
        anna,
        exercise("schudden"),
        seconds=120,
        completed=True,
        tension_before=7,
        tension_after=4,
        started_at=started,
        client_key="k1",
    )
    assert created
    stored = PracticeSession.objects.get()
    assert stored == session and stored.user == anna and stored.exercise.slug == "schudden"
    assert (stored.seconds, stored.completed) == (120, True)
    assert (stored.tension_before, stored.tension_after, stored.tension_drop) == (7, 4, 3)
    assert stored.started_at == started and stored.program_step is None


@pytest.mark.django_db
def test_without_a_start_it_began_the_seconds_before_now(anna):
    before = timezone.now()
    session, _ = services.log_session(anna, exercise("schudden"), seconds=600)
    assert before - timedelta(seconds=601) <= session.started_at <= timezone.now()


@pytest.mark.django_db
def test_the_same_client_key_stores_one_session(anna):
    first, created = services.log_session(anna, exercise("schudden"), seconds=60, client_key="x")
    again, created_again = services.log_session(
        anna, exercise("bodyscan"), seconds=999, client_key="x"
    )
    assert created and not created_again and again.pk == first.pk
    assert PracticeSession.objects.count() == 1
    assert PracticeSession.objects.get().exercise.slug == "schudden"  # the first one counts
    bram = person("bram-log@example.org")
    theirs, created_theirs = services.log_session(
        bram, exercise("schudden"), seconds=60, client_key="x"
    )
    assert created_theirs and theirs.pk != first.pk and theirs.user == bram


@pytest.mark.django_db(transaction=True)
def test_two_requests_with_the_same_client_key_at_once_store_one_session():
    """Real parallel connections (PostgreSQL with DATABASE_URL; SQLite serialises the writes)."""
    anna = person("anna-race@example.org")
    schudden = exercise("schudden")
    barrier = threading.Barrier(2)

    def send(key: str) -> tuple[PracticeSession, bool]:
        try:
            barrier.wait(10)  # both threads send at the same moment
            return services.log_session(anna, schudden, seconds=60, client_key=key)
        finally:
            connections.close_all()

    for key in ("race-1", "race-2", "race-3"):
        with ThreadPoolExecutor(2) as pool:
            results = list(pool.map(send, [key, key]))
        assert len({session.pk for session, _ in results}) == 1
        assert sorted(created for _, created in results) == [False, True]
    assert PracticeSession.objects.filter(user=anna).count() == 3


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("zone", "started", "day"),
    [
        ("Europe/Amsterdam", datetime(2026, 6, 1, 22, 30, tzinfo=UTC), "2026-06-02"),
        ("Pacific/Auckland", datetime(2026, 6, 1, 13, 0, tzinfo=UTC), "2026-06-02"),
        ("America/Los_Angeles", datetime(2026, 6, 1, 3, 0, tzinfo=UTC), "2026-05-31"),
        ("Europe/Amsterdam", datetime(2026, 3, 29, 0, 30, tzinfo=UTC), "2026-03-29"),
        ("", datetime(2026, 1, 1, 23, 30, tzinfo=UTC), "2026-01-02"),  # unknown: Amsterdam
    ],
)
def test_the_day_is_the_persons_local_date(content, zone, started, day):
    user = person(f"{zone.replace('/', '-') or 'none'}-{started:%m%d%H%M}@example.org", zone=zone)
    session, _ = services.log_session(user, exercise("schudden"), seconds=60, started_at=started)
    assert session.day.isoformat() == day


@pytest.mark.django_db
def test_the_program_step_is_the_one_the_person_is_in(anna):
    assert practise(anna, "schudden").program_step is None
    ProgramProgress.objects.create(user=anna, start_step=2, current_step=3)
    assert practise(anna, "schudden").program_step == 3


# --- what calms me -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_nothing_is_claimed_under_three_sessions(anna):
    practise(anna, "schudden", 8, 2)
    practise(anna, "schudden", 7, 1)
    practise(anna, "schudden", 5)  # no rating after: not counted
    practise(anna, "schudden", None, 3)
    practise(anna, "schudden")
    [calm] = services.what_calms_me(anna)
    assert calm == Calm(slug="schudden", sessions=2, mean_drop=None)
    assert not calm.claimed
    assert services.helped_most(anna) == []


@pytest.mark.django_db
def test_the_mean_drop_from_three_sessions_on_largest_first(anna):
    for before, after in [(7, 4), (6, 4), (8, 5)]:  # drops 3, 2, 3: mean 2.666… → 2.7
        practise(anna, "schudden", before, after)
    for before, after in [(5, 5), (4, 5), (6, 4)]:  # 0, -1, 2: mean 0.333… → 0.3
        practise(anna, "bodyscan", before, after)
    for before, after in [(3, 5), (4, 6), (5, 6)]:  # tension went up
        practise(anna, "niets-doen", before, after)
    practise(anna, "gronden", 9, 0)  # one session: claims nothing however large
    assert services.what_calms_me(anna) == [
        Calm("schudden", 3, 2.7),
        Calm("bodyscan", 3, 0.3),
        Calm("niets-doen", 3, -1.7),
        Calm("gronden", 1, None),
    ]
    assert [c.slug for c in services.helped_most(anna)] == ["schudden", "bodyscan"]
    assert [c.slug for c in services.helped_most(anna, limit=1)] == ["schudden"]


@pytest.mark.django_db
def test_what_calms_me_follows_every_change_and_is_the_persons_own(anna):
    bram = person("bram-calm@example.org")
    for _ in range(3):
        practise(bram, "schudden", 9, 1)
    sessions = [practise(anna, "schudden", 6, 3) for _ in range(2)]
    assert services.what_calms_me(anna) == [Calm("schudden", 2, None)]
    assert services.what_calms_me(anna) == [Calm("schudden", 2, None)]  # the same, kept
    practise(anna, "schudden", 6, 4)
    assert services.what_calms_me(anna) == [Calm("schudden", 3, 2.7)]
    services.delete_session(anna, sessions[0])
    assert services.what_calms_me(anna) == [Calm("schudden", 2, None)]
    assert services.what_calms_me(bram) == [Calm("schudden", 3, 8.0)]


# --- export and erasure --------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_export_has_the_practice_log_and_only_ones_own(content, client):
    anna = User.objects.create_user("anna-export@example.org", PASSWORD, role="client")
    give_health_consent(anna)
    bram = person("bram-export@example.org")
    mine = practise(anna, "schudden", 7, 3, client_key="export-1")
    theirs = practise(bram, "bodyscan", 5, 5)
    client.force_login(anna, backend="lijfwijs.accounts.backends.UserBackend")
    assert client.post("/account/export/", {"password": PASSWORD}).status_code == 302
    response = client.get("/account/export/?bestand=1")
    assert response.status_code == 200
    [session] = json.loads(response.content)["exercises"]["practice_sessions"]
    assert session["id"] == str(mine.pk) and session["exercise"] == "schudden"
    assert (session["tension_before"], session["tension_after"]) == (7, 3)
    assert session["day"] == mine.day.isoformat() and session["seconds"] == 120
    assert str(theirs.pk) not in response.content.decode()


@pytest.mark.django_db
def test_withdrawn_consent_erases_the_practice_log_but_keeps_own_patterns(anna):
    bram = person("bram-erase@example.org")
    pattern = BreathingPattern.objects.create(
        user=anna,
        base=exercise("box-ademhaling"),
        name="Mijn vierkant",
        phases=[{"phase": "inhale", "seconds": 4}, {"phase": "exhale", "seconds": 6}],
        cycles=6,
    )
    for _ in range(3):
        practise(anna, "box-ademhaling", 6, 2, pattern=pattern)
    practise(bram, "schudden", 5, 4)
    assert services.what_calms_me(anna)[0].claimed  # cached now
    page = browser(anna)
    assert page.post("/account/toestemming/", {"action": "withdraw"}).status_code == 302
    assert not PracticeSession.objects.filter(user=anna).exists()
    anna.refresh_from_db()  # as the next request loads her: at her new data version
    assert services.what_calms_me(anna) == []  # nothing stale from the cache
    assert BreathingPattern.objects.filter(user=anna).count() == 1
    assert PracticeSession.objects.filter(user=bram).count() == 1
    # and nothing new is stored without consent
    refused = page.post(
        "/oefeningen/logboek/",
        {"exercise": "schudden", "seconds": "60"},
        HTTP_ACCEPT="application/json",
    )
    assert refused.status_code == 403
    assert not PracticeSession.objects.filter(user=anna).exists()
