"""The exercise players in a real browser, on Playwright's controllable clock.

The pacer's phases are computed from the clock: after ten rounds of 4-7-8 (an own pattern; the
built-in one stops at 8) every phase change is still within 50 ms of where it belongs, and a big
jump of the clock (a tab in the background) shows the right phase at once. Every player kind is
played with the keyboard alone; axe checks a player in each of its stages. A shaking session with
tension before and after is saved and shows up in "what calms me". A player opened once works
without a connection, and a session finished offline is sent once when the connection returns.
"""

import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from e2e.conftest import PHONE
from e2e.helpers import assert_accessible, assert_fits_the_screen, assert_styled, sign_in, signed_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

EMAIL = "sanne@voorbeeld.nl"
PASSWORD = "iedere avond even rustig ademen"  # noqa: S105 - a test account
START = datetime.now(UTC).replace(microsecond=0)  # the server checks started_at against its own day
LEAD_IN = 5_000  # the built-in 4-7-8 starts with one out-breath of 5 s
ROUND_478 = [(4_000, "Adem in door je neus"), (7_000, "Houd je adem zacht vast"), (8_000, "Adem lang uit door je mond")]  # fmt: skip
OWN_478 = [(4_000, "Adem in"), (7_000, "Houd vast"), (8_000, "Adem uit")]
STORE = "lijfwijs.outbox.v1"  # the one outbox (core/outbox.js)


@pytest.fixture
def sanne(content):
    from lijfwijs.accounts.models import User
    from lijfwijs.accounts.services import give_health_consent

    user = User.objects.create_user(EMAIL, PASSWORD, role="client", display_name="Sanne")
    give_health_consent(user)
    return user


class Player:
    """A player page on a paused fake clock; `to(ms)` moves the clock to ms after Start."""

    def __init__(self, tab, path: str) -> None:
        self.page = tab.page
        self.page.clock.install(time=START)
        response = self.page.goto(tab.url(path))
        assert response.status == 200, path
        self.page.clock.pause_at(START + timedelta(minutes=1))
        self.now = self.page.locator("[data-now]")
        self.live = self.page.locator("[data-live]")
        self.count = self.page.locator("[data-count]")
        self.where = self.page.locator("[data-where]")
        self.elapsed = 0
        expect(self.page.locator('[data-stage="intro"]')).to_be_visible()

    def start(self) -> None:
        self.page.get_by_role("button", name="Start", exact=True).click()
        expect(self.page.locator('[data-stage="run"]')).to_be_visible()
        self.elapsed = 0

    def to(self, ms: int) -> None:
        assert ms >= self.elapsed
        self.page.clock.run_for(ms - self.elapsed)
        self.elapsed = ms

    def jump(self, ms: int) -> None:
        """Like a tab in the background: the clock jumps, each due timer fires at most once."""
        self.page.clock.fast_forward(ms)
        self.elapsed += ms

    def shows(self, text: str) -> None:
        expect(self.now).to_have_text(text)


def check_rounds(player: Player, rounds: list[tuple[int, str]], cycles: int, offset: int) -> None:
    """Every phase change lands within 50 ms of its moment: just before it the old phase shows,
    just after it the new one, and the screen reader hears it."""
    t = offset
    for n in range(1, cycles + 1):
        for length, words in rounds:
            player.to(t + 50)
            player.shows(words)
            expect(player.live).to_have_text(f"{words}, {length // 1000} seconden")
            if words == rounds[0][1]:
                expect(player.where).to_contain_text(f"Ronde {n} van {cycles}")
            t += length
            player.to(t - 50)
            player.shows(words)
    player.to(t + 50)


