"""The daily check-in in a real browser: the body map, and a check-in made without a connection
that is kept on the device and sent once when the connection returns.

The flow runs under the site's real CSP (and checks the browser blocked nothing); axe-core runs in
a second test whose tab bypasses the CSP (see e2e/conftest.py), on a phone-sized screen.
"""

import pytest
from playwright.sync_api import expect

from e2e.conftest import DESKTOP, PHONE
from e2e.helpers import assert_accessible, assert_fits_the_screen, assert_styled, signed_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

EMAIL = "noor@voorbeeld.nl"
PASSWORD = "elke ochtend een rondje om het meer"  # noqa: S105 - a test account
KEPT = "Je check-in is op dit apparaat bewaard en wordt verstuurd zodra je weer verbinding hebt."
SENT = "Je bewaarde check-in is verstuurd."
OUTBOX = "lijfwijs.outbox.v1"


@pytest.fixture
def noor(content):
    from lijfwijs.accounts.models import User
    from lijfwijs.accounts.services import give_health_consent

    user = User.objects.create_user(EMAIL, PASSWORD, role="client", display_name="Noor")
    give_health_consent(user)
    return user


def open_check_in(tab):
    page = tab.page
    assert page.goto(tab.url("/dagboek/nieuw/")).status == 200
    page.locator("details.regions > summary").click()
    return page


def choose_pain(page, value: int) -> None:
    page.locator(f'label[for="id_pain_{value}"]').click()


def tap_zone(page, region: str) -> None:
    """A tap on the (first) shape of a zone; a pair of legs has a gap in the middle."""
    page.locator(f'[data-body-map] [data-region="{region}"] > :not(title)').first.click()


def zone_classes(page, region: str) -> str:
    return page.locator(f'[data-body-map] [data-region="{region}"]').get_attribute("class")


def stored(page) -> list[dict]:
    """The outbox as this device stores it."""
    return page.evaluate(f"() => JSON.parse(localStorage.getItem('{OUTBOX}') || '[]')")


def outbox(page) -> list[dict]:
    """The signed-in account's kept items, opened with its key (outbox.js)."""
    items = page.evaluate("() => window.lijfwijsOutbox.items()")
    assert len(items) == len(stored(page))
    assert not any("fields" in item for item in stored(page)), "a kept item is not encrypted"
    return items


def save_button(page):
    return page.locator("form[data-checkin-form]").get_by_role("button", name="Bewaar", exact=True)


def test_a_check_in_with_the_body_map_and_one_made_offline(open_tab, noor):
    from lijfwijs.diary.models import CheckIn

    tab = open_tab(viewport=DESKTOP)
    signed_in(tab, EMAIL)
    page = open_check_in(tab)
    assert_styled(page)
    scope = page.evaluate("async () => (await navigator.serviceWorker.ready).scope")
    assert scope == tab.url("/"), f"the service worker's scope is {scope}"

    # 1. online: a tap on the lower back switches it on and puts the focus on its slider
    choose_pain(page, 6)
    tap_zone(page, "lower_back")
    toggle = page.get_by_role("checkbox", name="Onderrug: pijn hier")
    slider = page.get_by_role("slider", name="Onderrug: hoeveel pijn, van 0 tot 10")
    expect(toggle).to_be_checked()
    expect(slider).to_be_focused()
    expect(slider).to_have_value("6")  # starts at the overall pain
    page.keyboard.press("ArrowRight")
    expect(slider).to_have_value("7")
    assert "zone-p7" in zone_classes(page, "lower_back")
    expect(page.get_by_role("slider", name="Nek: hoeveel pijn, van 0 tot 10")).to_be_hidden()
    with page.expect_navigation() as nav:
        save_button(page).click()
    assert nav.value.status == 200 and page.url == tab.url("/dagboek/")
    expect(page.locator("main .messages")).to_contain_text("Je check-in is bewaard.")
    expect(page.locator("main table tbody tr")).to_have_count(1)
    first = CheckIn.objects.get()
    assert (first.pain, first.region_pain) == (6, {"lower_back": 7})
    assert first.client_key, "the form was sent without its client_key"

    # 2. without a connection: kept on the device, nothing reaches the server
    page = open_check_in(tab)
    posts: list[str] = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    choose_pain(page, 3)
    tap_zone(page, "neck")
    page.keyboard.press("ArrowLeft")  # 3 -> 2
    tab.page.context.set_offline(True)
    save_button(page).click()
    status = page.locator("[data-outbox-status]")
    expect(status).to_have_text(KEPT)
    assert status.get_attribute("role") == "status"
    assert page.url == tab.url("/dagboek/nieuw/")
    waiting = page.locator(".outbox-list li")
    expect(waiting).to_have_count(1)
    expect(waiting).to_contain_text("wacht op verbinding")
    expect(waiting).to_contain_text("pijn 3")
    kept = outbox(page)
    assert len(kept) == 1 and kept[0]["state"] == "waiting"
    assert ["region_neck", "2"] in kept[0]["fields"]
    assert posts == [] and CheckIn.objects.count() == 1
    # the form is empty for the next check-in, with a new key
    assert page.locator('input[name="pain"]:checked').count() == 0
    assert page.locator('input[name="client_key"]').input_value() != kept[0]["key"]

    # 3. the connection returns: sent once, even though `online` fires three times
    tab.page.context.set_offline(False)
    page.evaluate(
        "() => { window.dispatchEvent(new Event('online')); "
        "window.dispatchEvent(new Event('online')); }"
    )
    expect(status).to_contain_text(SENT)
    expect(waiting).to_have_count(0)
    assert outbox(page) == []
    page.evaluate("() => window.dispatchEvent(new Event('online'))")
    page.evaluate("() => window.lijfwijsOutbox.flush()")  # the round it may start, finished
    assert posts == [tab.url("/dagboek/nieuw/")], posts
    assert CheckIn.objects.count() == 2
    second = CheckIn.objects.exclude(pk=first.pk).get()
    assert (second.pain, second.region_pain, second.client_key) == (3, {"neck": 2}, kept[0]["key"])

    page.goto(tab.url("/dagboek/"))
    expect(page.locator("main table tbody tr")).to_have_count(2)
    assert tab.csp_violations() == [], tab.csp_violations()
    assert tab.requests and tab.foreign_requests() == [], tab.foreign_requests()
    assert tab.broken == [], tab.broken


