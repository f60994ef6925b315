"""Whole pages from a shell (core.shells): the player, the program overview and the empty check-in
form are rendered once, yet every person gets their own CSRF token and account id, and a waiting
message is shown."""

import re

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.test import RequestFactory

from lijfwijs.exercises import content
from lijfwijs.exercises.tests.log_factories import browser, person, practise

pytestmark = pytest.mark.django_db

PLAYER = "/oefeningen/4-7-8-ademhaling/oefenen/"
PROGRAM = "/programma/"
CHECKIN = "/dagboek/nieuw/"  # the diary's empty check-in form, kept whole the same way
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture(autouse=True)
def catalog():
    content.load()


def account_id(html: str) -> str:
    return re.search(r'data-account="([^"]*)"', html).group(1)


@pytest.mark.parametrize("path", [PLAYER, PROGRAM, CHECKIN])
def test_each_person_gets_their_own_token_and_account_id(path):
    anna, bram = person("anna@example.invalid"), person("bram@example.invalid")
    pages = {}
    for user in (anna, bram, anna):
        page = browser(user, enforce_csrf_checks=True)
        html = page.get(path).content.decode()
        assert "\x02" not in html  # no mark left unfilled
        assert account_id(html) == str(user.pk)
        tokens = TOKEN.findall(html)
        assert tokens  # the logout form at least
        pages.setdefault(user.pk, []).append((page, tokens[0]))
    # the token works for the person it was made for: signing out with it is accepted
    page, token = pages[bram.pk][0]
    assert page.post("/account/uitloggen/", {"csrfmiddlewaretoken": token}).status_code == 302


def test_the_player_offers_saving_only_to_whom_it_may():
    html = browser(person("c@example.invalid")).get(PLAYER).content.decode()
    assert 'action="/oefeningen/logboek/"' in html
    no_consent = browser(person("d@example.invalid", consent=False)).get(PLAYER).content.decode()
    assert 'action="/oefeningen/logboek/"' not in no_consent
    assert "/account/toestemming/" in no_consent


@pytest.mark.parametrize("path", [PLAYER, PROGRAM, CHECKIN])
def test_a_waiting_message_is_shown_not_a_kept_page(path):
    page = browser(person("e@example.invalid"))
    assert page.get(path).status_code == 200  # fills the shell
    storage = CookieStorage(RequestFactory().get("/"))
    message = Message(constants.SUCCESS, "Je oefening is bewaard, dank je.")
    page.cookies[CookieStorage.cookie_name] = storage._encode([message])
    html = page.get(path).content.decode()
    assert "Je oefening is bewaard, dank je." in html
    assert html.count("<html") == 1 and html.count('id="main"') == 1
    assert "Je oefening is bewaard" not in page.get(path).content.decode()  # shown once


def test_the_program_page_follows_the_practice_log():
    user = person("f@example.invalid")
    page = browser(user)
    before = page.get(PROGRAM).content.decode()
    practise(user, "bodyscan", 6, 4)
    after = page.get(PROGRAM).content.decode()
    assert before != after
    assert re.search(r"1\s*/\s*5|1 van de 5", after)
