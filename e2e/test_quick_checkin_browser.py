"""The quick check-in in a real browser on a phone: done in at most ten actions, the quick part in
a screen and a half, "same as yesterday" in one tap, Enter in the new-tags field saves (never
"same as yesterday"), an error under "more" opens it, and the pages neither scroll sideways nor
fail axe.

Every click or key press from the loaded page to the saved confirmation is counted."""

from datetime import datetime, time, timedelta

import pytest
from playwright.sync_api import expect

from e2e.conftest import DESKTOP, PHONE
from e2e.helpers import assert_accessible, assert_fits_the_screen, assert_styled, signed_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

EMAIL = "sanne@voorbeeld.nl"
PASSWORD = "elke dag een stukje fietsen langs de dijk"  # noqa: S105 - a test account
SAVED = "Je check-in is bewaard."
MAX_ACTIONS = 10
SCREEN_AND_A_HALF = PHONE["height"] * 1.5


@pytest.fixture
def sanne(content):
    """A client whose diary of the last days uses "Werkdruk" most, then "Fietsen" (her own tag),
    then "Lang gezeten"; yesterday she felt calm and tagged "Werkdruk" and "Zorgen of piekeren",
    a tag she uses less than five others."""
    from lijfwijs.accounts.models import User
    from lijfwijs.accounts.services import give_health_consent
    from lijfwijs.diary import services
    from lijfwijs.diary.models import CheckIn, Tag

    user = User.objects.create_user(EMAIL, PASSWORD, role="client", display_name="Sanne")
    give_health_consent(user)
    tags = {key: Tag.objects.get(key=key) for key in STARTER}
    tags["fietsen"] = Tag.objects.create(user=user, name_nl="Fietsen", name_en="Fietsen")
    today = services.local_today(user)
    zone = services.zone_of(user)
    for days_ago, keys in PLAN.items():
        day = today - timedelta(days=days_ago)
        checkin = CheckIn.objects.create(
            user=user,
            day=day,
            at=datetime.combine(day, time(9, 0), tzinfo=zone),
            pain=5,
            stress=4,
            state=CheckIn.State.VENTRAL if days_ago == 1 else "",
        )
        checkin.tags.set([tags[key] for key in keys])
    User.objects.data_changed(user)
    return user


STARTER = ("werkdruk", "lang-zitten", "slecht-geslapen", "ruzie-spanning", "zorgen")
PLAN = {  # days ago: tags (werkdruk 6, fietsen 5, lang-zitten 3, two of 2, zorgen 1)
    8: ["fietsen", "werkdruk", "lang-zitten", "slecht-geslapen", "ruzie-spanning"],
    7: ["fietsen", "werkdruk", "lang-zitten", "slecht-geslapen", "ruzie-spanning"],
    6: ["fietsen", "werkdruk", "lang-zitten"],
    5: ["fietsen", "werkdruk"],
    4: ["fietsen"],
    3: ["werkdruk"],
    1: ["werkdruk", "zorgen"],
}


class Actions:
    """The person's clicks and key presses, counted."""

    def __init__(self, page) -> None:
        self.page = page
        self.count = 0

    def click(self, locator) -> None:
        locator.click()
        self.count += 1

    def press(self, locator, key: str) -> None:
        locator.press(key)
        self.count += 1

    def type(self, locator, text: str) -> None:
        """Typing a word is one action (as a person thinks of it), however many letters."""
        locator.fill(text)
        self.count += 1


def open_form(tab):
    page = tab.page
    assert page.goto(tab.url("/dagboek/nieuw/")).status == 200
    assert_styled(page)
    return page


def chip(page, scope: str, name: str):
    return page.locator(f"#{scope} label.chip", has_text=name)


def tile(page, field: str, value: int):
    return page.locator(f'label[for="id_{field}_{value}"]')


def save(page):
    return page.locator("form[data-checkin-form] .checkin-actions button")


def latest():
    from lijfwijs.diary.models import CheckIn  # the app, after Django is set up

    return CheckIn.objects.order_by("-created_at").prefetch_related("tags").first()


def test_the_quick_check_in_takes_at_most_ten_actions(open_tab, sanne):
    tab = open_tab(viewport=PHONE)
    signed_in(tab, EMAIL)
    page = open_form(tab)
    more = page.locator("details#more")
    expect(more).not_to_have_attribute("open", "")
    # the quick part and its Save button fit in a screen and a half of a phone
    bottom = save(page).evaluate("b => b.getBoundingClientRect().bottom + window.scrollY")
    assert bottom <= SCREEN_AND_A_HALF, f"Save is at {bottom:.0f}px, beyond {SCREEN_AND_A_HALF}"
    assert_fits_the_screen(page)
    # the five most used tags, most used first; the others wait under "more"
    quick = page.locator("fieldset#id_tags label.chip")
    expect(quick).to_have_count(5)
    assert quick.all_inner_texts()[:3] == ["Werkdruk", "Fietsen", "Lang gezeten"]
    expect(chip(page, "id_tags", "Zorgen of piekeren")).to_have_count(0)
    expect(page.locator("fieldset#id_stress")).to_be_visible()  # her scale: stress
    expect(page.locator("[data-body-map]")).to_be_hidden()

    act = Actions(page)
    act.click(tile(page, "pain", 4))
    act.click(chip(page, "id_state", "Gespannen, opgejaagd"))
    act.click(tile(page, "stress", 6))
    act.click(chip(page, "id_tags", "Fietsen"))
    act.click(chip(page, "id_tags", "Werkdruk"))
    with page.expect_navigation(url=tab.url("/dagboek/")):
        act.click(save(page))
    expect(page.locator("main .messages")).to_contain_text(SAVED)
    assert act.count <= MAX_ACTIONS, f"the quick check-in took {act.count} actions"

    checkin = latest()
    from lijfwijs.diary import services

    assert (checkin.pain, checkin.state, checkin.stress) == (4, "sympathetic", 6)
    assert sorted(t.name_nl for t in checkin.tags.all()) == ["Fietsen", "Werkdruk"]
    assert checkin.day == services.local_today(sanne)  # today, now: the quick part's defaults
    assert tab.csp_violations() == [], tab.csp_violations()