def test_the_478_pacer_keeps_time_and_stops_at_eight_rounds(open_tab, content):
    tab = open_tab(viewport=PHONE)
    player = Player(tab, "/oefeningen/4-7-8-ademhaling/oefenen/")
    page = player.page
    assert_styled(page)
    options = page.locator("#setup-cycles option")
    expect(options).to_have_count(8)  # 1 to 8: the catalog's most
    expect(page.locator("#setup-cycles")).to_have_value("4")
    expect(page.locator('[data-stage="intro"]')).to_contain_text("Doe niet meer dan 8 rondes")
    expect(page.locator('[data-stage="intro"]')).to_contain_text("Je mag op elk moment stoppen.")
    page.locator("#setup-cycles").select_option("8")
    player.start()
    expect(page.get_by_role("button", name="Pauze")).to_be_focused()
    player.shows("Adem eerst rustig helemaal uit")
    expect(player.where).to_contain_text("Eerst even voorbereiden")
    player.to(LEAD_IN - 50)
    player.shows("Adem eerst rustig helemaal uit")
    check_rounds(player, ROUND_478, 8, LEAD_IN)
    expect(page.locator('[data-stage="after"]')).to_be_visible()
    expect(page.locator("[data-after-heading]")).to_have_text("Klaar")
    expect(page.locator("[data-after-heading]")).to_be_focused()
    expect(page.locator("[data-done]")).to_have_text(
        "Je hebt 2 minuten en 37 seconden geoefend."  # 5 + 8 x 19 s
    )
    assert_fits_the_screen(page)
    assert tab.csp_violations() == [], tab.csp_violations()
    assert tab.broken == [], tab.broken


def test_eight_rounds_of_an_own_4_7_8_land_within_100_ms(open_tab, sanne):
    from lijfwijs.exercises.models import BreathingPattern, Exercise

    pattern = BreathingPattern.objects.create(
        user=sanne,
        base=Exercise.objects.get(slug="4-7-8-ademhaling"),
        name="Acht rondes",
        phases=[
            {"phase": "inhale", "seconds": 4},
            {"phase": "hold", "seconds": 7},
            {"phase": "exhale", "seconds": 8},
        ],
        cycles=8,  # the most a rhythm with a hold may have
    )
    tab = open_tab()
    signed_in(tab, EMAIL)
    player = Player(tab, f"/oefeningen/mijn-ritmes/{pattern.pk}/oefenen/")
    expect(player.page.locator("#setup-cycles")).to_have_value("8")
    player.start()
    check_rounds(player, OWN_478, 8, 0)  # 8 x 19 s = 152 s, each change within 50 ms
    expect(player.page.locator("[data-after-heading]")).to_have_text("Klaar")
    expect(player.page.locator("[data-done]")).to_have_text(
        "Je hebt 2 minuten en 32 seconden geoefend."
    )


def test_big_clock_jumps_and_pauses_show_the_right_phase(open_tab, content):
    tab = open_tab()
    player = Player(tab, "/oefeningen/box-ademhaling/oefenen/")  # rounds of 4-4-4-4
    page = player.page
    page.locator("#setup-cycles").select_option("8")  # the most with breath holds: 128 s
    player.start()
    player.shows("Adem in")
    expect(player.count).to_have_text("4")
    player.to(1_200)
    expect(player.count).to_have_text("3")
    # a minute in the background: 61.2 s in, round 4 (48-64 s), its last phase (60-64 s)
    player.jump(60_000)
    player.shows("Wacht met lege longen")
    expect(player.where).to_have_text("Ronde 4 van 8 · nog 1:07")
    expect(player.count).to_have_text("3")  # 2.8 s of this pause to go
    # pause: the clock runs on, the player does not
    page.get_by_role("button", name="Pauze").click()
    expect(player.live).to_have_text("Gepauzeerd. Druk op Verder om door te gaan.")
    player.jump(45_000)
    player.to(player.elapsed + 30_000)
    player.shows("Wacht met lege longen")
    expect(player.where).to_have_text("Ronde 4 van 8 · nog 1:07")
    page.get_by_role("button", name="Verder").click()
    expect(page.get_by_role("button", name="Pauze")).to_be_focused()
    player.to(player.elapsed + 2_750)  # 63.95 s of practice
    player.shows("Wacht met lege longen")
    player.to(player.elapsed + 100)  # 64.05 s
    player.shows("Adem in")
    expect(player.where).to_have_text("Ronde 5 van 8 · nog 1:04")
    # a long jump past the end finishes the session with the time it took, not more
    player.jump(10 * 60_000)
    expect(page.locator("[data-after-heading]")).to_have_text("Klaar")
    expect(page.locator("[data-done]")).to_have_text("Je hebt 2 minuten en 8 seconden geoefend.")


