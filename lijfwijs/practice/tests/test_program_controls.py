"""The practitioner and a client's 5-step program: seeing the step and progress (never the
reflections), opening the next step early, holding a step, going back to the rule; only with the
client's consent (another practitioner, a revoked one: 404)."""

import re

import pytest
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from lijfwijs.accounts.models import AccessLog, PractitionerAccess
from lijfwijs.accounts.services import withdraw_health_consent
from lijfwijs.accounts.tests.helpers import (
    access_log_rows,
    give_access,
    make_client_user,
    signed_in_browser,
)
from lijfwijs.program import program, services
from lijfwijs.program.models import ProgramProgress
from lijfwijs.program.tests.program_helpers import ready_to_go_on

pytestmark = pytest.mark.django_db


def client_page(user) -> str:
    return f"/praktijk/clienten/{user.pk}/"


def controls(user) -> str:
    return f"/praktijk/clienten/{user.pk}/programma/"


@pytest.fixture
def access(anna, pieter):
    return give_access(anna, pieter)


def html_of(response) -> str:
    return response.content.decode()


def test_the_practitioner_sees_the_step_and_progress_but_not_the_reflections(
    anna, pieter, pieter_browser, access
):
    html = html_of(pieter_browser.get(client_page(anna)))
    assert "Deze cliënt is nog niet met het programma begonnen." in html
    assert not ProgramProgress.objects.exists()  # looking starts nothing
    ready_to_go_on(anna)
    before = len(access_log_rows(anna))
    response = pieter_browser.get(client_page(anna))
    assert response.status_code == 200
    html = html_of(response)
    assert "Stap 1 van 5: Herkenning" in html
    assert re.search(r"Dagen met oefening</dt><dd>\s*5 van 5", html)
    assert "Reflectie</dt><dd>beantwoord" in html
    assert "Mijn schouders gaan omhoog" not in html  # the answers are the client's alone
    rows = access_log_rows(anna)[before:]
    assert [(r.actor_id, r.kind, r.action) for r in rows] == [
        (pieter.pk, AccessLog.Kind.SUMMARY, AccessLog.Action.VIEW)
    ]


def test_unlocking_lets_the_client_go_on_early(anna, pieter, pieter_browser, access):
    response = pieter_browser.post(controls(anna), {"action": "unlock"})
    assert response.status_code == 302 and response["Location"] == client_page(anna)
    progress = ProgramProgress.objects.get(user=anna)
    assert (progress.current_step, progress.override, progress.override_by) == (1, "unlock", pieter)
    html = html_of(pieter_browser.get(client_page(anna)))
    assert "Anna kan nu door naar de volgende stap, na stap 1 (Herkenning)." in html
    assert "volgende stap vrijgegeven" in html and "door Pieter" in html
    assert services.advance(anna, 1)
    progress.refresh_from_db()
    assert (progress.current_step, progress.override) == (2, "")


def test_holding_keeps_the_client_in_the_step_and_clearing_restores_the_rule(
    anna, pieter, pieter_browser, access
):
    ready_to_go_on(anna)
    assert pieter_browser.post(controls(anna), {"action": "hold"}).status_code == 302
    assert not services.advance(anna, 1)
    anna_page = signed_in_browser(anna).get("/programma/stap/1/")
    assert "Je behandelaar vraagt je om nog even in deze stap te blijven." in html_of(anna_page)
    assert pieter_browser.post(controls(anna), {"action": "clear"}).status_code == 302
    progress = ProgramProgress.objects.get(user=anna)
    assert progress.override == "" and progress.override_by is None
    assert services.advance(anna, 1)


@pytest.mark.parametrize("data", [{}, {"action": ""}, {"action": "skip"}, {"action": "UNLOCK"}])
def test_a_choice_that_is_not_one_is_422_on_the_client_page(
    anna, pieter, pieter_browser, access, data
):
    before = len(access_log_rows(anna))
    response = pieter_browser.post(controls(anna), data)
    assert response.status_code == 422
    html = html_of(response)
    assert 'id="program-action-error"' in html and 'id="glance-heading"' in html
    assert len(access_log_rows(anna)) == before + 1  # the page shows the client's data again
    assert not ProgramProgress.objects.filter(override__gt="").exists()


def test_no_unlock_in_the_last_step(anna, pieter, pieter_browser, access):
    services.ensure_progress(anna)
    ProgramProgress.objects.filter(user=anna).update(current_step=program.LAST_STEP)
    html = html_of(pieter_browser.get(client_page(anna)))
    assert 'value="unlock"' not in html and "dit is de laatste stap" in html
    response = pieter_browser.post(controls(anna), {"action": "unlock"})
    assert response.status_code == 422 and "Je cliënt is al in de laatste stap." in html_of(
        response
    )


