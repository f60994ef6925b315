"""The program's pages through HTTP: the overview, a step (locked or open), the private reflection,
going on, the setback plan; the home panel and the Pijntest report's place to start."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from lijfwijs.accounts.models import User
from lijfwijs.accounts.services import withdraw_health_consent
from lijfwijs.accounts.tests.helpers import pijntest_result
from lijfwijs.exercises.models import Exercise
from lijfwijs.program import program, services
from lijfwijs.program.models import ProgramProgress, Reflection, SetbackPlan
from lijfwijs.program.tests.program_helpers import (
    answer_all,
    client_user,
    practise_days,
    ready_to_go_on,
    signed_in,
)

pytestmark = pytest.mark.django_db

OVERVIEW = "/programma/"


def step_url(n: int) -> str:
    return f"/programma/stap/{n}/"


def advance_url(n: int) -> str:
    return f"/programma/stap/{n}/verder/"


PLAN = "/programma/terugvalplan/"


@pytest.fixture
def anna(content):
    return client_user("anna-programma@example.org", display_name="Anna")


@pytest.fixture
def browser(anna):
    return signed_in(anna)


def text(response) -> str:
    return response.content.decode()


def field_value(html: str, name: str) -> str:
    match = re.search(rf'<textarea name="{re.escape(name)}"[^>]*>\n?(.*?)</textarea>', html, re.S)
    assert match, name
    return match.group(1)


# --- the overview ----------------------------------------------------------------------------------


def test_visitors_see_the_five_steps_and_an_invitation(content):
    response = Client().get(OVERVIEW)
    assert response.status_code == 200
    html = text(response)
    assert 'id="program-steps"' in html
    for n, name in enumerate(["Herkenning", "Regulatie", "Grenzen", "Verbinding", "Integratie"], 1):
        assert f"Stap {n}: {name}" in html and program.step(n).goal["nl"] in html
    assert 'href="/account/registreren/"' in html and 'href="/pijntest/"' in html
    assert "Hier ben je nu" not in html
    assert not ProgramProgress.objects.exists()


def test_the_overview_in_english_shows_the_english_content(content):
    html = text(Client().get("/en" + OVERVIEW))
    assert "Recognition" in html and program.step(2).goal["en"] in html
    assert program.step(2).goal["nl"] not in html


def test_a_clients_first_visit_starts_the_program_at_the_pijntests_step(anna, browser):
    pijntest_result(anna)
    response = browser.get(OVERVIEW)
    assert response.status_code == 200
    progress = ProgramProgress.objects.get(user=anna)
    assert (progress.start_step, progress.current_step) == (1, 1)
    html = text(response)
    assert "Je bent in stap 1: Herkenning" in html
    assert "Dagen met oefening in deze stap: 0 van 5" in html
    assert "Reflectie: 0 van 3 vragen beantwoord." in html
    assert html.count("Hier ben je nu") == 1 and html.count("Nog niet open") == 4
    browser.get(OVERVIEW)
    assert ProgramProgress.objects.count() == 1


def test_the_start_follows_the_pijntest_hook(anna, browser, monkeypatch):
    monkeypatch.setattr(
        services, "pijntest_recommendations", lambda user: {"program_step": 3, "exercises": []}
    )
    html = text(browser.get(OVERVIEW))
    progress = ProgramProgress.objects.get(user=anna)
    assert (progress.start_step, progress.current_step) == (3, 3)
    assert html.count("Open om te lezen") == 2 and html.count("Nog niet open") == 2
    assert browser.get(step_url(1)).status_code == 200  # before the start: free to read
    assert 'name="eerste-signaal"' in text(browser.get(step_url(1)))


def test_the_overview_shows_progress_and_follows_changes(anna, browser):
    browser.get(OVERVIEW)
    practise_days(anna, 3)
    services.save_reflection(anna, 1, "verschil", "Warm en zwaar.")
    html = text(browser.get(OVERVIEW))
    assert "Dagen met oefening in deze stap: 3 van 5" in html
    assert "Reflectie: 1 van 3 vragen beantwoord." in html
    practise_days(anna, 5)
    answer_all(anna, 1)
    html = text(browser.get(OVERVIEW))
    assert "Dagen met oefening in deze stap: 5 van 5" in html
    assert "Reflectie: beantwoord." in html and "Je kunt door naar de volgende stap." in html


def test_a_client_without_consent_is_invited_to_give_it_and_nothing_is_stored(content):
    noor = client_user("noor-programma@example.org", consent=False)
    html = text(signed_in(noor).get(OVERVIEW))
    assert "Toestemming nodig" in html and 'href="/account/toestemming/"' in html
    assert not ProgramProgress.objects.exists()


def test_practitioners_see_the_steps_without_a_place_in_them(content):
    from lijfwijs.accounts.tests.helpers import make_practitioner, signed_in_browser

    pieter = make_practitioner("pieter-programma@example.org")
    response = signed_in_browser(pieter).get(OVERVIEW)
    assert response.status_code == 200
    html = text(response)
    assert 'id="program-steps"' in html and "Toestemming nodig" not in html
    assert "Hier ben je nu" not in html and not ProgramProgress.objects.exists()


def test_the_overview_costs_the_same_queries_whatever_the_practice(anna, browser):
    browser.get(OVERVIEW)  # starts the program, fills the session
    browser.get(OVERVIEW)
    with CaptureQueriesContext(connection) as few:
        assert browser.get(OVERVIEW).status_code == 200
    practise_days(anna, 30)
    answer_all(anna, 1)
    browser.get(OVERVIEW)  # the state is computed once after the change
    with CaptureQueriesContext(connection) as many:
        assert "5 van 5" in text(browser.get(OVERVIEW))
    assert len(few) == len(many) <= 4, [q["sql"] for q in many]  # with the menu's unread count


def test_the_step_page_computed_afresh_costs_the_same_queries_whatever_the_practice(anna, browser):
    browser.get(step_url(1))  # starts the program, fills the session
    practise_days(anna, 1)  # a new data version: the next page computes the state
    with CaptureQueriesContext(connection) as few:
        assert browser.get(step_url(1)).status_code == 200
    practise_days(anna, 30)
    answer_all(anna, 1)
    with CaptureQueriesContext(connection) as many:
        assert "5 van 5" in text(browser.get(step_url(1)))
    assert len(few) == len(many), [q["sql"] for q in many]


# --- a step ----------------------------------------------------------------------------------------


def test_the_current_step_shows_lessons_exercises_the_reflection_and_progress(anna, browser):
    response = browser.get(step_url(1))
    assert response.status_code == 200
    html = text(response)
    step = program.step(1)
    assert "<h1>Stap 1: Herkenning</h1>" in html and step.goal["nl"] in html
    for lesson in step.lessons:
        assert lesson.title["nl"] in html and lesson.body["nl"][0].replace("'", "&#x27;") in html
    for slug in step.exercises:
        assert f'href="/oefeningen/{slug}/oefenen/"' in html
    for prompt in step.prompts:
        assert f'name="{prompt.key}"' in html and prompt.text["nl"] in html
    assert "Je voortgang in deze stap" in html and "Oefen op 5 dagen in deze stap" in html
    assert advance_url(1) not in html  # the button comes once the rule is met


def test_a_locked_step_shows_its_goal_and_what_opens_it_not_the_reflection(anna, browser):
    browser.get(OVERVIEW)
    response = browser.get(step_url(3))
    assert response.status_code == 200
    html = text(response)
    step = program.step(3)
    assert step.goal["nl"] in html and "Deze stap is nog niet open" in html
    assert "Je bent nu in stap 1." in html and 'href="/programma/stap/1/"' in html
    assert all(lesson.title["nl"] in html for lesson in step.lessons)  # what you will learn
    assert step.lessons[0].body["nl"][0] not in html
    assert not any(f'name="{p.key}"' in html for p in step.prompts)
    response = browser.post(step_url(3), {step.prompts[0].key: "te vroeg"})
    assert response.status_code == 403
    assert not Reflection.objects.exists()


def test_visitors_read_a_step_and_are_invited_to_join(content):
    html = text(Client().get(step_url(4)))
    step = program.step(4)
    assert step.lessons[0].title["nl"] in html and "Zelf aan de slag" in html
    assert "<textarea" not in html
    response = Client().post(step_url(4), {"stem-binnenin": "x"})
    assert response.status_code == 302 and response["Location"].startswith("/account/inloggen/")


@pytest.mark.parametrize("number", [0, 6, 99])
def test_unknown_steps_are_404(content, number):
    assert Client().get(step_url(number)).status_code == 404


def test_the_next_step_page_shows_an_exercise_as_it_is_now(anna, browser):
    assert "Bodyscan" in text(browser.get(step_url(1)))
    bodyscan = Exercise.objects.get(slug="bodyscan")
    bodyscan.name_nl = "Lijfscan"
    bodyscan.save()
    html = text(browser.get(step_url(1)))
    assert ">Lijfscan</a>" in html and ">Bodyscan</a>" not in html
    assert ">Lijfscan</a>" in text(Client().get(step_url(1)))


def test_a_reflection_is_saved_privately_and_encrypted_at_rest(anna, browser):
    answer = "Mijn kaak staat strak als ik moe ben"
    response = browser.post(
        step_url(1), {"eerste-signaal": f"  {answer}  ", "moment-van-rust": "", "verschil": ""}
    )
    assert response.status_code == 302 and response["Location"] == step_url(1)
    stored = Reflection.objects.get(user=anna)
    assert (stored.step, stored.prompt, stored.answer) == (1, "eerste-signaal", answer)
    with connection.cursor() as cursor:
        cursor.execute("SELECT answer FROM exercises_reflection")
        (raw,) = cursor.fetchone()
    assert "kaak" not in raw and raw.startswith("gAAAA")
    html = text(browser.get(step_url(1)))
    assert "Je reflectie is bewaard." in html and answer in field_value(html, "eerste-signaal")
    assert "Reflectie: 1 van 3 vragen beantwoord." in html
    # another client sees nothing of it
    bram = client_user("bram-programma@example.org")
    assert answer not in text(signed_in(bram).get(step_url(1)))
    # emptied, it is gone
    browser.post(step_url(1), {"eerste-signaal": ""})
    assert not Reflection.objects.exists()


def test_bad_input_is_422_with_messages_and_what_was_typed(anna, browser):
    typed = "Dit wil ik bewaren"
    response = browser.post(
        step_url(1), {"eerste-signaal": typed, "moment-van-rust": "x" * 4001, "verschil": "a\x00b"}
    )
    assert response.status_code == 422
    html = text(response)
    assert typed in field_value(html, "eerste-signaal")
    assert 'id="id_moment-van-rust_error"' in html and "4000" in html
    assert 'id="id_verschil_error"' in html
    assert 'class="error-summary"' in html
    assert not Reflection.objects.exists()


def test_writing_needs_the_health_data_consent(anna, browser):
    browser.get(step_url(1))
    withdraw_health_consent(anna)
    response = browser.post(step_url(1), {"eerste-signaal": "x"})
    assert response.status_code == 302 and response["Location"] == "/account/toestemming/"
    assert browser.post(advance_url(1)).status_code == 302
    assert not Reflection.objects.exists() and not ProgramProgress.objects.exists()


# --- going on --------------------------------------------------------------------------------------


def test_the_button_appears_when_the_rule_is_met_and_a_double_post_moves_one_step(anna, browser):
    ready_to_go_on(anna)
    html = text(browser.get(step_url(1)))
    assert f'action="{advance_url(1)}"' in html and "Ga door naar stap 2" in html
    first = browser.post(advance_url(1))
    second = browser.post(advance_url(1))
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == step_url(2)
    assert ProgramProgress.objects.get(user=anna).current_step == 2
    html = text(browser.get(step_url(2)))
    assert "Welkom in stap 2: Regulatie." in html and "Hier ben je nu" in html
    assert "Dagen met oefening in deze stap: 0 van 5" in html  # a new count
    assert "Afgerond" in text(browser.get(step_url(1)))


def test_going_on_too_early_says_what_is_missing(anna, browser):
    browser.get(OVERVIEW)
    practise_days(anna, 2)
    response = browser.post(advance_url(1), follow=True)
    assert response.redirect_chain[-1][0] == step_url(1)
    html = text(response)
    assert "Oefen op 5 dagen in deze stap; je hebt nu 2." in html
    assert "Beantwoord alle reflectievragen van deze stap (0 van 3)." in html
    assert ProgramProgress.objects.get(user=anna).current_step == 1
    # a step not reached cannot be left either
    assert browser.post(advance_url(3)).status_code == 302
    assert ProgramProgress.objects.get(user=anna).current_step == 1
    assert browser.get(advance_url(1)).status_code == 405


def test_a_hold_keeps_the_step_and_an_unlock_opens_it(anna, browser, content):
    from lijfwijs.accounts.tests.helpers import make_practitioner

    pieter = make_practitioner("pieter-regel@example.org")
    ready_to_go_on(anna)
    services.set_override(anna, pieter, program.HOLD)
    html = text(browser.get(step_url(1)))
    assert "Je behandelaar vraagt je om nog even in deze stap te blijven." in html
    assert advance_url(1) not in html
    browser.post(advance_url(1))
    assert ProgramProgress.objects.get(user=anna).current_step == 1
    services.set_override(anna, pieter, program.UNLOCK)
    browser.post(advance_url(1))
    browser.post(advance_url(2))  # step 2's rule is not met and the unlock went with step 1
    progress = ProgramProgress.objects.get(user=anna)
    assert progress.current_step == 2 and progress.override == ""


# --- the setback plan ------------------------------------------------------------------------------


def move_to_step_5(user) -> None:
    services.ensure_progress(user)
    ProgramProgress.objects.filter(user=user).update(current_step=5)
    User.objects.data_changed(user)  # a write outside the services


def test_the_setback_plan_is_open_at_every_step_and_taught_in_step_5(anna, browser):
    """A flare-up can come at any step: the diary's flare-up notice offers the plan then."""
    assert 'name="notice_first"' in text(browser.get(PLAN))  # step 1
    response = browser.post(PLAN, {"what_i_do": "Wandelen"})
    assert response.status_code == 302 and response["Location"] == PLAN
    assert SetbackPlan.objects.get(user=anna).what_i_do == "Wandelen"
    assert Client().get(PLAN).status_code == 302
    move_to_step_5(anna)
    assert 'href="/programma/terugvalplan/"' in text(browser.get(step_url(5)))