def test_stopping_early_tells_how_long_it_was(open_tab, content):
    tab = open_tab()
    player = Player(tab, "/oefeningen/rustig-ademen/oefenen/")
    page = player.page
    page.locator("#setup-tempo").select_option("5.0")
    page.locator("#setup-minutes").select_option("6")
    player.start()
    expect(player.where).to_have_text("Ronde 1 van 36 · nog 6:00")  # 6 minutes of 10 s rounds
    player.shows("Adem rustig in")
    player.to(5_050)
    player.shows("Adem rustig uit")
    expect(player.live).to_have_text("Adem rustig uit, 5 seconden")
    player.to(83_000)
    page.get_by_role("button", name="Stop").click()
    expect(page.locator("[data-after-heading]")).to_have_text("Gestopt")
    expect(page.locator("[data-done]")).to_have_text(
        "Je bent gestopt na 1 minuut en 23 seconden. Dat is helemaal goed."
    )
    # the anonymous visitor is invited to sign in; nothing is sent
    link = page.locator('[data-stage="after"] a', has_text="Log in")
    expect(link).to_have_attribute(
        "href", "/account/inloggen/?next=%2Foefeningen%2Frustig-ademen%2Foefenen%2F"
    )


def test_the_sigh_fills_the_circle_with_two_inhales(open_tab, content):
    tab = open_tab()
    player = Player(tab, "/oefeningen/fysiologische-zucht/oefenen/")
    player.start()
    scale = player.page.locator("[data-breath]")

    def size() -> float:
        return float(scale.evaluate("el => getComputedStyle(el).getPropertyValue('--breath')") or 0)

    player.to(1_990)
    first = size()
    player.shows("Adem in door je neus")
    player.to(2_990)
    player.shows("Nog een teugje erbovenop")
    second = size()
    player.to(8_990)
    player.shows("Adem lang uit door je mond")
    last = size()
    assert 0.55 < first < second <= 1.0 and last < 0.6, (first, second, last)


def test_reduced_motion_keeps_the_circle_still(open_tab, content):
    tab = open_tab()
    tab.page.emulate_media(reduced_motion="reduce")
    player = Player(tab, "/oefeningen/box-ademhaling/oefenen/")
    player.start()
    circle = player.page.locator(".breath-circle")
    before = circle.evaluate("el => getComputedStyle(el).transform")
    player.to(2_000)
    player.shows("Adem in")
    assert circle.evaluate("el => getComputedStyle(el).transform") == before
    assert circle.evaluate("el => getComputedStyle(el).transitionDuration") in ("0s", "0s, 0s")


# --- The keyboard alone --------------------------------------------------------------------------


def tab_to(page, selector: str, most: int = 60) -> list[str]:
    """Press Tab until `selector` has the focus; returns what had the focus on the way."""
    seen = []
    for _ in range(most):
        page.keyboard.press("Tab")
        here = page.evaluate(
            "() => { const e = document.activeElement; return (e.id || e.dataset.option || "
            "e.textContent || '').trim().slice(0, 40) }"
        )
        seen.append(here)
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return seen
    raise AssertionError(f"Tab never reached {selector}; it went {seen}")


def focus_ring(page) -> str:
    """The outline of what has the focus (a radio's label: the radio itself is hidden)."""
    return page.evaluate(
        """() => { let e = document.activeElement;
           if (e.type === 'radio') e = document.querySelector(`label[for="${e.id}"]`);
           return getComputedStyle(e).outlineStyle; }"""
    )


