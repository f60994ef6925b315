"""The installed app without a connection, in a real browser (Playwright, Chromium's offline mode):
the start page and the check-in form come from the service worker's copy for the signed-in
account, a check-in made there is sent exactly once when the connection returns, and signing out
leaves nothing readable of the person on the device (Cache Storage, IndexedDB, localStorage) and
nothing for the next account.
"""

import pytest
from playwright.sync_api import expect

from e2e.conftest import PHONE
from e2e.helpers import assert_accessible, assert_fits_the_screen, preload_axe, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "elke ochtend een rondje om het meer"  # noqa: S105 - a test account
NOOR = "noor@voorbeeld.nl"
SEM = "sem@voorbeeld.nl"
KEPT = "Je check-in is op dit apparaat bewaard en wordt verstuurd zodra je weer verbinding hebt."
SENT = "Je bewaarde check-in is verstuurd."
NOTE = "Alleen voor mij: een slechte nacht gehad"
STORE = "lijfwijs.outbox.v1"


def make_client(email: str, name: str, time_zone: str = "Europe/Amsterdam"):
    from lijfwijs.accounts.models import User
    from lijfwijs.accounts.services import give_health_consent

    user = User.objects.create_user(
        email, PASSWORD, role="client", display_name=name, time_zone=time_zone
    )
    give_health_consent(user)
    return user


@pytest.fixture
def noor(content):
    return make_client(NOOR, "Noor")


@pytest.fixture
def sem(content):
    return make_client(SEM, "Sem")


def controlled(page) -> None:
    """The page is in the service worker's hands (the first visit registers it)."""
    page.evaluate("async () => { await navigator.serviceWorker.ready; }")
    if not page.evaluate("() => Boolean(navigator.serviceWorker.controller)"):
        page.reload()
    page.wait_for_function("() => Boolean(navigator.serviceWorker.controller)")


def kept_pages(page) -> list[dict]:
    """Every HTML page in Cache Storage: {cache, path, account (data-account), body}."""
    return page.evaluate(
        """async () => {
            const out = [];
            for (const name of await caches.keys()) {
                const cache = await caches.open(name);
                for (const request of await cache.keys()) {
                    const response = await cache.match(request);
                    if (!(response.headers.get('Content-Type') || '').includes('text/html')) continue;
                    const body = await response.text();
                    const account = /<script\\b[^>]*\\sdata-account="(\\d+)"/.exec(body);
                    out.push({cache: name, path: new URL(request.url).pathname,
                              account: account ? account[1] : '', body});
                }
            }
            return out;
        }"""
    )


def wait_until_kept(page, path: str, account: str) -> None:
    page.wait_for_function(
        """async ([path, account]) => {
            for (const name of await caches.keys()) {
                if (!name.startsWith('lijfwijs-app-')) continue;
                const kept = await (await caches.open(name)).match(path);
                if (kept && (await kept.text()).includes(`data-account="${account}"`)) return true;
            }
            return false;
        }""",
        arg=[path, account],
    )


def visit_and_keep(tab, path: str, user) -> None:
    page = tab.page
    assert page.goto(tab.url(path)).status == 200
    controlled(page)
    page.reload()  # through the worker now, which keeps it
    wait_until_kept(page, path, str(user.pk))
    # the account's key is on the device before the connection goes
    assert page.evaluate("() => window.lijfwijsOutbox.ready()")


def indexed_db(page) -> dict:
    """{database: {store: number of records}} of every IndexedDB database of the site."""
    return page.evaluate(
        """async () => {
            const out = {};
            for (const {name} of await indexedDB.databases()) {
                const db = await new Promise((ok, fail) => {
                    const open = indexedDB.open(name);
                    open.onsuccess = () => ok(open.result);
                    open.onerror = () => fail(open.error);
                });
                out[name] = {};
                for (const store of db.objectStoreNames) {
                    out[name][store] = await new Promise((ok) => {
                        const count = db.transaction(store).objectStore(store).count();
                        count.onsuccess = () => ok(count.result);
                    });
                }
                db.close();
            }
            return out;
        }"""
    )


def local_storage(page) -> str:
    return page.evaluate("() => JSON.stringify(Object.assign({}, localStorage))")


def field(page, selector: str):
    """A field of the check-in, its "more" section opened if it is in one (as a person would)."""
    locator = page.locator(selector)
    locator.evaluate("el => { const more = el.closest('details'); if (more) more.open = true; }")
    return locator


