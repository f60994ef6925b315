"""The start page's panels take their fixed addresses from values reversed once per process and
language (not a {% url %} per request): they are the addresses of the language shown."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from lijfwijs.accounts.tests.helpers import make_client_user

pytestmark = pytest.mark.django_db

NAMES = (
    "diary:new",
    "diary:list",
    "diary:insights",
    "exercises:log",
    "assessments:start",
    "program:step",
)


@pytest.mark.parametrize(("prefix", "language"), [("", "nl"), ("/en", "en")])
def test_the_panels_link_in_the_language_of_the_page(content, prefix, language):
    anna = make_client_user("anna@example.org")
    browser = Client()
    browser.force_login(anna, backend="lijfwijs.accounts.backends.UserBackend")
    browser.get(f"{prefix}/")  # the program starts on the first visit
    html = browser.get(f"{prefix}/").content.decode()
    with translation.override(language):
        for name in NAMES:
            kwargs = {"number": 1} if name == "program:step" else {}
            assert f'href="{reverse(name, kwargs=kwargs)}"' in html, name
