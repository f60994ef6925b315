"""Assignments: a practitioner gives a client an exercise (how often, how long) or opens the next
program step with a message; the client sees it on the start page and in the program; the
practitioner sees what the practice log and the program say about it. Only with the client's
grant (another client, practitioner, practice, a revoked one: 403/404)."""

import json
import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils.timezone import now
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from lijfwijs.accounts.localtime import local_today
from lijfwijs.accounts.models import AccessLog, Membership, PractitionerAccess, User
from lijfwijs.accounts.services import join_practice, revoke_access
from lijfwijs.accounts.tests.helpers import (
    PASSWORD,
    access_log_rows,
    give_access,
    make_client_user,
    make_practitioner,
    signed_in_browser,
)
from lijfwijs.core.tests.parallel import in_threads
from lijfwijs.exercises import services as practice_log
from lijfwijs.exercises.models import Exercise
from lijfwijs.practice import assignments
from lijfwijs.practice.assignments import adherence
from lijfwijs.practice.models import Assignment
from lijfwijs.program import program
from lijfwijs.program.models import ProgramProgress

pytestmark = pytest.mark.django_db


def page(user) -> str:
    return f"/praktijk/clienten/{user.pk}/opdrachten/"


def withdraw_url(assignment) -> str:
    return f"/praktijk/clienten/{assignment.client_id}/opdrachten/{assignment.pk}/intrekken/"


def html_of(response) -> str:
    return response.content.decode()