def test_a_client_without_health_data_consent_gets_no_program(content, pieter, pieter_browser):
    noor = make_client_user("noor-praktijk@example.org", consent=False)
    give_access(noor, pieter)
    response = pieter_browser.post(controls(noor), {"action": "unlock"})
    assert response.status_code == 422
    assert "geen toestemming gegeven voor het bewaren van" in html_of(response)
    assert not ProgramProgress.objects.exists()


def test_without_consent_or_after_revoking_it_is_404(
    anna, anna_browser, pieter, pieter_browser, rita_browser, access
):
    assert rita_browser.post(controls(anna), {"action": "unlock"}).status_code == 404
    anna_browser.post(f"/account/toegang/{access.pk}/intrekken/")
    assert PractitionerAccess.objects.get().status == PractitionerAccess.Status.REVOKED
    assert pieter_browser.post(controls(anna), {"action": "unlock"}).status_code == 404
    assert pieter_browser.get(client_page(anna)).status_code == 404
    assert not ProgramProgress.objects.exists()


def test_withdrawn_health_consent_ends_the_practitioners_view(anna, pieter, pieter_browser, access):
    pieter_browser.post(controls(anna), {"action": "hold"})
    withdraw_health_consent(anna)
    assert pieter_browser.post(controls(anna), {"action": "unlock"}).status_code == 404
    assert not ProgramProgress.objects.exists()


def test_clients_and_visitors_cannot_use_the_controls(anna, anna_browser, bram_browser, access):
    assert anna_browser.post(controls(anna), {"action": "unlock"}).status_code == 403
    assert bram_browser.post(controls(anna), {"action": "unlock"}).status_code == 403
    response = Client().post(controls(anna), {"action": "unlock"})
    assert response.status_code == 302 and response["Location"].startswith("/account/inloggen/")
    assert not ProgramProgress.objects.exists()


@hypothesis_settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    data=st.dictionaries(
        st.sampled_from(["action", "csrfmiddlewaretoken", "x"]),
        st.one_of(
            st.text(max_size=30),
            st.sampled_from(["unlock", "hold", "clear"]),
            st.lists(st.sampled_from(["unlock", "hold", "x"]), min_size=2, max_size=3),
        ),
    )
)
def test_fuzzed_controls_never_give_a_server_error(anna, pieter, pieter_browser, access, data):
    ProgramProgress.objects.filter(user=anna).delete()  # each example starts before the program
    response = pieter_browser.post(controls(anna), data)
    assert response.status_code in (302, 422)
    progress = ProgramProgress.objects.filter(user=anna).first()
    assert progress is None or progress.override in ("", "unlock", "hold")


def test_an_unlock_or_hold_is_in_the_access_log_as_a_change_and_the_client_sees_it(
    anna, pieter, pieter_browser, access
):
    before = len(access_log_rows(anna))
    for action in ("unlock", "hold", "clear"):
        assert pieter_browser.post(controls(anna), {"action": action}).status_code == 302
    changes = [r for r in access_log_rows(anna)[before:] if r.action == AccessLog.Action.CHANGE]
    assert [(r.actor_id, r.client_id, r.kind, r.object_ref) for r in changes] == [
        (pieter.pk, anna.pk, AccessLog.Kind.PROGRAM, action)
        for action in ("unlock", "hold", "clear")
    ]
    refused = pieter_browser.post(controls(anna), {"action": "niets"})
    assert refused.status_code == 422
    assert len([r for r in access_log_rows(anna) if r.action == AccessLog.Action.CHANGE]) == 3
    html = html_of(signed_in_browser(anna).get("/account/inzage/"))
    assert html.count("Stap in het 5-stappenprogramma: gewijzigd") == 3
    assert "pieter" in html.lower()


def test_the_page_reads_the_step_status_as_the_program_does(anna):
    """program_controls.read_status (one plain statement) gives services.status_for's answer:
    nothing yet, some days and prompts (an empty answer is none; another step's neither), all."""
    from lijfwijs.practice.program_controls import read_status
    from lijfwijs.program.models import Reflection
    from lijfwijs.program.tests.program_helpers import practise_days

    progress = services.ensure_progress(anna)
    assert read_status(anna, progress) == services.status_for(anna, progress)
    practise_days(anna, 2)
    prompt, empty, *_rest = sorted(program.step(1).prompt_keys)
    Reflection.objects.create(user=anna, step=1, prompt=prompt, answer="Mijn schouders")
    Reflection.objects.create(user=anna, step=2, prompt="ander", answer="x")
    Reflection.objects.update_or_create(user=anna, step=1, prompt=empty, defaults={"answer": ""})
    status = read_status(anna, progress)
    assert status == services.status_for(anna, progress) and not status.may_advance
    ready_to_go_on(anna)
    progress.refresh_from_db()
    status = read_status(anna, progress)
    assert status == services.status_for(anna, progress) and status.may_advance
