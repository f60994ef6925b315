"""The navigation and the design system in a real browser, at a phone's width (390 px) and a
desktop's (1280 px): nothing scrolls sideways, the phone's header stays small, the signed-in
tab bar sits at the bottom and is reachable by keyboard, the current page is marked, the menus
open without JavaScript tricks (a details element), and axe finds nothing serious or critical,
also with a menu open and on the style guide that shows every component."""

import pytest

from e2e.conftest import DESKTOP, PHONE
from e2e.helpers import (
    assert_accessible,
    assert_fits_the_screen,
    assert_stays_on_the_server,
    assert_styled,
    signed_in,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

EMAIL = "lotte@voorbeeld.nl"
PASSWORD = "zachtjes ademen op het balkon"  # noqa: S105 - a test account
WIDTHS = [pytest.param(PHONE, id="phone"), pytest.param(DESKTOP, id="desktop")]
PHONE_HEADER_MAX = 64


@pytest.fixture
def lotte(content):
    """A client with three weeks of check-ins, some with tags."""
    import datetime

    from django.utils import timezone

    from lijfwijs.accounts.models import User
    from lijfwijs.accounts.services import give_health_consent
    from lijfwijs.diary.models import CheckIn, Tag

    user = User.objects.create_user(EMAIL, PASSWORD, role="client", display_name="Lotte")
    give_health_consent(user)
    tags = list(Tag.objects.filter(user=None)[:3])
    now = timezone.now()
    for n in range(21):
        at = now - datetime.timedelta(days=n, hours=2)
        checkin = CheckIn.objects.create(
            user=user, at=at, day=at.date(), pain=(n * 3) % 11, stress=(n * 5) % 11, sleep=6
        )
        if tags:
            checkin.tags.add(tags[n % len(tags)])
    return user


def header_height(page) -> float:
    return page.evaluate("() => document.querySelector('header.site-header').offsetHeight")


def check_page(page, what: str, viewport: dict[str, int]) -> None:
    assert_styled(page)
    assert_fits_the_screen(page)
    if viewport is PHONE:
        height = header_height(page)
        assert height <= PHONE_HEADER_MAX, f"the header of {what} is {height}px high on a phone"
    assert_accessible(page, what)


def open_menu(page):
    """Open the header's menu (details) by its summary and return the list of links."""
    summary = page.locator("header details.menu > summary:visible")
    assert summary.count() == 1
    summary.click()
    menu = page.locator("header details.menu[open] .menu-list")
    assert menu.is_visible()
    return menu


@pytest.mark.parametrize("viewport", WIDTHS)
def test_a_visitor_s_pages(open_tab, content, viewport):
    tab = open_tab(viewport=viewport)
    page = tab.page
    for path in ("/", "/oefeningen/", "/kennisbank/"):
        assert page.goto(tab.url(path)).status == 200
        check_page(page, path, viewport)
        # the Pijntest is the one main action in the header
        action = page.locator("header a.header-action")
        assert action.is_visible() and action.get_attribute("href") == "/pijntest/"
        assert page.locator(".site-nav").count() == 0  # no tab bar for visitors
    # the current section is marked where it can be seen
    current = page.locator('header nav a[aria-current="page"]:visible')
    if viewport is PHONE:
        assert current.count() == 0  # inside the closed menu
        menu = open_menu(page)
        assert_fits_the_screen(page)
        assert_accessible(page, "the visitor's menu, open")
        assert menu.locator('a[aria-current="page"]').inner_text().strip() == "Kennisbank"
        assert menu.get_by_role("link", name="Inloggen").is_visible()
    else:
        assert current.inner_text().strip() == "Kennisbank"
        # one header row: every link on the same line as the brand
        tops = page.evaluate(
            """() => [...document.querySelectorAll('header .brand, header .nav-links a, header .header-action')]
                .map(e => Math.round(e.getBoundingClientRect().top + e.offsetHeight / 2))"""
        )
        assert max(tops) - min(tops) <= 4, tops
    assert_stays_on_the_server(tab)


@pytest.mark.parametrize("viewport", WIDTHS)
def test_a_client_s_navigation(open_tab, lotte, viewport):
    tab = open_tab(viewport=viewport)
    signed_in(tab, EMAIL)
    page = tab.page
    for path, label in (("/", "Vandaag"), ("/oefeningen/", "Oefeningen"), ("/dagboek/", "Dagboek")):
        assert page.goto(tab.url(path)).status == 200
        check_page(page, path, viewport)
        current = page.locator('nav.site-nav a[aria-current="page"]:visible')
        assert current.count() == 1 and current.inner_text().strip() == label
    tabs = page.locator("nav.site-nav .tabs > li:visible > a.tab, nav.site-nav .tabs summary.tab")
    names = [t.strip() for t in tabs.all_inner_texts()]
    bar = page.evaluate(
        """() => { const r = document.querySelector('nav.site-nav').getBoundingClientRect();
                   return {top: r.top, bottom: r.bottom, height: r.height, fixed:
                   getComputedStyle(document.querySelector('nav.site-nav')).position === 'fixed'}; }"""
    )
    if viewport is PHONE:
        assert names == ["Vandaag", "Dagboek", "Oefeningen", "Programma", "Meer"], names
        # the tab bar sits at the bottom of the screen, and every tab is big enough to tap
        assert bar["fixed"] and bar["bottom"] == PHONE["height"], bar
        for box in (t.bounding_box() for t in tabs.all()):
            assert box["height"] >= 44 and box["width"] >= 44, box
        # the end of the page is not hidden behind it
        page.evaluate("() => window.scrollTo(0, document.documentElement.scrollHeight)")
        last = page.locator("footer .footer-nav a").last.bounding_box()
        assert last["y"] + last["height"] <= bar["top"], (last, bar)
    else:
        assert names == ["Vandaag", "Dagboek", "Oefeningen", "Programma", "Kennisbank", "Meer"]
        assert not bar["fixed"] and bar["top"] < 80, bar
    # the menu closes with Escape (focus back on its summary) and with a tap outside it
    open_menu(page)
    page.keyboard.press("Escape")
    assert page.locator("header details.menu[open]").count() == 0
    open_menu(page)
    page.locator("main h1").click()
    assert page.locator("header details.menu[open]").count() == 0
    # "Meer": the Pijntest, the knowledge base (on a phone), the account, language, sign out
    menu = open_menu(page)
    assert_fits_the_screen(page)
    assert_accessible(page, "the client's menu, open")
    for name in ("Pijntest", "Mijn account", "English"):
        assert menu.get_by_role("link", name=name).is_visible()
    assert menu.get_by_role("link", name="Kennisbank").is_visible() == (viewport is PHONE)
    logout = menu.get_by_role("button", name="Uitloggen")
    assert logout.is_visible()
    box = logout.bounding_box()
    assert 0 <= box["y"] and box["y"] + box["height"] <= viewport["height"], box
    with page.expect_navigation():
        logout.click()
    assert page.locator("header a.header-action").is_visible()  # signed out: a visitor again
    assert_stays_on_the_server(tab)


def test_the_tab_bar_is_reachable_by_keyboard(open_tab, lotte):
    tab = open_tab(viewport=PHONE)
    signed_in(tab, EMAIL)
    page = tab.page
    assert page.goto(tab.url("/")).status == 200

    def focused() -> str:
        return page.evaluate(
            "() => (document.activeElement.innerText || '').trim()"
            " + '|' + (document.activeElement.className || '')"
        )

    seen = []
    for _ in range(6):  # the skip link, the brand, then the tabs
        page.keyboard.press("Tab")
        seen.append(focused())
        if seen[-1].startswith("Dagboek|"):
            break
    assert seen[-1] == "Dagboek|tab", seen
    # the focused tab shows a focus ring and is on the screen
    ring = page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, parseFloat(s.outlineWidth)]; }"
    )
    assert ring[0] != "none" and ring[1] >= 3, ring
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == tab.url("/dagboek/")
    # on to "Meer", open it with Enter, and reach sign-out with Tab
    page.locator("nav.site-nav summary.tab").focus()
    page.keyboard.press("Enter")
    assert page.locator("nav.site-nav details.menu[open]").count() == 1
    for _ in range(8):
        page.keyboard.press("Tab")
        if focused().startswith("Uitloggen"):
            break
    assert focused().startswith("Uitloggen"), focused()
    assert not tab.csp_violations(), tab.csp_violations()  # this tab runs under the real CSP