def test_the_plan_is_prefilled_from_what_calms_me_saved_and_encrypted(anna, browser):
    move_to_step_5(anna)
    practise_days(anna, 3, slug="schudden", before=8, after=3)
    practise_days(anna, 3, slug="rustig-ademen", before=6, after=5)
    html = text(browser.get(PLAN))
    assert field_value(html, "helpful_exercises").split("\n") == ["Schudden", "Rustig ademen"]
    data = {
        "notice_first": "Ik slaap slechter en mijn schouders gaan omhoog.",
        "what_i_do": "Twee minuten schudden, dan wandelen.",
        "who_i_call": "Mijn zus Ellen",
        "helpful_exercises": "Schudden",
    }
    response = browser.post(PLAN, data)
    assert response.status_code == 302 and response["Location"] == PLAN
    plan = SetbackPlan.objects.get(user=anna)
    assert plan.who_i_call == "Mijn zus Ellen" and plan.helpful_exercises == "Schudden"
    with connection.cursor() as cursor:
        cursor.execute("SELECT notice_first, what_i_do, who_i_call FROM exercises_setbackplan")
        row = cursor.fetchone()
    assert not any(word in value for value in row for word in ("slaap", "schudden", "Ellen"))
    html = text(browser.get(PLAN))
    assert (
        "Je terugvalplan is bewaard." in html
        and field_value(html, "helpful_exercises") == "Schudden"
    )