@pytest.mark.parametrize(
    ("path", "setting", "running"),
    [
        (
            "/oefeningen/4-7-8-ademhaling/oefenen/",
            "#setup-cycles",
            "Adem eerst rustig helemaal uit",
        ),
        (
            "/oefeningen/niets-doen/oefenen/",
            "#setup-minutes",
            "Leg alles weg. Je hoeft nu even niets.",
        ),
        ("/oefeningen/vuist-contrast/oefenen/", None, "Ga zitten of liggen en leg beide handen"),
    ],
)
def test_every_player_kind_works_with_the_keyboard_alone(open_tab, content, path, setting, running):
    tab = open_tab()
    player = Player(tab, path)
    page = player.page
    if setting:
        order = tab_to(page, setting)
        page.keyboard.press("ArrowDown")  # one more round or minute
    order = tab_to(page, "#tension_before-0")
    assert focus_ring(page) != "none"
    for _ in range(6):
        page.keyboard.press("ArrowRight")
    expect(page.locator("#tension_before-6")).to_be_checked()
    order = tab_to(page, "[data-start]")
    assert "opt-sound" in " ".join(order) or "sound" in order, (
        order
    )  # the options come before Start
    assert focus_ring(page) != "none"
    page.keyboard.press("Enter")
    expect(page.locator('[data-stage="run"]')).to_be_visible()
    pause = page.locator("[data-pause]")
    expect(pause).to_be_focused()
    expect(player.now).to_contain_text(running)
    page.keyboard.press("Space")
    expect(pause).to_have_text("Verder")
    page.keyboard.press("Space")
    expect(pause).to_have_text("Pauze")
    if "vuist" in path:
        tab_to(page, "[data-next]")
        page.keyboard.press("Enter")
        expect(player.now).to_contain_text("Maak met je rechterhand een stevige vuist")
        expect(player.where).to_contain_text("Stap 2 van 8")
    player.to(3_000)
    tab_to(page, "[data-stop]")
    page.keyboard.press("Enter")
    heading = page.locator("[data-after-heading]")
    expect(heading).to_be_focused()
    expect(heading).to_have_text("Gestopt")
    tab_to(page, "#tension_after-0")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    expect(page.locator("#tension_after-2")).to_be_checked()
    expect(page.locator("[data-compare]")).to_have_text("Vooraf 6, nu 2.")
    tab_to(page, "[data-again]")
    page.keyboard.press("Enter")
    expect(page.locator("[data-start]")).to_be_focused()
    assert tab.csp_violations() == [], tab.csp_violations()


# --- axe -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/oefeningen/4-7-8-ademhaling/oefenen/", "/oefeningen/schudden/oefenen/", "/oefeningen/bodyscan/oefenen/"])  # fmt: skip
def test_a_player_is_accessible_in_every_stage(open_tab, content, path):
    tab = open_tab(viewport=PHONE)
    player = Player(tab, path)
    page = player.page
    page.clock.resume()  # axe waits on timers of its own
    assert_accessible(page, "a player before starting")
    assert_fits_the_screen(page)
    page.locator('label[for="tension_before-4"]').click()
    page.clock.pause_at(START + timedelta(minutes=2))
    player.start()
    player.to(4_500)
    page.clock.resume()
    assert_accessible(page, "a running player")
    assert_fits_the_screen(page)
    page.get_by_role("button", name="Pauze").click()
    assert_accessible(page, "a paused player")
    page.get_by_role("button", name="Stop").click()
    page.locator('label[for="tension_after-2"]').click()
    assert_accessible(page, "a player after practising")
    assert_fits_the_screen(page)


def test_the_english_player_speaks_english(open_tab, content):
    tab = open_tab(locale="en-GB")
    player = Player(tab, "/en/oefeningen/schudden/oefenen/")
    player.start()
    player.shows("Start with your hands.")
    player.to(30_050)
    player.shows("Now your arms and shoulders.")
    expect(player.live).to_have_text("Now your arms and shoulders.")
    expect(player.count).to_have_text("1:30")


def test_cues_of_a_timer_come_on_time(open_tab, content):
    tab = open_tab()
    player = Player(tab, "/oefeningen/gronden/oefenen/")
    player.start()
    expected = [
        (15_000, "Noem 5 dingen die je ziet"),
        (55_000, "Noem 4 dingen die je voelt"),
        (90_000, "Noem 3 dingen die je hoort"),
        (120_000, "Noem 2 dingen die je ruikt"),
        (145_000, "Noem 1 ding dat je proeft"),
    ]
    for at, words in expected:
        player.to(at - 50)
        expect(player.now).not_to_contain_text(words)
        player.to(at + 50)
        expect(player.now).to_contain_text(words)
        expect(player.live).to_contain_text(words)
    player.to(180_050)
    expect(player.page.locator("[data-after-heading]")).to_have_text("Klaar")
    expect(player.live).to_contain_text("Klaar. Je bent hier, in deze ruimte.")