@pytest.mark.parametrize("viewport", WIDTHS)
def test_the_style_guide_shows_every_component_accessibly(open_tab, content, settings, viewport):
    settings.DEBUG = True  # the style guide is for DEBUG or staff
    tab = open_tab(viewport=viewport)
    page = tab.page
    for path in ("/stijl/", "/en/stijl/"):
        assert page.goto(tab.url(path)).status == 200
        assert_styled(page)
        assert_fits_the_screen(page)
        assert_accessible(page, f"the style guide {path}")
    # the 0-10 scale: one row on a desktop, 6 + 5 on a phone; every tile big enough to tap
    tiles = page.locator(".scale11 .choice span")
    rows = {round(t.bounding_box()["y"]) for t in tiles.all()}
    assert tiles.count() == 11 and len(rows) == (2 if viewport is PHONE else 1), rows
    assert all(t.bounding_box()["height"] >= 44 for t in tiles.all())
    # a tap chooses, and the choice shows
    page.locator('label[for="sg-pain-7"]').click()
    assert page.locator("#sg-pain-7").is_checked()
    colours = page.evaluate(
        "() => [getComputedStyle(document.querySelector('label[for=sg-pain-7] span')).backgroundColor,"
        " getComputedStyle(document.querySelector('label[for=sg-pain-6] span')).backgroundColor]"
    )
    assert colours[0] != colours[1], colours
    # the footer's crisis lines are big enough to tap
    for call in page.locator("footer a[href^='tel:']").all():
        assert call.bounding_box()["height"] >= 44
    assert_stays_on_the_server(tab)