def fill_check_in(page, pain: int, note: str = "") -> None:
    page.locator(f'label[for="id_pain_{pain}"]').click()
    if note:
        field(page, "#id_note").fill(note)


def save_offline(page, pain: int, note: str = "") -> None:
    fill_check_in(page, pain, note)
    page.context.set_offline(True)
    page.locator("form[data-checkin-form]").get_by_role("button", name="Bewaar", exact=True).click()
    expect(page.locator("[data-outbox-status]")).to_have_text(KEPT)


def press_sign_out(page) -> None:
    """The sign-out button, in the menu where the layout puts it."""
    button = page.locator("form[data-logout] button[type=submit]").first
    if not button.is_visible():
        page.locator("details:has(form[data-logout]) > summary").first.click()
    button.click()


def posts_to(tab, page) -> list[str]:
    posts: list[str] = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    return posts


def test_the_check_in_form_reloads_offline_and_its_check_in_is_sent_once(open_tab, noor):
    from lijfwijs.diary.models import CheckIn

    tab = open_tab(viewport=PHONE)
    sign_in(tab, NOOR, PASSWORD)
    visit_and_keep(tab, "/dagboek/nieuw/", noor)
    page = tab.page

    # no connection: a reload shows the form from the worker's copy, not the browser's error page
    page.context.set_offline(True)
    response = page.reload()
    assert response.from_service_worker and response.status == 200
    expect(page.locator("form[data-checkin-form]")).to_be_visible()
    assert page.locator("script[data-account]").first.get_attribute("data-account") == str(noor.pk)
    assert_fits_the_screen(page)

    posts = posts_to(tab, page)
    save_offline(page, 4, NOTE)
    assert posts == [] and CheckIn.objects.count() == 0
    raw = local_storage(page)
    assert NOTE not in raw and '"fields"' not in raw, "the waiting check-in is not encrypted"
    kept = page.evaluate("() => window.lijfwijsOutbox.items()")
    assert len(kept) == 1 and ["note", NOTE] in kept[0]["fields"]

    # the connection returns: sent once, however often `online` fires
    page.context.set_offline(False)
    page.evaluate(
        "() => { window.dispatchEvent(new Event('online')); "
        "window.dispatchEvent(new Event('online')); }"
    )
    expect(page.locator("[data-outbox-status]")).to_contain_text(SENT)
    page.evaluate(f"() => navigator.locks.request('{STORE}', () => window.lijfwijsOutbox.flush())")
    assert posts == [tab.url("/dagboek/nieuw/")], posts
    checkin = CheckIn.objects.get()
    assert (checkin.pain, checkin.note, checkin.client_key) == (4, NOTE, kept[0]["key"])
    assert page.evaluate("() => window.lijfwijsOutbox.stored()") == []


def test_the_form_takes_the_accounts_day_and_time_and_enter_saves(open_tab, content):
    """Someone in Auckland on a device set to Amsterdam: after an offline save the emptied form has
    the day and time there. Enter in "new tags" keeps the check-in, with what was typed."""
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    from lijfwijs.diary.models import CheckIn, Tag

    user = make_client("kiri@voorbeeld.nl", "Kiri", time_zone="Pacific/Auckland")
    # a check-in yesterday (there), so the form offers "same as yesterday"
    there = datetime.now(ZoneInfo("Pacific/Auckland")) - timedelta(days=1)
    yesterday = CheckIn.objects.create(
        user=user, at=there, day=there.date(), pain=5, state="ventral"
    )
    yesterday.tags.add(Tag.objects.for_user(user).first())
    tab = open_tab(viewport=PHONE)
    tab.page.context.close()  # a context whose clock is in Amsterdam
    context = tab.page.context.browser.new_context(viewport=PHONE, timezone_id="Europe/Amsterdam")
    tab.page = context.new_page()
    try:
        sign_in(tab, "kiri@voorbeeld.nl", PASSWORD)
        visit_and_keep(tab, "/dagboek/nieuw/", user)
        page = tab.page
        page.context.set_offline(True)
        fill_check_in(page, 3)
        expect(page.locator('button[name="copy_yesterday"]')).to_be_visible()
        field(page, "#id_new_tags").fill("treinreis")
        page.locator("#id_new_tags").press("Enter")
        expect(page.locator("[data-outbox-status]")).to_have_text(KEPT)
        kept = page.evaluate("() => window.lijfwijsOutbox.items()")
        assert len(kept) == 1
        fields = kept[0]["fields"]
        assert ["new_tags", "treinreis"] in fields and ["pain", "3"] in fields
        assert not any(name == "copy_yesterday" for name, _ in fields)

        there = datetime.now(ZoneInfo("Pacific/Auckland"))
        day = page.locator('select[name="day"]')
        assert day.input_value() == there.date().isoformat()
        assert day.locator("option").first.get_attribute("value") == there.date().isoformat()
        time = page.locator('input[name="time"]').input_value()
        minutes = int(time[:2]) * 60 + int(time[3:])
        assert abs(minutes - (there.hour * 60 + there.minute)) <= 2, (time, there)
        page.context.set_offline(False)
    finally:
        context.close()