def test_same_as_yesterday_is_one_tap(open_tab, sanne):
    tab = open_tab(viewport=PHONE)
    signed_in(tab, EMAIL)
    page = open_form(tab)
    act = Actions(page)
    act.click(tile(page, "pain", 3))
    with page.expect_navigation():
        act.click(page.get_by_role("button", name="Zelfde als gisteren"))
    expect(page.locator("main .notice")).to_contain_text("Ingevuld zoals gisteren")
    # what was entered stays; yesterday's tags and how she felt are filled in
    expect(page.locator("#id_pain_3")).to_be_checked()
    expect(page.locator("fieldset#id_state input[value='ventral']")).to_be_checked()
    # "Zorgen of piekeren" is not among her five: "more" opens so it is in sight
    expect(page.locator("details#more")).to_have_attribute("open", "")
    expect(chip(page, "more", "Zorgen of piekeren").locator("input")).to_be_checked()
    expect(chip(page, "id_tags", "Werkdruk").locator("input")).to_be_checked()
    with page.expect_navigation(url=tab.url("/dagboek/")):
        act.click(save(page))
    expect(page.locator("main .messages")).to_contain_text(SAVED)
    assert act.count <= MAX_ACTIONS
    checkin = latest()
    assert (checkin.pain, checkin.state) == (3, "ventral")
    assert sorted(t.name_nl for t in checkin.tags.all()) == ["Werkdruk", "Zorgen of piekeren"]


def test_enter_in_the_new_tags_field_saves_the_check_in(open_tab, sanne):
    tab = open_tab(viewport=PHONE)
    signed_in(tab, EMAIL)
    page = open_form(tab)
    expect(page.get_by_role("button", name="Zelfde als gisteren")).to_be_visible()
    act = Actions(page)
    act.click(tile(page, "pain", 5))
    act.click(page.locator("details#more > summary"))
    expect(page.locator("[data-body-map]")).to_be_visible()  # the body map, in sight at once
    new_tags = page.get_by_label("Eigen tags toevoegen")
    act.type(new_tags, "Tandarts")
    with page.expect_navigation(url=tab.url("/dagboek/")):
        act.press(new_tags, "Enter")
    expect(page.locator("main .messages")).to_contain_text(SAVED)
    assert act.count <= MAX_ACTIONS
    checkin = latest()
    assert checkin.pain == 5
    # saved with the new tag, and not with yesterday's ("same as yesterday" was not pressed)
    assert [t.name_nl for t in checkin.tags.all()] == ["Tandarts"]


def test_an_error_under_more_opens_it_and_keeps_everything(open_tab, sanne):
    tab = open_tab(viewport=PHONE)
    signed_in(tab, EMAIL)
    page = open_form(tab)
    tile(page, "pain", 7).click()
    chip(page, "id_tags", "Fietsen").click()
    page.locator("details#more > summary").click()
    page.get_by_label("Notitie").fill("na het sporten")
    page.get_by_label("Eigen tags toevoegen").fill("x" * 61)
    page.locator("details#more > summary").click()  # closed again before saving
    save(page).click()
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.locator("details#more")).to_have_attribute("open", "")
    expect(page.locator("details#more .field-error")).to_be_visible()
    expect(page.locator("#id_pain_7")).to_be_checked()
    expect(chip(page, "id_tags", "Fietsen").locator("input")).to_be_checked()
    expect(page.get_by_label("Notitie")).to_have_value("na het sporten")
    from lijfwijs.diary.models import CheckIn

    assert CheckIn.objects.filter(user=sanne, pain=7).count() == 0


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_form_the_diary_and_the_tags_fit_the_screen_and_pass_axe(open_tab, sanne, viewport):
    tab = open_tab(viewport=viewport)
    signed_in(tab, EMAIL)
    page = open_form(tab)
    assert_fits_the_screen(page)
    assert_accessible(page, "the quick check-in")
    page.locator("details#more > summary").click()
    assert_fits_the_screen(page)
    assert_accessible(page, "the check-in with more open")
    assert page.goto(tab.url("/dagboek/")).status == 200
    expect(page.locator("main table tbody tr")).to_have_count(len(PLAN))
    assert_fits_the_screen(page)
    assert_accessible(page, "the diary")
    assert page.goto(tab.url("/dagboek/tags/")).status == 200
    expect(page.get_by_role("heading", name="Fietsen")).to_be_visible()
    assert_fits_the_screen(page)
    assert_accessible(page, "the own tags")
