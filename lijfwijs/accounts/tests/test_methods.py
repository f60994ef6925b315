"""Methods a page does not support are refused with 405, not served (ASVS 5.0 V4.1.4)."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "method,path",
    [
        ("put", "/account/inloggen/"),
        ("delete", "/account/wachtwoord-vergeten/"),
        ("patch", "/account/wachtwoord-herstellen/MQ/geen-geldige-link/"),
        ("post", "/account/bevestigen/geen-geldige-link/"),
        ("post", "/account/e-mail/bevestigen/geen-geldige-link/"),
        ("get", "/account/uitloggen/"),
    ],
)
def test_visitors(client, content, method, path):
    assert getattr(client, method)(path).status_code == 405


@pytest.mark.parametrize(
    "method,path",
    [
        ("put", "/account/wachtwoord/"),
        ("post", "/account/inzage/"),
        ("put", "/account/"),
        ("get", "/account/toegang/"),
        ("delete", "/account/export/"),
        ("put", "/account/verwijderen/"),
    ],
)
def test_signed_in_client(anna_browser, method, path):
    assert getattr(anna_browser, method)(path).status_code == 405


def test_practice_pages(anna, pieter, pieter_browser):
    from lijfwijs.accounts.tests.helpers import give_access

    give_access(anna, pieter)
    assert pieter_browser.post(f"/praktijk/clienten/{anna.pk}/").status_code == 405
    assert pieter_browser.put("/praktijk/").status_code == 405