def test_the_start_page_opens_offline_and_other_pages_say_there_is_no_connection(open_tab, noor):
    tab = open_tab(viewport=PHONE)
    preload_axe(tab)  # its pages are checked offline, where axe-core cannot be fetched
    sign_in(tab, NOOR, PASSWORD)
    visit_and_keep(tab, "/", noor)
    page = tab.page

    page.context.set_offline(True)
    response = page.goto(tab.url("/"))
    assert response.from_service_worker and response.status == 200
    expect(page.locator("main h1")).to_contain_text("Noor")  # her own start page
    assert_fits_the_screen(page)
    # signing out needs the server: said, and nothing happens
    press_sign_out(page)
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("Uitloggen kan pas als je weer verbinding hebt")
    assert_accessible(page, "the sign-out question without a connection")
    dialog.get_by_role("button", name="Sluiten").click()
    expect(dialog).to_have_count(0)
    assert page.url == tab.url("/")

    # a page that is not kept: the app's own page, with the way to what is kept for her
    response = page.goto(tab.url("/dagboek/"))
    assert response.status == 503
    expect(page.locator("h1")).to_have_text("Geen verbinding")
    links = page.locator("main ul a")
    expect(links).to_have_count(1)  # the check-in form was not kept on this device
    assert links.get_attribute("href") == "/"
    page.get_by_role("link", name="de startpagina bekijken").click()
    expect(page.locator("main h1")).to_contain_text("Noor")
    page.go_back()
    assert page.get_by_role("link", name="113").first.get_attribute("href") == "tel:113"
    assert_fits_the_screen(page)
    assert_accessible(page, "the no-connection page")
    page.context.set_offline(False)