def test_speech_is_off_until_chosen_and_then_reads_the_cues(open_tab, content):
    tab = open_tab()
    tab.page.add_init_script(
        """window.__spoken = [];
           window.speechSynthesis.speak = (u) => window.__spoken.push([u.text, u.lang]);"""
    )
    player = Player(tab, "/oefeningen/schudden/oefenen/")
    page = player.page
    player.start()
    player.to(30_050)
    assert page.evaluate("() => window.__spoken") == []
    page.get_by_role("button", name="Stop").click()
    page.get_by_role("button", name="Nog een keer").click()
    page.get_by_label("Aanwijzingen hardop laten voorlezen").check()
    player.start()
    player.to(30_050)
    assert page.evaluate("() => window.__spoken") == [
        ["Begin met je handen.", "nl-NL"],
        ["Nu je armen en schouders.", "nl-NL"],
    ]


def test_save_as_own_pattern_takes_the_chosen_rhythm_along(open_tab, sanne):
    tab = open_tab()
    signed_in(tab, EMAIL)
    page = tab.page
    page.goto(tab.url("/oefeningen/rustig-ademen/oefenen/"))
    page.locator("#setup-tempo").select_option("6.0")
    page.locator("#setup-minutes").select_option("10")
    with page.expect_navigation():
        page.get_by_role("link", name="Bewaar als mijn eigen ritme").click()
    assert re.search(r"inhale=6(\.0)?&", page.url) and "cycles=50" in page.url
    expect(page.get_by_label("Naam", exact=True)).to_have_value("Rustig ademen, mijn ritme")
    expect(page.get_by_label("Inademen", exact=True)).to_have_value("6")
    expect(page.get_by_label("Uitademen", exact=True)).to_have_value("6")
    expect(page.get_by_label("Rondes", exact=True)).to_have_value("50")
    with page.expect_navigation():
        page.get_by_role("button", name="Bewaar mijn ritme").click()
    expect(page.locator("main .messages")).to_contain_text("is bewaard")
    expect(page.locator("main .card")).to_contain_text(
        "in 6 s, uit 6 s · 50 rondes, samen 10 minuten"
    )


# --- Saving a session: online, and made without a connection ------------------------------------


def finish_shaking(player: Player, before: int, after: int) -> None:
    page = player.page
    page.locator(f'label[for="tension_before-{before}"]').click()
    player.start()
    player.shows("Begin met je handen.")
    player.to(120_050)
    expect(page.locator("[data-after-heading]")).to_have_text("Klaar")
    expect(page.locator("[data-done]")).to_have_text("Je hebt 2 minuten geoefend.")
    page.locator(f'label[for="tension_after-{after}"]').click()
    expect(page.locator("[data-compare]")).to_have_text(f"Vooraf {before}, nu {after}.")
    page.clock.resume()  # from here on the clock runs as usual


def test_a_shaking_session_is_saved_and_shows_in_what_calms_me(open_tab, sanne):
    from lijfwijs.exercises.models import PracticeSession

    tab = open_tab()
    signed_in(tab, EMAIL)
    player = Player(tab, "/oefeningen/schudden/oefenen/")
    page = player.page
    finish_shaking(player, 7, 3)
    posts: list[str] = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    page.get_by_role("button", name="Bewaar in mijn logboek").click()
    status = page.locator("[data-log-status]")
    expect(status).to_contain_text("Bewaard in je logboek.")
    expect(page.get_by_role("button", name="Bewaar in mijn logboek")).to_be_hidden()
    session = PracticeSession.objects.get(user=sanne)
    assert (session.exercise.slug, session.seconds, session.completed) == ("schudden", 120, True)
    assert (session.tension_before, session.tension_after) == (7, 3)
    assert session.client_key and session.pattern is None
    assert posts == [tab.url("/oefeningen/logboek/")]
    with page.expect_navigation():
        status.get_by_role("link", name="Bekijk wat jou rust geeft").click()
    assert page.url == tab.url("/oefeningen/logboek/")
    calm = page.locator("section", has=page.get_by_role("heading", name="Wat jou rust geeft"))
    expect(calm.locator("tbody tr")).to_have_count(1)
    expect(calm.locator("tbody tr th")).to_have_text("Schudden")
    expect(calm.locator("tbody tr td.num")).to_have_text("1")
    assert tab.csp_violations() == [], tab.csp_violations()


def cached_player_pages(page) -> list[str]:
    return page.evaluate(
        """async () => {
            const out = [];
            for (const name of await caches.keys()) {
                if (!name.startsWith('lijfwijs-pages-')) continue;
                const cache = await caches.open(name);
                for (const request of await cache.keys()) out.push(new URL(request.url).pathname);
            }
            return out;
        }"""
    )