def test_a_bad_plan_is_422_and_keeps_what_was_typed(anna, browser):
    move_to_step_5(anna)
    response = browser.post(PLAN, {"notice_first": "Hoofdpijn", "what_i_do": "y" * 2001})
    assert response.status_code == 422
    html = text(response)
    assert field_value(html, "notice_first") == "Hoofdpijn"
    assert 'id="id_what_i_do_error"' in html
    assert not SetbackPlan.objects.exists()


# --- the home panel and the Pijntest report ----------------------------------------------------


def test_the_home_panel_shows_the_step_todays_exercise_and_progress(anna, browser):
    noor = client_user("noor-thuis@example.org", consent=False)
    html = text(signed_in(noor).get("/"))
    assert 'id="home-program"' in html and "Bekijk het programma" in html
    assert not ProgramProgress.objects.exists()
    html = text(browser.get("/"))  # a client with consent starts here, so practice counts
    assert ProgramProgress.objects.get(user=anna).current_step == 1
    practise_days(anna, 2)
    html = text(browser.get("/"))
    assert "Stap 1: Herkenning" in html and "Vandaag voorgesteld:" in html
    suggested = re.search(r'Vandaag voorgesteld: <a href="/oefeningen/([^/]+)/oefenen/"', html)
    assert suggested and suggested.group(1) in program.step(1).exercises
    assert "Dagen met oefening in deze stap: 2 van 5" in html
    ready_to_go_on(anna)
    browser.post(advance_url(1))
    assert "Stap 2: Regulatie" in text(browser.get("/"))  # the cached panel was dropped


def test_the_pijntest_report_says_where_to_start_in_the_program(anna, browser):
    result = pijntest_result(anna)
    html = text(browser.get(f"/pijntest/uitslag/{result.pk}/"))
    assert "Waar je begint in het 5-stappenprogramma" in html
    assert "Jij begint bij stap 1: Herkenning." in html and program.step(1).goal["nl"] in html
    assert 'href="/programma/stap/1/"' in html
    assert "Drie oefeningen om mee te beginnen" in html  # the report's exercises stay