def test_sign_out_with_a_waiting_check_in_asks_first_and_leaves_nothing_readable(
    open_tab, noor, sem
):
    from lijfwijs.diary.models import CheckIn

    tab = open_tab(viewport=PHONE)
    page = tab.page
    sign_in(tab, NOOR, PASSWORD)
    visit_and_keep(tab, "/", noor)
    visit_and_keep(tab, "/dagboek/nieuw/", noor)
    save_offline(page, 6, NOTE)
    # the connection is back, but the server cannot be reached: the check-in keeps waiting
    page.route("**/dagboek/nieuw/", lambda route: route.abort())
    page.context.set_offline(False)
    page.evaluate("() => window.lijfwijsOutbox.flush()")
    assert len(page.evaluate("() => window.lijfwijsOutbox.stored()")) == 1

    # signing out: asked first
    press_sign_out(page)
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Op dit apparaat wacht nog 1 check-in.")
    expect(dialog.get_by_role("button", name="Eerst versturen, dan uitloggen")).to_be_visible()
    dialog.get_by_role("button", name="Annuleren").click()
    expect(dialog).to_have_count(0)
    assert page.url == tab.url("/dagboek/nieuw/")  # still signed in, nothing lost

    # sign out anyway: the check-in stays, encrypted, and nothing of Noor is readable any more
    press_sign_out(page)
    with page.expect_navigation():
        page.get_by_role("dialog").get_by_role("button", name="Toch uitloggen").click()
    page.unroute("**/dagboek/nieuw/")
    expect(page.locator("script[data-account]")).to_have_count(0)  # signed out
    controlled(page)
    page.wait_for_function(
        """async () => {
            for (const name of await caches.keys())
                if (/^lijfwijs-(app|pages)-/.test(name))
                    for (const request of await (await caches.open(name)).keys())
                        if (!['/', '/en/'].includes(new URL(request.url).pathname)) return false;
            return true;
        }"""
    )
    assert all(p["account"] == "" for p in kept_pages(page)), "a personal page is still kept"
    assert not any(NOTE in p["body"] for p in kept_pages(page))
    assert all(count == 0 for db in indexed_db(page).values() for count in db.values()), indexed_db(
        page
    )
    raw = local_storage(page)
    assert STORE in raw and NOTE not in raw and '"fields"' not in raw
    assert page.evaluate("() => window.lijfwijsOutbox.items()") == []
    assert CheckIn.objects.count() == 0

    # offline now, signed out: the start page is the visitor's, never Noor's
    page.context.set_offline(True)
    page.goto(tab.url("/"))
    assert "Noor" not in page.locator("main").inner_text()
    page.context.set_offline(False)

    # Sem signs in on the same device: none of Noor's pages or check-ins
    sign_in(tab, SEM, PASSWORD)
    visit_and_keep(tab, "/dagboek/nieuw/", sem)
    assert {p["account"] for p in kept_pages(page)} <= {str(sem.pk), ""}
    assert page.evaluate("() => window.lijfwijsOutbox.items()") == []
    expect(page.locator(".outbox-list li")).to_have_count(0)
    page.context.set_offline(True)
    page.goto(tab.url("/"))
    expect(page.locator("main h1")).to_contain_text("Sem")
    assert "Noor" not in page.content()
    page.context.set_offline(False)

    # Noor signs in again: her check-in opens with her key and is sent, once
    page.goto(tab.url("/"))
    with page.expect_navigation():
        press_sign_out(page)  # nothing of Sem's waits: no question
    expect(page.locator("script[data-account]")).to_have_count(0)
    sign_in(tab, NOOR, PASSWORD)
    page.goto(tab.url("/dagboek/"))
    expect(page.locator("[data-outbox-status]")).to_contain_text(SENT)
    page.evaluate(f"() => navigator.locks.request('{STORE}', () => window.lijfwijsOutbox.flush())")
    checkin = CheckIn.objects.get()
    assert (checkin.user, checkin.pain, checkin.note) == (noor, 6, NOTE)


def test_sign_out_sends_what_waits_first_when_asked(open_tab, noor):
    from lijfwijs.diary.models import CheckIn

    tab = open_tab(viewport=PHONE)
    page = tab.page
    sign_in(tab, NOOR, PASSWORD)
    visit_and_keep(tab, "/dagboek/nieuw/", noor)
    save_offline(page, 2)
    page.route("**/dagboek/nieuw/", lambda route: route.abort())
    page.context.set_offline(False)
    press_sign_out(page)
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    assert_accessible(page, "the sign-out question")
    page.unroute("**/dagboek/nieuw/")  # the server answers again
    with page.expect_navigation():
        dialog.get_by_role("button", name="Eerst versturen, dan uitloggen").click()
    expect(page.locator("script[data-account]")).to_have_count(0)  # signed out
    assert CheckIn.objects.filter(user=noor).count() == 1
    assert page.evaluate(f"() => localStorage.getItem('{STORE}')") == "[]"


def test_a_form_kept_from_yesterday_opens_on_today(open_tab, noor):
    """The app opened offline the next morning: the kept form offers today, not the day it was
    kept, with the other days labelled as the server labels them."""
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    tab = open_tab(viewport=PHONE)
    sign_in(tab, NOOR, PASSWORD)
    visit_and_keep(tab, "/dagboek/nieuw/", noor)
    page = tab.page
    options = "() => [...document.querySelectorAll('select[name=day] option')].map(o => [o.value, o.text])"
    served = dict(page.evaluate(options))

    tomorrow = datetime.now(ZoneInfo("Europe/Amsterdam")) + timedelta(days=1)
    page.context.set_offline(True)
    page.clock.set_fixed_time(tomorrow)
    assert page.reload().from_service_worker
    offered = page.evaluate(options)
    days = [(tomorrow.date() - timedelta(days=n)).isoformat() for n in range(len(served))]
    assert [value for value, _ in offered] == days
    assert [text for _, text in offered[:2]] == ["Vandaag", "Gisteren"]
    for value, text in offered[3:]:
        assert text == served[value], (value, text, served[value])
    assert page.locator('select[name="day"]').input_value() == days[0]
    assert page.locator('input[name="time"]').input_value() == f"{tomorrow:%H:%M}"
    page.context.set_offline(False)


