"""What calms the person in the diary: on the insights page and beside the check-in's exercises,
never stale after a practice is logged or deleted; and in a flare-up the setback plan and the
exercises that helped most come first on the start page."""

import random
import re
from datetime import time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lijfwijs.diary import services
from lijfwijs.diary.models import CheckIn
from lijfwijs.exercises.services import delete_session
from lijfwijs.exercises.tests.log_factories import browser, calm_table, person, practise
from lijfwijs.program.models import ProgramProgress, SetbackPlan

pytestmark = pytest.mark.django_db

INSIGHTS = "/dagboek/inzichten/"
NEW = "/dagboek/nieuw/"


@pytest.fixture
def anna():
    return person("anna-rust@example.org")


def calm_section(html: str) -> str:
    """The calm section of the page, up to the end of the page's main content."""
    start = html.index('id="calm-heading"')
    return html[start : html.index("</main>", start)]


def exercise_label(html: str, name: str) -> str:
    """The label of one exercise in the check-in form."""
    labels = re.findall(r'<label class="choice" for="id_exercises_\d+">.*?</label>', html, re.S)
    [label] = [label for label in labels if f"<span>{name}" in label]
    return label


def test_the_insights_page_shows_what_calms_me_and_follows_the_log(anna):
    page = browser(anna)
    assert "Nog niets te zien." in calm_section(page.get(INSIGHTS).content.decode())
    sessions = [practise(anna, "schudden", 7, 4) for _ in range(2)]
    html = page.get(INSIGHTS).content.decode()
    assert calm_table(html) == [("Schudden", 2, "Nog te weinig keren om iets te zeggen")]
    assert '<svg class="chart"' not in calm_section(html)
    practise(anna, "schudden", 6, 2)
    html = page.get(INSIGHTS).content.decode()
    assert calm_table(html) == [("Schudden", 3, "Gemiddeld 3,3 punt minder spanning")]
    section = calm_section(html)
    assert '<svg class="chart"' in section and "<table" in section
    assert 'href="/oefeningen/logboek/"' in section
    delete_session(anna, sessions[0])
    html = page.get(INSIGHTS).content.decode()
    assert calm_table(html) == [("Schudden", 2, "Nog te weinig keren om iets te zeggen")]


def test_a_logged_practice_through_the_page_refreshes_the_insights(anna):
    page = browser(anna)
    for _ in range(2):
        practise(anna, "bodyscan", 8, 4)
    page.get(INSIGHTS)  # cached now
    posted = page.post(
        "/oefeningen/logboek/",
        {"exercise": "bodyscan", "seconds": "600", "tension_before": "8", "tension_after": "2"},
        HTTP_ACCEPT="application/json",
    )
    assert posted.status_code == 201
    html = page.get(INSIGHTS).content.decode()
    assert calm_table(html) == [("Bodyscan", 3, "Gemiddeld 4,7 punt minder spanning")]


def test_the_insights_page_follows_diary_and_log_with_constant_queries(anna):
    page = browser(anna)
    for n in range(3):
        practise(anna, "schudden", 7, 3 + n)
    page.get(INSIGHTS)
    with CaptureQueriesContext(connection) as warm:
        page.get(INSIGHTS)
    count = len(warm)
    today = services.local_today(anna).isoformat()
    for n in range(30):
        practise(anna, ["schudden", "gronden", "bodyscan"][n % 3], 8, n % 6)
        page.post(NEW, {"day": today, "time": "09:00", "pain": str(n % 10)})
    page.get(INSIGHTS)
    with CaptureQueriesContext(connection) as again:
        html = page.get(INSIGHTS).content.decode()
    assert len(again) == count
    assert ("Schudden", 13) in [(name, times) for name, times, _ in calm_table(html)]
    assert "1 dag met check-ins" in html


def test_the_check_in_form_says_what_calmed_beside_the_exercise(anna):
    page = browser(anna)
    assert "spanning" not in exercise_label(page.get(NEW).content.decode(), "Schudden")
    for before, after in [(8, 5), (7, 5), (6, 5)]:
        practise(anna, "schudden", before, after)
    practise(anna, "gronden", 7, 2)  # one time: nothing said
    html = page.get(NEW).content.decode()
    assert "gemiddeld 2,0 punt minder spanning (3 keer)" in exercise_label(html, "Schudden")
    assert "spanning" not in exercise_label(html, "Gronden")
    practise(anna, "schudden", 9, 1)  # the form follows
    html = page.get(NEW).content.decode()
    assert "gemiddeld 3,5 punt minder spanning (4 keer)" in exercise_label(html, "Schudden")
    # a refused check-in and the edit page say it too
    refused = page.post(NEW, {"day": "", "time": "", "pain": ""}).content.decode()
    assert "(4 keer)" in exercise_label(refused, "Schudden")
    checkin, _ = services.save_checkin(
        anna, {"day": services.local_today(anna), "time": time(9), "pain": 4}
    )
    edit = page.get(f"/dagboek/{checkin.pk}/").content.decode()
    assert "(4 keer)" in exercise_label(edit, "Schudden")


