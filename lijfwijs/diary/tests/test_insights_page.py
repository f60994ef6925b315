"""The insights page and the flare-up panel through HTTP, on a diary with a planted pattern."""

import random
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from lijfwijs.accounts.models import User
from lijfwijs.accounts.services import give_health_consent
from lijfwijs.diary import services
from lijfwijs.diary.models import CheckIn, Tag

pytestmark = pytest.mark.django_db


def person(email):
    user = User.objects.create_user(email, "a-long-password-1", role="client")
    give_health_consent(user)
    return user


def seed(user, days, *, flare=False, seed_value=1):
    """`days` days of check-ins; 'Werkdruk' on about a third of them adds 2.5 points of pain."""
    rng = random.Random(seed_value)
    werkdruk = Tag.objects.get(key="werkdruk")
    today = services.local_today(user)
    for n in range(days, 0, -1):
        day = today - timedelta(days=n - 1)
        busy = rng.random() < 0.35
        pain = 3 + (2.5 if busy else 0) + rng.gauss(0, 0.8)
        if flare and n <= 3:
            pain += 4
        checkin = CheckIn.objects.create(
            user=user,
            day=day,
            pain=max(0, min(10, round(pain))),
            sleep=rng.randint(3, 9),
            stress=rng.randint(1, 8),
        )
        if busy:
            checkin.tags.add(werkdruk)


@pytest.fixture
def anna():
    return person("anna-inzicht@example.org")


def browser_for(user):
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def test_a_planted_pattern_is_said_plainly_with_its_numbers(anna):
    seed(anna, 90)
    html = browser_for(anna).get("/dagboek/inzichten/").content.decode()
    assert (
        "Op de " in html
        and "dagen met ‘Werkdruk’ was je pijn gemiddeld" in html
        and "punt hoger" in html
    )
    assert "95%-interval" in html and "Een patroon, geen bewijs van een oorzaak." in html
    assert html.count("<svg") >= 2 and "<table" in html


def test_english(anna):
    seed(anna, 90)
    html = browser_for(anna).get("/en/dagboek/inzichten/").content.decode()
    assert '<html lang="en">' in html and "A pattern, not proof of a cause." in html


def test_a_new_check_in_updates_the_page(anna):
    browser = browser_for(anna)
    assert "0 dagen met check-ins" in browser.get("/dagboek/inzichten/").content.decode()
    day = services.local_today(anna).isoformat()
    browser.post("/dagboek/nieuw/", {"day": day, "time": "09:00", "pain": "4"})
    assert "1 dag met check-ins" in browser.get("/dagboek/inzichten/").content.decode()


def test_everyone_sees_only_their_own(anna):
    seed(anna, 60)
    bram = person("bram-inzicht@example.org")
    html = browser_for(bram).get("/dagboek/inzichten/").content.decode()
    assert "0 dagen met check-ins" in html and "Werkdruk" not in html
    assert Client().get("/dagboek/inzichten/").status_code == 302


def test_queries_do_not_grow_with_the_history(anna):
    counts = []
    for user, days in ((anna, 10), (person("bram-lang@example.org"), 200)):
        seed(user, days)
        page = browser_for(user)
        page.get("/")  # the session is stored
        with CaptureQueriesContext(connection) as cold:
            page.get("/dagboek/inzichten/")
        with CaptureQueriesContext(connection) as warm:
            page.get("/dagboek/inzichten/")
        counts.append((len(cold), len(warm)))
    assert counts[0] == counts[1], counts
    cold, warm = counts[0]
    assert cold <= 6 and warm <= 4, counts  # two to load the diary, kept for the warm view


def test_a_flare_up_is_offered_help_on_the_start_page(anna):
    seed(anna, 40, flare=True)
    html = browser_for(anna).get("/").content.decode()
    assert "Een opvlamming" in html and "/oefeningen/" in html
    calm = person("rustig@example.org")
    seed(calm, 40)
    assert "Een opvlamming" not in browser_for(calm).get("/").content.decode()


def test_pain_against_sleep_and_stress_has_a_chart_and_a_table(anna):
    seed(anna, 60)
    html = browser_for(anna).get("/dagboek/inzichten/").content.decode()
    assert "Gemiddelde pijn per score voor Slaap vannacht" in html
    assert "Gemiddelde pijn per score voor Stress" in html