def test_the_check_in_page_is_accessible_on_a_phone(open_tab, noor):
    tab = open_tab(viewport=PHONE)
    signed_in(tab, EMAIL)
    page = open_check_in(tab)
    assert_fits_the_screen(page)
    assert_accessible(page, "the check-in page")
    choose_pain(page, 4)
    tap_zone(page, "leg_above_knee")
    page.get_by_label("Schouders: pijn hier").check()  # the keyboard way: the list, not the map
    expect(page.get_by_role("slider", name="Schouders: hoeveel pijn, van 0 tot 10")).to_be_visible()
    assert_fits_the_screen(page)
    assert_accessible(page, "the check-in page with regions switched on")
    page.context.set_offline(True)
    save_button(page).click()
    expect(page.locator("[data-outbox-status]")).to_have_text(KEPT)
    assert_fits_the_screen(page)
    assert_accessible(page, "the check-in page with a check-in waiting")
    page.context.set_offline(False)


def test_a_kept_check_in_the_server_refuses_goes_back_in_the_form(open_tab, noor):
    from lijfwijs.diary.models import CheckIn

    tab = open_tab(viewport=DESKTOP)
    signed_in(tab, EMAIL)
    page = open_check_in(tab)
    choose_pain(page, 5)
    tap_zone(page, "shoulders")
    page.context.set_offline(True)
    save_button(page).click()
    expect(page.locator("[data-outbox-status]")).to_have_text(KEPT)
    key = outbox(page)[0]["key"]
    # while it waited, its day slipped out of the last week
    page.evaluate(
        """async () => {
            const [item] = await window.lijfwijsOutbox.items();
            const fields = item.fields.map(([k, v]) => [k, k === 'day' ? '2000-01-01' : v]);
            await window.lijfwijsOutbox.keep('checkin', {...item, fields});
        }"""
    )
    page.context.set_offline(False)
    expect(page.locator("[data-outbox-status]")).to_contain_text("niet aangenomen")
    waiting = page.locator(".outbox-list li")
    expect(waiting).to_contain_text("niet aangenomen")
    assert outbox(page)[0]["state"] == "rejected" and CheckIn.objects.count() == 0

    # the other diary pages list it too (putting it back is done on the check-in page)
    page.goto(tab.url("/dagboek/"))
    expect(waiting).to_contain_text("niet aangenomen")
    expect(waiting.get_by_role("button")).to_have_count(1)  # "Weggooien"
    page = open_check_in(tab)
    waiting.get_by_role("button", name="Terugzetten in het formulier").click()
    expect(page.locator("#id_pain_5")).to_be_checked()
    expect(page.get_by_role("checkbox", name="Schouders: pijn hier")).to_be_checked()
    assert page.locator('input[name="client_key"]').input_value() == key
    assert page.get_by_label("Dag").input_value() == ""  # that day is no longer on offer
    page.get_by_label("Dag").select_option(index=0)
    with page.expect_navigation():
        save_button(page).click()
    assert page.url == tab.url("/dagboek/")
    checkin = CheckIn.objects.get()
    assert (checkin.client_key, checkin.region_pain) == (key, {"shoulders": 5})
    assert outbox(page) == []
    assert tab.csp_violations() == [], tab.csp_violations()
