"""The 5-step program in a real browser: from step 1 to step 2 once the rule is met, with the
keyboard alone (sign in, answer the reflection, go on), under the site's real CSP; axe-core on the
overview and a step page (in a tab that bypasses the CSP, see e2e/conftest.py).

Five days of practice are seeded through the services (the players are tested elsewhere); the
reflection is answered in the browser.
"""

import pytest

from e2e.conftest import PHONE
from e2e.helpers import assert_accessible, assert_fits_the_screen, assert_styled

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

EMAIL = "sanne@voorbeeld.nl"
PASSWORD = "langzaam uitademen bij het raam"  # noqa: S105 - a test account
ANSWERS = {
    "eerste-signaal": "In mijn nek, die wordt stijf.",
    "moment-van-rust": "Zaterdag in de tuin.",
    "verschil": "De losgelaten hand voelde warmer.",
}


@pytest.fixture
def sanne(content):
    from lijfwijs.accounts.models import User
    from lijfwijs.accounts.services import give_health_consent

    user = User.objects.create_user(EMAIL, PASSWORD, role="client", display_name="Sanne")
    give_health_consent(user)
    return user


@pytest.fixture
def five_days(sanne):
    """Sanne in step 1 with a logged practice on each of the last five days."""
    from lijfwijs.program import program, services
    from lijfwijs.program.tests.program_helpers import practise_days

    services.ensure_progress(sanne)
    practise_days(sanne, program.REQUIRED_DAYS)
    return sanne


def focused(page) -> dict:
    return page.evaluate(
        """() => { const e = document.activeElement;
            return {tag: e.tagName.toLowerCase(), name: e.name || '', text: (e.innerText || '').trim(),
                    href: e.getAttribute('href') || '', type: e.type || ''}; }"""
    )


def tab_to(page, wanted, limit: int = 120) -> dict:
    """Press Tab until the focused element matches `wanted` (a predicate on `focused`)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        now = focused(page)
        if wanted(now):
            return now
    raise AssertionError(f"Tab never reached the element on {page.url}; last: {focused(page)}")


def sign_in_by_keyboard(tab) -> None:
    page = tab.page
    assert page.goto(tab.url("/account/inloggen/")).status == 200
    tab_to(page, lambda f: f["name"] == "username")
    page.keyboard.type(EMAIL)
    tab_to(page, lambda f: f["name"] == "password")
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/account/inloggen/" not in page.url


def test_from_step_1_to_step_2_with_the_keyboard_alone(open_tab, five_days):
    from lijfwijs.program.models import ProgramProgress, Reflection

    tab = open_tab()
    sign_in_by_keyboard(tab)
    page = tab.page

    # the overview: five days done, the reflection still open
    assert page.goto(tab.url("/programma/")).status == 200
    assert_styled(page)
    current = page.locator("#current-heading")
    assert current.inner_text() == "Je bent in stap 1: Herkenning"
    assert "5 van 5" in page.locator(".program-progress").first.inner_text()
    link = tab_to(page, lambda f: f["tag"] == "a" and f["text"] == "Naar stap 1")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(link["href"]) and page.url.endswith("/programma/stap/1/")
    assert page.locator("main h1").inner_text() == "Stap 1: Herkenning"
    assert page.get_by_role("button", name="Ga door naar stap 2").count() == 0

    # the reflection, typed
    for name, answer in ANSWERS.items():
        tab_to(page, lambda f, name=name: f["tag"] == "textarea" and f["name"] == name)
        page.keyboard.type(answer)
    tab_to(page, lambda f: f["tag"] == "button" and f["text"] == "Bewaar je reflectie")
    with page.expect_navigation() as nav:
        page.keyboard.press("Enter")
    assert nav.value.status == 200
    assert "Je reflectie is bewaard." in page.locator(".messages").inner_text()
    assert Reflection.objects.filter(user=five_days, step=1).count() == 3
    assert page.locator('textarea[name="verschil"]').input_value() == ANSWERS["verschil"]

    # go on
    tab_to(page, lambda f: f["tag"] == "button" and f["text"] == "Ga door naar stap 2")
    with page.expect_navigation() as nav:
        page.keyboard.press("Enter")
    assert nav.value.status == 200
    assert page.url.endswith("/programma/stap/2/")
    assert page.locator("main h1").inner_text() == "Stap 2: Regulatie"
    assert "Welkom in stap 2: Regulatie." in page.locator(".messages").inner_text()
    assert "0 van 5" in page.locator(".program-progress").inner_text()
    assert ProgramProgress.objects.get(user=five_days).current_step == 2

    # back on the overview, step 1 is done and step 2 is where Sanne is
    assert page.goto(tab.url("/programma/")).status == 200
    steps = page.locator("#program-steps > li")
    assert "Afgerond" in steps.nth(0).inner_text()
    assert "Hier ben je nu" in steps.nth(1).inner_text()
    assert tab.csp_violations() == [], tab.csp_violations()
    assert not tab.broken, tab.broken


def test_the_program_pages_are_accessible_on_a_phone(open_tab, five_days):
    tab = open_tab(viewport=PHONE)
    sign_in_by_keyboard(tab)
    page = tab.page
    for path, what in (
        ("/programma/", "the program overview"),
        ("/programma/stap/1/", "the current step"),
        ("/programma/stap/3/", "a locked step"),
    ):
        assert page.goto(tab.url(path)).status == 200
        assert_styled(page)
        assert_fits_the_screen(page)
        assert_accessible(page, what)
    # a rejected reflection (422) is accessible too, the message next to the field
    page.goto(tab.url("/programma/stap/1/"))
    answer = page.locator('textarea[name="verschil"]')
    answer.evaluate("e => e.removeAttribute('maxlength')")  # as a browser without the limit
    answer.fill("x" * 4001)
    with page.expect_navigation() as nav:
        page.get_by_role("button", name="Bewaar je reflectie").click()
    assert nav.value.status == 422
    assert page.locator("#id_verschil_error").count() == 1
    assert_accessible(page, "a step with a rejected reflection")


def test_visitors_read_the_program_accessibly(open_tab, content):
    tab = open_tab()
    page = tab.page
    for path in ("/programma/", "/programma/stap/2/"):
        assert page.goto(tab.url(path)).status == 200
        assert_accessible(page, f"{path} for a visitor")