def test_a_player_works_offline_and_its_session_is_sent_once(open_tab, sanne):
    from lijfwijs.exercises.models import PracticeSession

    tab = open_tab()
    signed_in(tab, EMAIL)
    page = tab.page
    path = "/oefeningen/schudden/oefenen/"
    page.goto(tab.url(path))
    page.evaluate("async () => { await navigator.serviceWorker.ready; }")
    page.reload()  # now through the service worker, which keeps the player
    page.wait_for_function(
        """async (path) => {
            for (const name of await caches.keys())
                if (name.startsWith('lijfwijs-pages-') && await (await caches.open(name)).match(path))
                    return true;
            return false;
        }""",
        arg=path,
    )
    assert cached_player_pages(page) == [path]

    # no connection: the player comes from the cache and the session stays on this device
    page.context.set_offline(True)
    player = Player(tab, path)
    assert "Schudden" in page.locator("h1").inner_text()
    finish_shaking(player, 8, 4)
    posts: list[str] = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    page.get_by_role("button", name="Bewaar in mijn logboek").click()
    expect(page.locator("[data-log-status]")).to_contain_text(
        "Je hebt nu geen verbinding. Je oefensessie is op dit apparaat bewaard"
    )
    kept = page.evaluate("() => window.lijfwijsOutbox.items()")  # opened with the account's key
    assert len(kept) == 1 and kept[0]["account"] == str(sanne.pk)
    assert "fields" not in page.evaluate(f"() => JSON.parse(localStorage.getItem('{STORE}'))[0]")
    fields = dict(kept[0]["fields"])
    assert (fields["exercise"], fields["tension_before"], fields["tension_after"]) == (
        "schudden",
        "8",
        "4",
    )
    assert (fields["seconds"], fields["completed"]) == ("120", "1")
    assert posts == [] and not PracticeSession.objects.exists()

    # the connection returns: sent once, however often `online` fires
    page.context.set_offline(False)
    page.evaluate(
        "() => { window.dispatchEvent(new Event('online')); "
        "window.dispatchEvent(new Event('online')); }"
    )
    expect(page.locator("[data-outbox-status]")).to_contain_text(
        "Je bewaarde oefensessie is verstuurd."
    )
    page.evaluate("() => window.dispatchEvent(new Event('online'))")
    # whatever round that started has ended once the outbox's Web Lock is free again
    page.evaluate(f"() => navigator.locks.request('{STORE}', () => window.lijfwijsOutbox.flush())")
    assert page.evaluate(f"() => localStorage.getItem('{STORE}')") == "[]"
    assert posts == [tab.url("/oefeningen/logboek/")], posts
    session = PracticeSession.objects.get(user=sanne)
    assert session.client_key == fields["client_key"]
    assert (session.tension_before, session.tension_after, session.seconds) == (8, 4, 120)

    # signing out drops the kept player pages
    page.locator("details:has(form[data-logout]) > summary").click()  # the account menu
    with page.expect_navigation():
        page.get_by_role("button", name="Uitloggen").click()
    page.wait_for_function(
        """async () => {
            for (const name of await caches.keys())
                if (name.startsWith('lijfwijs-pages-') && (await (await caches.open(name)).keys()).length)
                    return false;
            return true;
        }"""
    )
    assert cached_player_pages(page) == []


# --- A visitor's practice: kept on the device, offered for saving after signing in --------------


def kept_on_device(page) -> list[dict]:
    return page.evaluate(
        "() => JSON.parse(localStorage.getItem('lijfwijs-visitor-practice') || '[]')"
    )