def text_of(response) -> str:
    """The page's text with the markup and extra white space taken out."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html_of(response)))


@pytest.fixture
def access(anna, pieter):
    return give_access(anna, pieter)


def exercise_form(slug: str = "bodyscan", **extra) -> dict[str, str]:
    return {
        "kind": "exercise",
        "oefening-exercise": slug,
        "oefening-frequency": "d1",
        "oefening-starts_on": "",
        "oefening-weeks": "2",
        "oefening-message": "Elke ochtend, vóór het ontbijt.",
    } | extra


def assign(browser: Client, client, **extra):
    data = exercise_form(**extra)
    if not data["oefening-starts_on"]:
        data["oefening-starts_on"] = local_today(client).isoformat()
    return browser.post(page(client), data)


def practise(user, slug: str = "bodyscan", days_ago: int = 0, **extra):
    exercise = Exercise.objects.get(slug=slug)
    extra.setdefault("seconds", 300)
    extra.setdefault("completed", True)
    started = assignments.timezone.now() - timedelta(days=days_ago)
    return practice_log.log_session(user, exercise, started_at=started, **extra)[0]


# --- the pure core --------------------------------------------------------------------------

DAY0 = date(2026, 3, 2)


def test_daily_for_two_weeks_counts_what_was_asked_so_far():
    days = [DAY0, DAY0, DAY0 + timedelta(days=3), DAY0 + timedelta(days=7)]
    a = adherence(DAY0, DAY0 + timedelta(days=13), 7, days, DAY0 + timedelta(days=7))
    assert (a.done, a.expected, a.total, a.days_elapsed) == (4, 8, 14, 8)
    assert [(w.done, w.expected, w.started) for w in a.weeks] == [(3, 7, True), (1, 7, True)]
    assert a.started and not a.finished and not a.on_track


def test_three_times_a_week_rounds_half_up_and_ignores_days_outside_the_period():
    days = [DAY0 - timedelta(days=1), DAY0 + timedelta(days=1), DAY0 + timedelta(days=30)]
    a = adherence(DAY0, DAY0 + timedelta(days=6), 3, days, DAY0 + timedelta(days=1))
    assert (a.done, a.expected, a.total) == (1, 1, 3)  # 3 × 2 / 7 = 0.86 → 1
    later = adherence(DAY0, DAY0 + timedelta(days=6), 3, days, DAY0 + timedelta(days=60))
    assert later.finished and (later.done, later.expected) == (1, 3)


def test_before_the_start_nothing_is_asked_yet():
    a = adherence(
        DAY0, DAY0 + timedelta(days=6), 14, [DAY0 - timedelta(days=1)], DAY0 - timedelta(days=2)
    )
    assert (a.done, a.expected, a.days_elapsed, a.started) == (0, 0, 0, False)
    assert not any(w.started for w in a.weeks)


def test_an_end_before_the_start_is_refused():
    with pytest.raises(ValueError):
        adherence(DAY0, DAY0 - timedelta(days=1), 7, [], DAY0)


periods = st.tuples(
    st.integers(min_value=0, max_value=8 * 7 - 1),  # the period's length - 1, in days
    st.integers(min_value=1, max_value=21),  # times per week
    st.lists(st.integers(min_value=-20, max_value=80), max_size=80),  # session days from DAY0
    st.integers(min_value=-20, max_value=80),  # today from DAY0
)


@given(periods)
def test_adherence_properties(period):
    length, per_week, offsets, today_offset = period
    ends_on = DAY0 + timedelta(days=length)
    today = DAY0 + timedelta(days=today_offset)
    days = [DAY0 + timedelta(days=n) for n in offsets]
    a = adherence(DAY0, ends_on, per_week, days, today)
    assert 0 <= a.done <= len(days)
    assert a.done == sum(w.done for w in a.weeks)  # every counted session is in one week
    assert 0 <= a.expected <= a.total
    assert len(a.weeks) == (length + 7) // 7
    assert sum(w.expected for w in a.weeks) >= a.total - len(a.weeks)  # rounding per week
    assert a.finished == (today > ends_on)
    if a.finished:
        assert a.expected == a.total
    if not a.started:
        assert a.done == a.expected == 0
    tomorrow = adherence(DAY0, ends_on, per_week, days, today + timedelta(days=1))
    assert tomorrow.expected >= a.expected and tomorrow.done >= a.done  # never goes back
    if length % 7 == 6:  # whole weeks: exactly what was asked
        assert a.total == per_week * (length + 1) // 7


@given(st.sampled_from(assignments.FREQUENCIES))
def test_each_frequency_is_said_as_it_was_chosen(choice):
    key, per_week = choice
    text = assignments.frequency_text(per_week)
    count = key[1]
    assert text == (f"{count}× per dag" if key[0] == "d" else f"{count}× per week")


# --- assigning an exercise ------------------------------------------------------------------


def test_assigning_an_exercise_shows_it_to_both_and_logs_one_change(
    anna, pieter, pieter_browser, anna_browser, access
):
    before = len(access_log_rows(anna))
    response = assign(pieter_browser, anna)
    assert response.status_code == 302 and response["Location"] == page(anna)
    made = Assignment.objects.get(client=anna)
    today = local_today(anna)
    assert (made.kind, made.exercise.slug, made.times_per_week) == ("exercise", "bodyscan", 7)
    assert (made.starts_on, made.ends_on) == (today, today + timedelta(days=13))
    assert (made.practitioner, made.practitioner_name) == (pieter, "Pieter")
    rows = access_log_rows(anna)[before:]
    assert [(r.actor_id, r.kind, r.action) for r in rows] == [
        (pieter.pk, AccessLog.Kind.ASSIGNMENTS, AccessLog.Action.CHANGE)
    ]

    response = pieter_browser.get(page(anna))
    text = text_of(response)
    assert "Bodyscan ziet Anna nu op de startpagina" in text or "ziet bodyscan" in text.lower()
    assert "1× per dag" in text and "Elke ochtend, vóór het ontbijt." in text
    assert "0 van 1 keer gedaan tot nu toe (14 in totaal)" in text
    assert access_log_rows(anna)[-1].action == AccessLog.Action.VIEW

    start = text_of(anna_browser.get("/"))
    assert "Van je behandelaar" in start and "Elke ochtend, vóór het ontbijt." in start
    assert "1× per dag, tot en met" in start and "van Pieter" in start
    assert "Tot nu toe 0 van de 1 keer gedaan." in start
    assert 'href="/oefeningen/bodyscan/oefenen/"' in html_of(anna_browser.get("/"))


def test_a_second_click_stores_one_assignment_and_one_log_row(anna, pieter, pieter_browser, access):
    before = len(access_log_rows(anna))
    assert assign(pieter_browser, anna).status_code == 302
    assert assign(pieter_browser, anna).status_code == 302
    assert Assignment.objects.filter(client=anna).count() == 1
    changes = [r for r in access_log_rows(anna)[before:] if r.action == AccessLog.Action.CHANGE]
    assert len(changes) == 1
    # another message or exercise is another assignment
    assert assign(pieter_browser, anna, **{"oefening-message": "Ook 's avonds"}).status_code == 302
    assert assign(pieter_browser, anna, **{"oefening-exercise": "schudden"}).status_code == 302
    assert Assignment.objects.filter(client=anna).count() == 3


@hypothesis_settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    data=st.dictionaries(
        st.sampled_from(
            ["kind", "oefening-exercise", "oefening-frequency", "oefening-starts_on"]
            + ["oefening-weeks", "oefening-message", "stap-step", "stap-message"]
        ),
        st.one_of(
            st.text(max_size=20),
            st.sampled_from(["exercise", "step", "bodyscan", "d1", "w6", "2", "8", "0", "-1"]),
            st.dates().map(date.isoformat),
            st.integers().map(str),
        ),
    )
)
def test_fuzzed_forms_never_give_a_server_error(anna, pieter, pieter_browser, access, data):
    response = pieter_browser.post(page(anna), data)
    assert response.status_code in (302, 422)
    for made in Assignment.objects.filter(client=anna):
        assert made.ends_on is None or made.starts_on <= made.ends_on
        assert made.kind == "step" or 1 <= made.times_per_week <= 21


def test_a_practice_session_counts_and_a_short_unfinished_one_does_not(
    anna, pieter, pieter_browser, anna_browser, access
):
    assign(pieter_browser, anna)
    practise(anna, seconds=30, completed=False)  # opened and closed: not a time done
    practise(anna, slug="schudden")  # another exercise
    assert "0 van 1 keer gedaan" in text_of(pieter_browser.get(page(anna)))
    practise(anna, seconds=90, completed=False)  # a minute and a half: counts
    practise(anna, seconds=20, completed=True)  # done to the end: counts
    assert "2 van 1 keer gedaan tot nu toe (14 in totaal)" in text_of(
        pieter_browser.get(page(anna))
    )
    assert "Tot nu toe 2 van de 1 keer gedaan." in text_of(anna_browser.get("/"))


def test_the_player_saving_a_session_counts_too(anna, pieter, pieter_browser, anna_browser, access):
    """Doing it is the normal practice log: the player posts the session, nothing is ticked."""
    assign(pieter_browser, anna, **{"oefening-exercise": "schudden"})
    response = anna_browser.post(
        "/oefeningen/logboek/",
        {"exercise": "schudden", "seconds": "120", "tension_before": "6", "tension_after": "3"},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 201
    assert "1 van 1 keer gedaan" in text_of(pieter_browser.get(page(anna)))


def test_adherence_over_a_week_with_the_numbers_per_week(anna, pieter, pieter_browser, access):
    today = local_today(anna)
    Assignment.objects.create(
        client=anna,
        practitioner=pieter,
        practitioner_name="Pieter",
        kind=Assignment.Kind.EXERCISE,
        exercise=Exercise.objects.get(slug="bodyscan"),
        times_per_week=14,  # 2× per dag
        starts_on=today - timedelta(days=9),
        ends_on=today + timedelta(days=4),
    )
    for days_ago in (9, 9, 8, 3, 1, 0, 12):  # the last one was before the start
        practise(anna, days_ago=days_ago)
    text = text_of(pieter_browser.get(page(anna)))
    assert "2× per dag" in text
    assert "6 van 20 keer gedaan tot nu toe (28 in totaal)" in text
    week = re.findall(
        r"<td class=\"num\">(\d+)</td><td class=\"num\">(\d+)</td>",
        html_of(pieter_browser.get(page(anna))),
    )
    assert week == [("4", "14"), ("2", "14")]  # the second week has run 3 days


def test_a_finished_assignment_is_klaar_and_leaves_the_start_page(
    anna, pieter, pieter_browser, anna_browser, access
):
    today = local_today(anna)
    Assignment.objects.create(
        client=anna,
        practitioner=pieter,
        practitioner_name="Pieter",
        kind=Assignment.Kind.EXERCISE,
        exercise=Exercise.objects.get(slug="bodyscan"),
        times_per_week=3,
        starts_on=today - timedelta(days=14),
        ends_on=today - timedelta(days=1),
    )
    practise(anna, days_ago=5)
    text = text_of(pieter_browser.get(page(anna)))
    assert "Klaar: 1 van 6 keer gedaan." in text and "Eerdere opdrachten" in text
    assert "Van je behandelaar" not in text_of(anna_browser.get("/"))


def test_withdrawing_takes_it_off_the_start_page_once(
    anna, pieter, pieter_browser, anna_browser, access
):
    assign(pieter_browser, anna)
    made = Assignment.objects.get(client=anna)
    before = len(access_log_rows(anna))
    response = pieter_browser.post(withdraw_url(made))
    assert response.status_code == 302 and response["Location"] == page(anna)
    made.refresh_from_db()
    assert made.withdrawn_at is not None
    assert pieter_browser.post(withdraw_url(made)).status_code == 302  # a second click
    rows = access_log_rows(anna)[before:]
    assert [(r.kind, r.action) for r in rows] == [
        (AccessLog.Kind.ASSIGNMENTS, AccessLog.Action.CHANGE)
    ]
    assert "Van je behandelaar" not in text_of(anna_browser.get("/"))
    assert "ingetrokken op" in text_of(pieter_browser.get(page(anna)))


def test_after_a_revoke_the_client_no_longer_sees_that_practitioners_requests(
    anna, pieter, pieter_browser, anna_browser, access
):
    assign(pieter_browser, anna)
    pieter_browser.post(page(anna), {"kind": "step", "stap-step": "2", "stap-message": "Ga"})
    assert "Van je behandelaar" in text_of(anna_browser.get("/"))
    revoke_access(anna, access.pk)
    assert "Van je behandelaar" not in text_of(anna_browser.get("/"))
    assert assignments.program_messages(anna, [2]) == []
    assert len(assignments.export(anna)) == 2  # still hers to read in the export


def test_a_colleague_sees_the_assignment_but_only_its_author_withdraws_it(
    anna, pieter, pieter_browser, access, rita
):
    assign(pieter_browser, anna)
    made = Assignment.objects.get(client=anna)
    colleague = make_practitioner("carla@example.org", display_name="Carla")  # Fysio De Brug
    give_access(anna, colleague)
    give_access(anna, rita)  # another practice, also with Anna's grant
    carla = signed_in_browser(colleague)
    assert "Elke ochtend" in text_of(carla.get(page(anna)))
    assert carla.post(withdraw_url(made)).status_code == 404
    other_practice = signed_in_browser(rita)
    assert "Elke ochtend" not in text_of(other_practice.get(page(anna)))
    assert other_practice.post(withdraw_url(made)).status_code == 404
    made.refresh_from_db()
    assert made.withdrawn_at is None


# --- opening a step -------------------------------------------------------------------------


def test_opening_a_step_really_opens_it_with_the_message(
    anna, pieter, pieter_browser, anna_browser, access
):
    before = len(access_log_rows(anna))
    response = pieter_browser.post(
        page(anna), {"kind": "step", "stap-step": "2", "stap-message": "Je bent er klaar voor!"}
    )
    assert response.status_code == 302
    progress = ProgramProgress.objects.get(user=anna)
    assert (progress.current_step, progress.override, progress.override_by) == (1, "unlock", pieter)
    made = Assignment.objects.get(client=anna)
    assert (made.kind, made.step, made.message) == ("step", 2, "Je bent er klaar voor!")
    rows = access_log_rows(anna)[before:]
    assert [(r.kind, r.action) for r in rows] == [
        (AccessLog.Kind.ASSIGNMENTS, AccessLog.Action.CHANGE)
    ]
    assert "Stap 2 is open; je cliënt is er nog niet naartoe gegaan." in text_of(
        pieter_browser.get(page(anna))
    )

    start = text_of(anna_browser.get("/"))
    assert "Stap 2 is voor je geopend" in start and "Je bent er klaar voor!" in start
    step1 = text_of(anna_browser.get("/programma/stap/1/"))
    assert "Pieter heeft stap 2 voor je geopend" in step1 and "Je bent er klaar voor!" in step1
    assert "Ga door naar stap 2" in step1
    assert "Je bent er klaar voor!" in text_of(anna_browser.get("/programma/"))

    assert anna_browser.post("/programma/stap/1/verder/").status_code == 302
    assert ProgramProgress.objects.get(user=anna).current_step == 2
    assert "Je bent er klaar voor!" in text_of(anna_browser.get("/programma/stap/2/"))
    assert "Je cliënt is in stap 2 of verder." in text_of(pieter_browser.get(page(anna)))
    assert "Stap 2 is voor je geopend" not in text_of(anna_browser.get("/"))
    # the next step to open is now 3; an old form for 2 opens nothing
    stale = pieter_browser.post(
        page(anna), {"kind": "step", "stap-step": "2", "stap-message": "Nog eens"}
    )
    assert stale.status_code == 422
    assert "intussen in een andere stap" in text_of(stale) and "Nog eens" in html_of(stale)
    assert 'name="stap-step" value="3"' in html_of(stale)
    assert Assignment.objects.filter(client=anna).count() == 1


def test_an_opened_step_is_not_opened_twice(anna, pieter, pieter_browser, access):
    form = {"kind": "step", "stap-step": "2", "stap-message": "Ga maar"}
    assert pieter_browser.post(page(anna), form).status_code == 302
    again = pieter_browser.post(page(anna), form | {"stap-message": "Nog een keer"})
    assert again.status_code == 422
    assert "Stap 2 is al voor je cliënt geopend." in text_of(again)
    assert Assignment.objects.filter(client=anna).count() == 1
    assert "Stap 2 openen" not in text_of(pieter_browser.get(page(anna)))


def test_the_notes_and_assignments_tab_shows_the_section_and_logs_only_its_own_look(
    anna, pieter, pieter_browser, access
):
    assign(pieter_browser, anna)
    before = len(access_log_rows(anna))
    response = pieter_browser.get(f"/praktijk/clienten/{anna.pk}/notities-en-opdrachten/")
    assert response.status_code == 200
    html = html_of(response)
    assert 'id="assignments-heading"' in html and "Elke ochtend, vóór het ontbijt." in html
    assert 'name="back" value="client"' in html
    assert [r.kind for r in access_log_rows(anna)[before:]] == [AccessLog.Kind.NOTES]


def test_forms_on_the_notes_and_assignments_tab_lead_back_to_it(
    anna, pieter, pieter_browser, access
):
    tab = f"/praktijk/clienten/{anna.pk}/notities-en-opdrachten/"
    response = assign(pieter_browser, anna, back="client")
    assert response["Location"] == f"{tab}#assignments-heading"
    made = Assignment.objects.get(client=anna)
    response = pieter_browser.post(withdraw_url(made), {"back": "client"})
    assert response["Location"] == f"{tab}#assignments-heading"
    assert assign(pieter_browser, anna, back="https://elders.example")["Location"] == page(anna)


def test_withdrawing_an_opened_step_closes_it_again_before_the_client_went_on(
    anna, pieter, pieter_browser, anna_browser, access
):
    pieter_browser.post(page(anna), {"kind": "step", "stap-step": "2", "stap-message": "Ga maar"})
    made = Assignment.objects.get(client=anna)
    assert pieter_browser.post(withdraw_url(made)).status_code == 302
    progress = ProgramProgress.objects.get(user=anna)
    assert (progress.current_step, progress.override) == (1, "")
    assert "Ga maar" not in text_of(anna_browser.get("/programma/stap/1/"))
    assert "Ga door naar stap 2" not in text_of(anna_browser.get("/programma/stap/1/"))


def test_in_the_last_step_there_is_nothing_to_open(anna, pieter, pieter_browser, access):
    ProgramProgress.objects.create(user=anna, start_step=5, current_step=program.LAST_STEP)
    assert "er is geen stap meer om te openen" in text_of(pieter_browser.get(page(anna)))
    response = pieter_browser.post(
        page(anna), {"kind": "step", "stap-step": "6", "stap-message": "Verder"}
    )
    assert response.status_code == 422
    assert not Assignment.objects.exists()


# --- rejected forms -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"oefening-exercise": "bestaat-niet"}, "Kies een oefening uit de lijst."),
        ({"oefening-exercise": ""}, "Kies een oefening."),
        ({"oefening-frequency": "d4"}, "hoogstens 3× per dag (21× per week)"),
        ({"oefening-frequency": "w22"}, "hoogstens 3× per dag (21× per week)"),
        ({"oefening-weeks": "0"}, "Kies een duur van 1 tot en met 8 weken."),
        ({"oefening-weeks": "9"}, "Kies een duur van 1 tot en met 8 weken."),
        ({"oefening-weeks": "-1"}, "Kies een duur van 1 tot en met 8 weken."),
        ({"oefening-starts_on": "2026-02-30"}, "Vul een datum in, zoals 2026-12-24."),
        ({"oefening-starts_on": "gisteren"}, "Vul een datum in, zoals 2026-12-24."),
        ({"oefening-starts_on": "2001-01-01"}, "Kies vandaag of een dag later als begin."),
        ({"oefening-starts_on": "2999-01-01"}, "Kies een begin binnen een jaar."),
        ({"oefening-message": "x" * 1001}, "hoogstens 1000 tekens"),
        ({"oefening-message": "\x00"}, "Null"),
    ],
)
def test_a_rejected_assignment_comes_back_with_the_message_and_what_was_typed(
    anna, pieter_browser, access, changes, message
):
    response = assign(pieter_browser, anna, **changes)
    assert response.status_code == 422
    html = html_of(response)
    assert message in html or (message == "Null" and "field-error" in html)
    assert 'class="field has-error"' in html
    if "oefening-message" not in changes:
        assert "Elke ochtend, vóór het ontbijt." in html  # what was typed is kept
    assert not Assignment.objects.exists()


def test_an_inactive_exercise_cannot_be_assigned(anna, pieter_browser, access):
    Exercise.objects.filter(slug="bodyscan").update(is_active=False)
    response = assign(pieter_browser, anna)
    assert response.status_code == 422 and "Kies een oefening uit de lijst." in html_of(response)


def test_an_empty_post_and_a_step_without_message_are_rejected(anna, pieter_browser, access):
    assert pieter_browser.post(page(anna)).status_code == 422
    response = pieter_browser.post(page(anna), {"kind": "step", "stap-step": "2"})
    assert response.status_code == 422
    assert "Schrijf je cliënt een kort bericht bij deze stap." in html_of(response)
    assert pieter_browser.post(page(anna), {"kind": "step", "stap-step": "x"}).status_code == 422
    assert not Assignment.objects.exists() and not ProgramProgress.objects.exists()


def test_without_health_consent_nothing_is_assigned(pieter, pieter_browser):
    noor = make_client_user("noor@example.org", consent=False, display_name="Noor")
    give_access(noor, pieter)
    response = assign(pieter_browser, noor)
    assert response.status_code == 422 and "geen toestemming" in html_of(response)
    assert not Assignment.objects.exists()


# --- who may ----------------------------------------------------------------------------------


def test_others_reach_nothing(
    anna, bram, pieter, pieter_browser, anna_browser, rita_browser, access
):
    assign(pieter_browser, anna)
    made = Assignment.objects.get(client=anna)
    colleague = signed_in_browser(make_practitioner("carla@example.org"))  # no grant
    ali = User.objects.create_user("ali@example.org", PASSWORD, role=User.Role.ASSISTANT)
    join_practice(ali, pieter.practice, Membership.Role.ASSISTANT)
    assistant = signed_in_browser(ali)
    for browser, status in (
        (anna_browser, 403),  # a client
        (signed_in_browser(bram), 403),
        (colleague, 404),  # a practitioner of the practice without Anna's grant
        (rita_browser, 404),  # another practice
        (assistant, 403),
    ):
        assert browser.get(page(anna)).status_code == status
        assert assign(browser, anna).status_code == status
        assert browser.post(withdraw_url(made)).status_code == status
    assert Client().get(page(anna)).status_code == 302  # signed out: to the login page
    assert pieter_browser.get(page(bram)).status_code == 404  # a client who granted nothing
    revoke_access(anna, PractitionerAccess.objects.get(client=anna, practitioner=pieter).pk)
    assert pieter_browser.get(page(anna)).status_code == 404
    assert pieter_browser.post(withdraw_url(made)).status_code == 404
    assert Assignment.objects.count() == 1 and made.withdrawn_at is None


def test_the_page_reads_a_fixed_number_of_queries(
    anna, pieter, pieter_browser, access, django_assert_num_queries
):
    assign(pieter_browser, anna)
    pieter_browser.post(page(anna), {"kind": "step", "stap-step": "2", "stap-message": "Ga"})
    pieter_browser.get(page(anna))
    with CaptureQueriesContext(connection) as few:
        assert pieter_browser.get(page(anna)).status_code == 200
    count = len(few)
    for slug in ("schudden", "gronden", "bodyscan", "niets-doen"):
        assign(pieter_browser, anna, **{"oefening-exercise": slug})
        practise(anna, slug=slug)
    with django_assert_num_queries(count):
        assert pieter_browser.get(page(anna)).status_code == 200


def test_the_start_page_reads_a_fixed_number_of_queries(
    anna, pieter, pieter_browser, anna_browser, access, django_assert_num_queries
):
    assign(pieter_browser, anna)
    pieter_browser.post(page(anna), {"kind": "step", "stap-step": "2", "stap-message": "Ga"})
    practise(anna)
    anna_browser.get("/")
    with CaptureQueriesContext(connection) as few:
        assert "Van je behandelaar" in text_of(anna_browser.get("/"))
    count = len(few)
    for slug in ("schudden", "gronden", "niets-doen", "rustig-ademen"):
        assign(pieter_browser, anna, **{"oefening-exercise": slug})
        practise(anna, slug=slug)
    anna_browser.get("/")  # the other panels' computed data, cached per data version
    with django_assert_num_queries(count):
        assert "Rustig ademen" in text_of(anna_browser.get("/"))


@pytest.mark.django_db(transaction=True)
def test_parallel_clicks_store_one_assignment_and_open_the_step_once(content):
    """Real parallel connections (PostgreSQL with DATABASE_URL; SQLite serialises the writes)."""
    anna = make_client_user("anna@example.org", display_name="Anna")
    pieter = make_practitioner("pieter@example.org", display_name="Pieter")
    give_access(anna, pieter)
    data = {k: v for k, v in exercise_form().items() if k != "kind"}
    data["oefening-starts_on"] = local_today(anna).isoformat()

    def give() -> int:
        form = assignments.ExerciseAssignmentForm(data, client=anna)
        assert form.is_valid(), form.errors
        return assignments.assign_exercise(anna, pieter, form).pk

    assert len(set(in_threads(give, count=4))) == 1

    def open_next() -> bool:
        form = assignments.StepAssignmentForm(
            {"stap-step": "2", "stap-message": "Ga maar"}, client=anna
        )
        return form.is_valid() and assignments.open_step(anna, pieter, form) is not None

    assert sum(in_threads(open_next, count=4)) == 1
    assert Assignment.objects.filter(client=anna).count() == 2
    changes = AccessLog.objects.filter(client_id=anna.pk, action=AccessLog.Action.CHANGE)
    assert changes.count() == 2


# --- the program's messages, the export and the erasure -------------------------------------


def test_program_messages_are_the_clients_own(anna, bram, pieter, pieter_browser, access):
    pieter_browser.post(page(anna), {"kind": "step", "stap-step": "2", "stap-message": "Voor Anna"})
    assert [m["message"] for m in assignments.program_messages(anna, [2])] == ["Voor Anna"]
    assert assignments.program_messages(anna, [3]) == []
    assert assignments.program_messages(bram, [2]) == []
    assert assignments.program_messages(pieter, [2]) == []


def test_the_clients_export_holds_them_and_withdrawing_consent_erases_them(
    anna, bram, pieter, pieter_browser, anna_browser, access
):
    assign(pieter_browser, anna)
    pieter_browser.post(page(anna), {"kind": "step", "stap-step": "2", "stap-message": "Ga"})
    give_access(bram, pieter)
    assign(pieter_browser, bram, **{"oefening-message": "Voor Bram"})
    assert anna_browser.post("/account/export/", {"password": PASSWORD}).status_code == 302
    response = anna_browser.get("/account/export/?bestand=1")
    exported = json.loads(response.content)["practice"]["assignments"]
    assert "Voor Bram" not in response.content.decode()
    assert [(e["kind"], e["exercise"], e["step"], e["practitioner"]) for e in exported] == [
        ("exercise", "bodyscan", None, "Pieter"),
        ("step", None, 2, "Pieter"),
    ]
    assert exported[0]["message"] == "Elke ochtend, vóór het ontbijt."
    assert exported[0]["times_per_week"] == 7 and exported[1]["withdrawn_at"] is None

    assert anna_browser.post("/account/toestemming/", {"action": "withdraw"}).status_code == 302
    assert not Assignment.objects.filter(client=anna).exists()
    assert Assignment.objects.filter(client=bram).count() == 1
    assert "Van je behandelaar" not in text_of(anna_browser.get("/"))


def test_the_client_pages_list_is_visible_to_with_the_exercises(
    anna, pieter, pieter_browser, access, rita
):
    """visible_list (one statement for the client's page) gives visible_to's assignments, newest
    first, with their exercises: the practice's for a colleague, none of them for another
    practice, and the other practice's own."""
    assign(pieter_browser, anna)
    assign(pieter_browser, anna, **{"oefening-exercise": "4-7-8-ademhaling"})
    colleague = make_practitioner("carla@example.org", display_name="Carla")  # Fysio De Brug
    give_access(anna, colleague)
    give_access(anna, rita)
    assign(signed_in_browser(rita), anna)
    assert Assignment.objects.filter(client=anna).count() == 3
    for reader in (pieter, colleague, rita):
        expected = list(assignments.visible_to(reader, anna).order_by("-created_at"))
        found = assignments.visible_list(reader, anna)
        assert [a.pk for a in found] == [a.pk for a in expected], reader
        assert [a.exercise.slug for a in found] == [a.exercise.slug for a in expected]
    assert len(assignments.visible_list(pieter, anna)) == 2


def test_program_messages_statement_follows_for_client(anna, pieter, pieter_browser, access):
    """The statement behind program_messages repeats for_client's rule (withdrawn ones out),
    oldest first, for one step or several."""
    pieter_browser.post(page(anna), {"kind": "step", "stap-step": "2", "stap-message": "Eerst"})
    pieter_browser.post(page(anna), {"kind": "step", "stap-step": "3", "stap-message": "Dan"})
    Assignment.objects.filter(client=anna, step=3).update(withdrawn_at=now())
    pieter_browser.post(page(anna), {"kind": "step", "stap-step": "4", "stap-message": "Later"})
    for steps in ([2], [2, 3, 4], [4, 2], [5]):
        expected = [
            a.message
            for a in assignments.for_client(anna)
            .filter(kind=Assignment.Kind.STEP, step__in=steps)
            .order_by("created_at")
        ]
        assert [m["message"] for m in assignments.program_messages(anna, steps)] == expected
    assert assignments.program_messages(anna, []) == []


def test_opened_is_its_querysets_rule(anna, bram, pieter):
    """`opened` runs the compiled SQL of its queryset: a step opened for this client, not
    withdrawn; not another step, another client's, an exercise or a withdrawn one."""
    give_access(anna, pieter)
    give_access(bram, pieter)
    today = local_today(anna)
    exercise = Exercise.objects.active().first()

    def made(client, **fields):
        return Assignment.objects.create(
            client=client, practitioner=pieter, starts_on=today, message="Ga", **fields
        )

    made(anna, kind=Assignment.Kind.STEP, step=2)
    made(anna, kind=Assignment.Kind.STEP, step=3, withdrawn_at=now())
    made(bram, kind=Assignment.Kind.STEP, step=4)
    made(
        anna,
        kind=Assignment.Kind.EXERCISE,
        exercise=exercise,
        times_per_week=7,
        ends_on=today + timedelta(days=6),
    )
    for client in (anna, bram):
        for step in range(1, program.LAST_STEP + 1):
            expected = Assignment.objects.filter(
                client=client, kind=Assignment.Kind.STEP, step=step, withdrawn_at__isnull=True
            ).exists()
            assert assignments.opened(client, step) is expected, (client, step)
    assert assignments.opened(anna, 2) and assignments.opened(bram, 4)
    assert not assignments.opened(anna, 3) and not assignments.opened(anna, 4)


def _same_markup(html: str) -> str:
    """White space does not change what is shown: runs of it as one space, none between tags."""
    return re.sub(r"\s+", " ", re.sub(r">\s+<", "><", str(html))).strip()


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("state", ["nothing", "assignments", "last step"])
def test_the_tabs_assignments_section_is_the_template_written_in_one_pass(
    anna, pieter, language, state
):
    """`section_markup` writes what `_client_assignments.html` writes with the empty forms: no
    assignments and a step to open, current and past ones with the next step opened already
    (messages and names that need escaping), and a client in the last step."""
    from django.template.loader import render_to_string
    from django.test import RequestFactory
    from django.utils import translation

    give_access(anna, pieter)
    today = local_today(anna)
    User.objects.filter(pk=pieter.pk).update(display_name="Pieter <P> & 'Q'")
    pieter.refresh_from_db()
    if state == "assignments":
        exercises = list(Exercise.objects.active()[:2])
        for n, exercise in enumerate(exercises):
            Assignment.objects.create(
                client=anna,
                practitioner=pieter,
                practitioner_name=str(pieter),
                kind=Assignment.Kind.EXERCISE,
                exercise=exercise,
                times_per_week=3,
                starts_on=today - timedelta(days=9 + 20 * n),
                ends_on=today + timedelta(days=4 - 20 * n),
                message="Doe <dit>\nelke dag & 'meer'",
            )
        ProgramProgress.objects.create(user=anna, start_step=1, current_step=1)
        Assignment.objects.create(
            client=anna,
            practitioner=pieter,
            kind=Assignment.Kind.STEP,
            step=2,
            starts_on=today,
            message='Stap <2> & "zo"',
        )
    if state == "last step":
        ProgramProgress.objects.create(user=anna, start_step=5, current_step=program.LAST_STEP)
    request = RequestFactory().get("/")
    request.user = pieter
    with translation.override(language):
        section = assignments.client_section(request, anna)
        expected = render_to_string("practice/_client_assignments.html", section)
        assert _same_markup(assignments.section_markup(section)) == _same_markup(expected)
    if state == "assignments":
        assert "Doe &lt;dit&gt;<br>elke dag &amp; &#x27;meer&#x27;" in expected
        assert expected.count('<li class="card">') == 3 and "Pieter &lt;P&gt;" in expected