def test_a_check_in_kept_before_encryption_is_sealed_and_still_sent(open_tab, noor):
    """What an earlier version kept as plain fields is encrypted on the next page, also one that
    opens offline, and sent once the connection returns."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from lijfwijs.diary.models import CheckIn

    tab = open_tab(viewport=PHONE)
    sign_in(tab, NOOR, PASSWORD)
    visit_and_keep(tab, "/dagboek/nieuw/", noor)
    page = tab.page
    page.context.set_offline(True)
    now = datetime.now(ZoneInfo("Europe/Amsterdam"))
    key = "0b6f3c2e-1d4a-4f5b-9c8d-7e6f5a4b3c2d"
    old = {
        "key": key,
        "kind": "checkin",
        "account": str(noor.pk),
        "url": "/dagboek/nieuw/",
        "done": "/dagboek/",
        "state": "waiting",
        "savedAt": now.isoformat(),
        "fields": [
            ["client_key", key],
            ["pain", "5"],
            ["day", now.date().isoformat()],
            ["time", f"{now:%H:%M}"],
            ["note", NOTE],
        ],
    }
    page.evaluate(f"item => localStorage.setItem('{STORE}', JSON.stringify([item]))", old)
    assert page.reload().from_service_worker
    page.wait_for_function(f"() => !localStorage.getItem('{STORE}').includes('fields')")
    assert NOTE not in local_storage(page)
    expect(page.locator(".outbox-list li")).to_contain_text("pijn 5")  # still listed

    page.context.set_offline(False)
    page.evaluate("() => window.dispatchEvent(new Event('online'))")
    expect(page.locator("[data-outbox-status]")).to_contain_text(SENT)
    page.evaluate(f"() => navigator.locks.request('{STORE}', () => window.lijfwijsOutbox.flush())")
    checkin = CheckIn.objects.get()
    assert (checkin.note, checkin.client_key) == (NOTE, key)
    assert page.evaluate(f"() => localStorage.getItem('{STORE}')") == "[]"


def test_in_english_too(open_tab, noor):
    tab = open_tab(viewport=PHONE, locale="en-GB")
    sign_in(tab, NOOR, PASSWORD)
    visit_and_keep(tab, "/en/", noor)
    page = tab.page
    page.context.set_offline(True)
    assert page.goto(tab.url("/en/")).from_service_worker
    assert page.locator("html").get_attribute("lang") == "en"
    expect(page.locator("main h1")).to_contain_text("Noor")
    press_sign_out(page)
    expect(page.get_by_role("dialog")).to_contain_text("You can sign out once you are connected")
    page.get_by_role("dialog").get_by_role("button", name="Close").click()
    assert page.goto(tab.url("/en/exercises-not-kept/")).status == 503
    expect(page.locator("h1")).to_have_text("No connection")
    assert page.get_by_role("link", name="see the start page").get_attribute("href") == "/en/"
    page.context.set_offline(False)


def test_a_session_that_ended_without_sign_out_leaves_nothing_for_the_next_account(
    open_tab, noor, sem
):
    """Noor's session ends on the server (no sign-out on this device); Sem signs in here."""
    tab = open_tab(viewport=PHONE)
    page = tab.page
    sign_in(tab, NOOR, PASSWORD)
    visit_and_keep(tab, "/", noor)
    visit_and_keep(tab, "/dagboek/nieuw/", noor)
    save_offline(page, 7, NOTE)
    page.context.set_offline(False)
    page.route("**/dagboek/nieuw/", lambda route: route.abort())  # it keeps waiting
    page.context.clear_cookies()  # the session is gone

    sign_in(tab, SEM, PASSWORD)
    page.unroute("**/dagboek/nieuw/")
    visit_and_keep(tab, "/", sem)
    assert {p["account"] for p in kept_pages(page)} <= {str(sem.pk), ""}
    assert indexed_db(page) == {"lijfwijs-outbox": {"keys": 1}}  # Sem's key only
    assert page.evaluate("() => window.lijfwijsOutbox.items()") == []
    assert NOTE not in local_storage(page)
    page.goto(tab.url("/dagboek/"))
    expect(page.locator(".outbox-list li")).to_have_count(0)
    page.context.set_offline(True)
    page.goto(tab.url("/dagboek/nieuw/"))  # Noor's copy was kept, but is not Sem's
    expect(page.locator("h1")).to_have_text("Geen verbinding")
    page.context.set_offline(False)
