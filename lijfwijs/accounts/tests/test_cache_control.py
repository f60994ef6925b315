"""Pages for someone signed in may carry health data: browsers and proxies must not store them."""

import pytest

from lijfwijs.accounts.tests.helpers import give_access, pijntest_result

pytestmark = pytest.mark.django_db


def assert_not_stored(response):
    assert response.status_code == 200
    cache_control = response["Cache-Control"]
    assert "no-store" in cache_control and "private" in cache_control


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/account/",
        "/account/inzage/",
        "/account/export/",
        "/account/e-mail/",
        "/pijntest/mijn-uitslagen/",
        "/en/account/",
        "/en/pijntest/mijn-uitslagen/",
    ],
)
def test_client_pages(anna_browser, path):
    assert_not_stored(anna_browser.get(path))


def test_own_report_and_comparison(anna, anna_browser):
    first, second = pijntest_result(anna, peg=6), pijntest_result(anna, peg=4)
    assert_not_stored(anna_browser.get(f"/pijntest/uitslag/{first.pk}/"))
    assert_not_stored(anna_browser.get(f"/pijntest/uitslag/{first.pk}/"))  # from the cache
    assert_not_stored(anna_browser.get(f"/pijntest/vergelijk/?a={first.pk}&b={second.pk}"))


def test_practice_pages(anna, pieter, pieter_browser):
    result = pijntest_result(anna)
    give_access(anna, pieter)
    assert_not_stored(pieter_browser.get("/praktijk/"))
    assert_not_stored(pieter_browser.get(f"/praktijk/clienten/{anna.pk}/"))
    assert_not_stored(pieter_browser.get(f"/pijntest/uitslag/{result.pk}/"))
    assert_not_stored(pieter_browser.get("/en/praktijk/"))
