"""The account flow in a real browser: an anonymous Pijntest, "Account aanmaken" from the report,
"check your email", signing in, the result in "Mijn Pijntest-uitslagen", logging out with the
header button and in again.

axe-core (WCAG 2.1 A/AA, no serious or critical violation) runs on the register, login, settings
and results pages, so this tab bypasses the CSP (see open_tab); the CSP itself is checked in
test_pijntest_browser.test_the_pijntest_runs_under_the_real_csp.
"""

import re

import pytest

from e2e.conftest import DESKTOP
from e2e.helpers import (
    assert_accessible,
    assert_fits_the_screen,
    assert_stays_on_the_server,
    press_start,
    start,
    walk_to_report,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

EMAIL = "sanne@voorbeeld.nl"
PASSWORD = "rustig ademen bij de rivier"  # noqa: S105 - a test account
NAME = "Sanne"


def go(page, click) -> int:
    """Click something that loads a new page; returns the page's status."""
    with page.expect_navigation() as nav:
        click()
    return nav.value.status


def open_my_results(page) -> None:
    header = page.locator("header")
    header.locator("details:has(form[data-logout]) > summary").click()  # the account menu
    assert go(page, header.get_by_role("link", name="Mijn account").click) == 200
    assert page.get_by_role("heading", level=1).inner_text() == "Mijn account"
    link = page.locator("main").get_by_role("link", name="Mijn Pijntest-uitslagen")
    assert go(page, link.click) == 200
    assert page.get_by_role("heading", level=1).inner_text() == "Mijn Pijntest-uitslagen"


def result_links(page) -> list[str]:
    return [a.get_attribute("href") for a in page.locator("main table tbody a").all()]


def test_register_from_the_report_then_log_out_and_in(open_tab, content):
    tab = open_tab(viewport=DESKTOP)
    page = start(tab)
    press_start(page)
    walk_to_report(page)
    report_path = re.search(r"/pijntest/uitslag/[^/]+/$", page.url).group(0)

    # the report invites to keep the result: "Account aanmaken"
    register = page.locator("main").get_by_role("link", name="Account aanmaken")
    assert register.count() == 1, "the report of an anonymous test has no 'Account aanmaken' link"
    assert go(page, register.click) == 200
    assert page.url.endswith("/account/registreren/")
    assert_fits_the_screen(page)
    assert_accessible(page, "the register page")

    page.locator("main").get_by_label("E-mailadres").fill(EMAIL)
    page.get_by_label("Hoe mogen we je noemen?").fill(NAME)
    page.get_by_label("Wachtwoord", exact=True).fill(PASSWORD)
    page.get_by_label("Wachtwoord nog een keer").fill(PASSWORD)
    page.get_by_label("Taal").select_option("nl")
    page.get_by_label(re.compile("Ik geef toestemming")).check()
    assert (
        go(page, page.locator("main form").get_by_role("button", name="Account aanmaken").click)
        == 200
    )
    # The same answer whether or not the address had an account: "check your email", not signed in.
    assert page.get_by_role("heading", level=1).inner_text() == "Kijk in je e-mail"
    assert_accessible(page, "the check-your-email page")
    assert go(page, page.locator("main").get_by_role("link", name="Naar inloggen").click) == 200
    page.locator("main").get_by_label("E-mailadres").fill(EMAIL)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    assert go(page, page.locator("main form").get_by_role("button", name="Inloggen").click) == 200
    assert page.get_by_role("heading", level=1).inner_text() == f"Hallo {NAME}", (
        "signing in after registering did not end on the personal start page"
    )

    # the test taken before registering is now the account's (claimed at the first sign-in)
    open_my_results(page)
    assert_accessible(page, "the results page")
    assert result_links(page) == [report_path], result_links(page)
    assert go(page, page.locator("main table tbody a").first.click) == 200
    assert page.url.endswith(report_path)
    assert page.locator("main").get_by_role("link", name="Account aanmaken").count() == 0

    page.goto(tab.url("/account/"))
    assert_accessible(page, "the settings page")

    # log out with the button in the header's account menu
    page.locator("header details:has(form[data-logout]) > summary").click()
    logout = page.locator("header").get_by_role("button", name="Uitloggen")
    assert go(page, logout.click) == 200
    assert page.locator("header").get_by_role("link", name="Inloggen").count() == 1
    assert page.goto(tab.url("/pijntest/mijn-uitslagen/")).status == 200
    assert "/account/inloggen/" in page.url, "the results page is reachable after logging out"
    # a signed-out person at the report's address is asked to sign in, and sees no report
    assert page.goto(tab.url(report_path)).status == 200
    assert "/account/inloggen/" in page.url, "the report is reachable after logging out"

    # log in again
    page.goto(tab.url("/"))
    assert go(page, page.locator("header").get_by_role("link", name="Inloggen").click) == 200
    assert_fits_the_screen(page)
    assert_accessible(page, "the login page")
    page.locator("main").get_by_label("E-mailadres").fill(EMAIL)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    assert go(page, page.locator("main form").get_by_role("button", name="Inloggen").click) == 200
    assert page.get_by_role("heading", level=1).inner_text() == f"Hallo {NAME}"
    open_my_results(page)
    assert result_links(page) == [report_path]
    assert_stays_on_the_server(tab)


def test_a_wrong_password_keeps_the_email_and_says_why(open_tab, content):
    from lijfwijs.accounts.models import User

    User.objects.create_user(EMAIL, PASSWORD, display_name=NAME)
    tab = open_tab(viewport=DESKTOP)
    page = tab.page
    assert page.goto(tab.url("/account/inloggen/")).status == 200
    page.locator("main").get_by_label("E-mailadres").fill(EMAIL)
    page.get_by_label("Wachtwoord").fill("niet het goede wachtwoord")
    assert go(page, page.locator("main form").get_by_role("button", name="Inloggen").click) == 422
    assert page.locator("main").get_by_label("E-mailadres").input_value() == EMAIL
    assert page.get_by_label("Wachtwoord").input_value() == ""
    assert "horen niet bij elkaar" in page.locator("main").inner_text()
    assert_accessible(page, "the login page with an error")
    assert_stays_on_the_server(tab)
