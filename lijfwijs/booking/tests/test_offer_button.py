"""The booking button on the home page and the Pijntest report: there when a practice offers a
type anyone may book (the free advice call first), absent otherwise."""

import pytest
from django.test import Client

from lijfwijs.assessments.tests.factories import pijntest_answers
from lijfwijs.assessments.tests.test_pijntest_pages import take_test

pytestmark = pytest.mark.django_db


def _report(content) -> str:
    browser = Client()
    url = take_test(browser, pijntest_answers())["Location"]
    return browser.get(url).content.decode()


def test_no_button_without_an_offer(content):
    assert "book-cta" not in Client().get("/").content.decode()
    assert "book-cta" not in _report(content)


def test_the_free_advice_call_is_offered_on_home_and_report(content, advice_type, session_type):
    times = f"/afspraak/{advice_type.pk}/"
    home = Client().get("/").content.decode()
    assert f'href="{times}"' in home and "Plan een gratis adviesgesprek" in home
    report = _report(content)
    assert f'href="{times}"' in report and "Praat erover met een behandelaar" in report
    english = Client().get("/en/").content.decode()
    assert f'href="/en{times}"' in english


def test_a_type_for_clients_only_is_not_offered_to_everyone(content, session_type):
    assert "book-cta" not in Client().get("/").content.decode()
