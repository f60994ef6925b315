"""Pages rendered per request: each person gets their own token and account id, a waiting message
is shown, and after every write the very next page shows the new state (no page is kept)."""

import re

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.test import Client, RequestFactory

from lijfwijs.accounts.services import give_health_consent
from lijfwijs.accounts.tests.helpers import make_practitioner, pijntest_result
from lijfwijs.exercises.models import Exercise
from lijfwijs.exercises.tests.log_factories import browser, person, practise
from lijfwijs.program import program, services
from lijfwijs.program.tests.program_helpers import ready_to_go_on

pytestmark = pytest.mark.django_db

PLAYER = "/oefeningen/4-7-8-ademhaling/oefenen/"
PROGRAM = "/programma/"
LOG = "/oefeningen/logboek/"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture(autouse=True)
def catalog(content):
    """The shipped content (the exercises' conftest)."""


def account_id(html: str) -> str:
    return re.search(r'data-account="([^"]*)"', html).group(1)


def html_of(client: Client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response.content.decode()


@pytest.mark.parametrize("path", [PLAYER, PROGRAM])
def test_each_person_gets_their_own_token_and_account_id(path):
    anna, bram = person("anna@example.invalid"), person("bram@example.invalid")
    pages = {}
    for user in (anna, bram, anna):
        page = browser(user, enforce_csrf_checks=True)
        html = html_of(page, path)
        assert account_id(html) == str(user.pk)
        tokens = TOKEN.findall(html)
        assert tokens  # the logout form at least
        pages.setdefault(user.pk, []).append((page, tokens[0]))
    # the token works for the person it was made for: signing out with it is accepted
    page, token = pages[bram.pk][0]
    assert page.post("/account/uitloggen/", {"csrfmiddlewaretoken": token}).status_code == 302


def test_the_player_offers_saving_only_to_whom_it_may():
    html = html_of(browser(person("c@example.invalid")), PLAYER)
    assert 'action="/oefeningen/logboek/"' in html
    no_consent = html_of(browser(person("d@example.invalid", consent=False)), PLAYER)
    assert 'action="/oefeningen/logboek/"' not in no_consent
    assert "/account/toestemming/" in no_consent
    visitor = html_of(Client(), PLAYER)
    assert 'action="/oefeningen/logboek/"' not in visitor
    assert "/account/inloggen/?next=%2Foefeningen%2F4-7-8-ademhaling%2Foefenen%2F" in visitor


@pytest.mark.parametrize("path", [PLAYER, PROGRAM])
def test_a_waiting_message_is_shown_once(path):
    page = browser(person("e@example.invalid"))
    html_of(page, path)
    storage = CookieStorage(RequestFactory().get("/"))
    message = Message(constants.SUCCESS, "Je oefening is bewaard, dank je.")
    page.cookies[CookieStorage.cookie_name] = storage._encode([message])
    html = html_of(page, path)
    assert "Je oefening is bewaard, dank je." in html
    assert html.count("<html") == 1 and html.count('id="main"') == 1
    assert "Je oefening is bewaard" not in html_of(page, path)


def test_after_a_practice_the_next_pages_show_it():
    user = person("f@example.invalid")
    page = browser(user)
    assert "Dagen met oefening in deze stap: 0 van 5" in html_of(page, PROGRAM)
    assert "Dagen met oefening in deze stap: 0 van 5" in html_of(page, "/")
    for _ in range(3):
        practise(user, "schudden", 7, 3)
    assert "Dagen met oefening in deze stap: 1 van 5" in html_of(page, PROGRAM)
    assert "Dagen met oefening in deze stap: 1 van 5" in html_of(page, "/")
    assert "Gemiddeld 4,0 punt minder spanning" in html_of(page, LOG)
    assert page.get("/api/v1/what-calms-me").json()["exercises"][0]["mean_drop"] == 4.0
    assert page.get("/api/v1/program").json()["practice_days"] == 1
    # a session sent by the player (JSON) and one deleted on the log page
    sent = page.post(
        LOG,
        {
            "exercise": "schudden",
            "seconds": "60",
            "tension_before": "9",
            "tension_after": "1",
            "client_key": "k1",
        },
        HTTP_ACCEPT="application/json",
    )
    assert sent.status_code == 201
    assert "Gemiddeld 5,0 punt minder spanning" in html_of(page, LOG)
    assert page.post(f"{LOG}{sent.json()['id']}/verwijderen/").status_code == 302
    assert "Gemiddeld 4,0 punt minder spanning" in html_of(page, LOG)


def test_an_exercise_edited_in_the_database_shows_on_the_next_pages():
    user = person("g@example.invalid")
    pages = [Client(), browser(user)]
    for page in pages:
        html_of(page, PLAYER), html_of(page, "/oefeningen/"), html_of(page, "/programma/stap/2/")
    exercise = Exercise.objects.get(slug="4-7-8-ademhaling")
    exercise.name_nl = "Vier-zeven-acht"
    exercise.save()
    for page in pages:
        assert "<h1>Vier-zeven-acht</h1>" in html_of(page, PLAYER)
        assert "Vier-zeven-acht" in html_of(page, "/oefeningen/4-7-8-ademhaling/")
        assert "Vier-zeven-acht" in html_of(page, "/oefeningen/")
    exercise.is_active = False
    exercise.save()
    assert Client().get(PLAYER).status_code == 404


def test_giving_consent_and_a_new_pijntest_show_on_the_next_program_page():
    user = person("h@example.invalid", consent=False)
    page = browser(user)
    assert "Toestemming nodig" in html_of(page, PROGRAM)
    give_health_consent(user)
    pijntest_result(user)
    start = program.start_step(services.pijntest_recommendations(user).get("program_step"))
    html = html_of(page, PROGRAM)
    assert "Toestemming nodig" not in html
    assert f"Je bent in stap {start}:" in html


def test_a_step_change_shows_on_the_next_pages():
    user = person("i@example.invalid")
    page = browser(user)
    ready_to_go_on(user)
    html = html_of(page, PROGRAM)
    assert "Je bent in stap 1:" in html and "Je kunt door naar de volgende stap." in html
    pieter = make_practitioner("pieter-fresh@example.invalid")
    services.set_override(user, pieter, program.HOLD)
    assert "Je behandelaar vraagt je om nog even in deze stap te blijven." in html_of(page, PROGRAM)
    assert page.get("/api/v1/program").json()["override"] == "hold"
    services.set_override(user, pieter, "")
    assert page.post("/programma/stap/1/verder/").status_code == 302
    assert "Je bent in stap 2:" in html_of(page, PROGRAM)
    assert "Stap 2: Regulatie" in html_of(page, "/")
    assert page.get("/api/v1/program").json()["step"] == 2
