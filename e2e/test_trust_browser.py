"""The visitor's home page and the trust pages (privacy, about, contact, colofon) in a browser.

At 390 px and 1280 px each page fits the screen, is styled, passes axe (WCAG 2.1 A/AA, nothing
serious or critical) and loads nothing from elsewhere; the home page's one main action starts the
Pijntest, and the contact page's numbers are tappable links big enough for a thumb.
"""

import pytest

from e2e.conftest import DESKTOP, PHONE
from e2e.helpers import (
    assert_accessible,
    assert_fits_the_screen,
    assert_stays_on_the_server,
    assert_styled,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PAGES = ("/", "/privacy/", "/over-ons/", "/contact/", "/colofon/")


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_pages_fit_are_accessible_and_stay_on_the_server(open_tab, viewport):
    tab = open_tab(viewport)
    for prefix in ("", "/en"):
        for path in PAGES:
            response = tab.page.goto(tab.url(prefix + path))
            assert response.status == 200, prefix + path
            assert_styled(tab.page)
            assert_fits_the_screen(tab.page)
            assert_accessible(tab.page, f"{prefix}{path} at {viewport['width']} px")
    assert_stays_on_the_server(tab)


def test_the_home_pages_main_action_starts_the_pijntest(open_tab):
    tab = open_tab(PHONE)
    tab.page.goto(tab.url("/"))
    main = tab.page.locator("main a.button")
    assert main.count() == 1
    with tab.page.expect_navigation():
        main.click()
    assert tab.page.url.endswith("/pijntest/")
    assert not tab.csp_violations()


def test_the_contact_numbers_can_be_tapped(open_tab):
    tab = open_tab(PHONE)
    tab.page.goto(tab.url("/contact/"))
    for number in ("tel:113", "tel:08000113", "tel:112"):
        link = tab.page.locator(f'main a[href="{number}"]')
        assert link.count() >= 1, number
        box = link.first.bounding_box()
        assert box and box["height"] >= 24, f"{number} is {box} high: too small to tap"
    assert tab.page.locator('main a[href^="mailto:"]').count() >= 1