def test_the_check_in_page_queries_stay_constant(anna):
    page = browser(anna)
    practise(anna, "schudden", 7, 3)
    page.get(NEW)
    with CaptureQueriesContext(connection) as warm:
        page.get(NEW)
    count = len(warm)
    for n in range(30):
        practise(anna, ["schudden", "gronden"][n % 2], 8, n % 5)
    page.get(NEW)
    with CaptureQueriesContext(connection) as again:
        page.get(NEW)
    assert len(again) == count


# --- a flare-up on the start page -----------------------------------------------------------


def flare(user, days=40):
    """`days` days of pain around 3, the last three about 4 points higher."""
    rng = random.Random(7)
    today = services.local_today(user)
    for n in range(days, 0, -1):
        pain = 3 + rng.choice([-1, 0, 0, 1]) + (4 if n <= 3 else 0)
        CheckIn.objects.create(user=user, day=today - timedelta(days=n - 1), pain=pain)


def first_panel(html: str) -> str:
    main = html[html.index('<main id="main"') :]
    start = main.index("<section")
    return main[start : main.index("</section>", start)]


def test_a_flare_up_brings_the_setback_plan_and_what_helped_most_first(anna):
    flare(anna)
    for _ in range(3):
        practise(anna, "schudden", 8, 3)
        practise(anna, "bodyscan", 6, 5)
        practise(anna, "niets-doen", 4, 6)  # more tension after: never "helped"
    SetbackPlan.objects.create(
        user=anna,
        notice_first="Mijn schouders gaan omhoog",
        what_i_do="Even wandelen\nen ademen",
        who_i_call="Mijn zus",
    )
    html = browser(anna).get("/").content.decode()
    panel = first_panel(html)
    assert 'id="home-flare"' in panel and "Een opvlamming" in panel
    assert "Je terugvalplan" in panel
    assert "Mijn schouders gaan omhoog" in panel and "Even wandelen<br>en ademen" in panel
    assert "Mijn zus" in panel and "Wat ik het eerst merk" in panel
    assert 'href="/programma/terugvalplan/"' in panel  # to change it
    assert 'href="/oefeningen/schudden/oefenen/">Schudden</a>' in panel
    assert 'href="/oefeningen/bodyscan/oefenen/">Bodyscan</a>' in panel
    assert panel.index("Schudden") < panel.index("Bodyscan")
    assert "gemiddeld 5,0 punt minder spanning (3 keer)" in panel
    assert "niets-doen" not in panel
    assert html.count('id="home-flare"') == 1


def in_step(user, number):
    ProgramProgress.objects.update_or_create(
        user=user, defaults={"start_step": 1, "current_step": number}
    )


def test_without_a_plan_the_flare_up_offers_to_write_one(anna):
    flare(anna)
    in_step(anna, 5)
    page = browser(anna)
    panel = first_panel(page.get("/").content.decode())
    assert "Schrijf je terugvalplan" in panel and 'href="/programma/terugvalplan/"' in panel
    assert "De oefeningen die jou het meest hielpen" not in panel  # nothing clear yet
    # the start page follows the plan and the log
    SetbackPlan.objects.create(user=anna, who_i_call="De huisarts")
    for _ in range(3):
        practise(anna, "gronden", 7, 3)
    panel = first_panel(page.get("/").content.decode())
    assert "De huisarts" in panel and "Schrijf je terugvalplan" not in panel
    assert 'href="/oefeningen/gronden/oefenen/"' in panel


def test_before_step_5_the_flare_up_offers_the_plan_and_the_safety_net(anna):
    """The plan is taught in step 5, but a flare-up does not wait for it."""
    flare(anna)
    in_step(anna, 2)
    panel = first_panel(browser(anna).get("/").content.decode())
    assert "Schrijf je terugvalplan" in panel and 'href="/programma/terugvalplan/"' in panel
    assert "Verandert je pijn van karakter" in panel and "huisartsenpost" in panel
    assert 'href="/dagboek/veiligheid/"' in panel
    # describes, never reassures or predicts
    assert "meestal weer voorbij" not in panel and "mild voor jezelf" not in panel


def test_an_empty_plan_counts_as_not_written(anna):
    flare(anna)
    in_step(anna, 5)
    SetbackPlan.objects.create(user=anna)
    panel = first_panel(browser(anna).get("/").content.decode())
    assert "Schrijf je terugvalplan" in panel and "<dl" not in panel


def test_no_flare_up_no_panel(anna):
    for n in range(30):
        CheckIn.objects.create(
            user=anna, day=services.local_today(anna) - timedelta(days=n), pain=3
        )
    SetbackPlan.objects.create(user=anna, who_i_call="Mijn zus")
    html = browser(anna).get("/").content.decode()
    assert "Een opvlamming" not in html and "Mijn zus" not in html
    assert "Je dagboek" in html and 'href="/oefeningen/logboek/">Je oefenlogboek</a>' in html