def test_a_visitors_practices_are_kept_on_the_device_and_saved_after_signing_in(open_tab, sanne):
    from lijfwijs.exercises.models import PracticeSession

    tab = open_tab(viewport=PHONE)
    player = Player(tab, "/oefeningen/schudden/oefenen/")
    page = player.page
    note = page.locator("[data-kept-note]")
    expect(note).to_be_hidden()
    page.locator('label[for="tension_before-6"]').click()
    player.start()
    player.to(120_050)
    expect(page.locator("[data-after-heading]")).to_have_text("Klaar")
    expect(note).to_be_visible()
    expect(note).to_contain_text("alleen op dit apparaat")
    page.locator('label[for="tension_after-2"]').click()
    # what next: another exercise and the catalog, besides "again"
    expect(page.get_by_role("heading", name="Wat nu?")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("^Nog een oefening: "))).to_be_visible()
    page.get_by_role("button", name="Nog een keer").click()
    page.locator('label[for="tension_before-5"]').click()
    player.start()
    player.to(30_000)
    page.get_by_role("button", name="Stop").click()
    expect(page.locator("[data-after-heading]")).to_have_text("Gestopt")
    kept = kept_on_device(page)
    assert len(kept) == 2 and len({k["key"] for k in kept}) == 2
    first = dict(kept[0]["fields"])
    assert (first["exercise"], first["tension_before"], first["tension_after"]) == (
        "schudden",
        "6",
        "2",
    )
    assert dict(kept[1]["fields"])["completed"] == "0"
    assert not PracticeSession.objects.exists()  # nothing left the device
    page.clock.resume()
    assert_fits_the_screen(page)

    sign_in(tab, EMAIL, PASSWORD)
    # the start page right after signing in says so first
    assert page.goto(tab.url("/")).status == 200
    expect(page.locator("[data-kept-offer]")).to_contain_text(
        "Je hebt 2 oefeningen gedaan voordat je een account had. Bewaren?"
    )
    assert page.goto(tab.url("/oefeningen/logboek/")).status == 200
    offer = page.locator("[data-kept-offer]")
    expect(offer).to_be_visible()
    expect(offer).to_contain_text(
        "Je hebt 2 oefeningen gedaan voordat je een account had. Bewaren?"
    )
    assert_accessible(page, "the practice log offering a visitor's practices")
    offer.get_by_role("button", name="Bewaar in mijn logboek").click()
    expect(offer).to_contain_text("Je 2 oefeningen staan nu in je logboek")
    expect(offer.get_by_role("link", name="Bekijk je logboek")).to_be_visible()
    sessions = PracticeSession.objects.filter(user=sanne).order_by("started_at")
    assert [(s.seconds, s.completed, s.tension_before, s.tension_after) for s in sessions] == [
        (120, True, 6, 2),
        (30, False, 5, None),
    ]
    assert {s.client_key for s in sessions} == {k["key"] for k in kept}
    assert kept_on_device(page) == []

    # sent again (a second tab still holding them): the client keys store nothing twice
    page.evaluate(
        "items => localStorage.setItem('lijfwijs-visitor-practice', JSON.stringify(items))",
        [{**k, "kept": k["kept"]} for k in kept],
    )
    page.reload()
    expect(offer).to_be_visible()
    offer.get_by_role("button", name="Bewaar in mijn logboek").click()
    expect(offer).to_contain_text("staan nu in je logboek")
    assert PracticeSession.objects.filter(user=sanne).count() == 2
    page.reload()
    expect(page.locator("[data-kept-offer]")).to_be_hidden()
    assert tab.broken == []


def test_a_visitor_can_wipe_a_kept_practice(open_tab, content):
    tab = open_tab(viewport=PHONE)
    player = Player(tab, "/oefeningen/schudden/oefenen/")
    page = player.page
    player.start()
    player.to(10_000)
    page.get_by_role("button", name="Stop").click()
    assert len(kept_on_device(page)) == 1
    page.locator("[data-kept-note]").get_by_role("button", name="Wis van dit apparaat").click()
    expect(page.locator("[data-kept-note]")).to_contain_text("gewist")
    assert kept_on_device(page) == []
    assert tab.csp_violations() == []


@pytest.mark.parametrize(
    "path", ["/oefeningen/", "/oefeningen/4-7-8-ademhaling/", "/oefeningen/bodyscan/oefenen/"]
)
def test_the_catalog_and_players_fit_a_phone_and_pass_axe(open_tab, content, path):
    tab = open_tab(viewport=PHONE)
    page = tab.page
    assert page.goto(tab.url(path)).status == 200
    assert_styled(page)
    assert_fits_the_screen(page)
    assert_accessible(page, path)
    if path == "/oefeningen/":
        chips = page.locator("nav .chips a.chip")
        assert chips.count() >= 5
        cards = page.locator(".card-list > li.card")
        assert cards.count() == 11
