"""Alerts to practitioners: raised once per finding and practitioner however often or in how
many workers the task runs (SQLite, and PostgreSQL with DATABASE_URL), with an email that says
nothing about the client's health."""

import pytest
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from lijfwijs.accounts.models import User
from lijfwijs.accounts.services import revoke_access
from lijfwijs.accounts.tests.helpers import (
    give_access,
    make_client_user,
    make_practitioner,
    pijntest_result,
)
from lijfwijs.core import hooks
from lijfwijs.core.mail import render_email
from lijfwijs.core.tests.parallel import in_threads
from lijfwijs.diary.models import SafetyCheck
from lijfwijs.practice import alerts
from lijfwijs.practice.models import Alert

EMAIL_TASK = "lijfwijs.core.tasks.send_email_task"
CRISIS = {"crisis.thoughts": "yes"}
BLADDER = {"redflag.bladder": "yes"}


def people() -> tuple[User, User, User, User]:
    """Anna, who gave Pieter and Rita access; Sanne, a practitioner Anna never chose."""
    anna = make_client_user("anna@example.org", display_name="Anna Jansen")
    pieter = make_practitioner("pieter@example.org", language="nl")
    rita = make_practitioner("rita@example.org", language="en", practice_name="Praktijk Elders")
    sanne = make_practitioner("sanne@example.org")
    give_access(anna, pieter)
    give_access(anna, rita)
    return anna, pieter, rita, sanne


def raise_for(response) -> int:
    return alerts.raise_alerts.call(source=alerts.RESPONSE, source_id=response.pk)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("answers", "kind"),
    [
        (CRISIS, Alert.Kind.CRISIS),
        (BLADDER, Alert.Kind.URGENT),
        ({"redflag.fever": "yes"}, Alert.Kind.SAME_DAY),
        ({**BLADDER, **CRISIS}, Alert.Kind.CRISIS),  # one alert per source, the crisis first
    ],
)
def test_a_finding_gives_each_practitioner_with_access_one_alert(answers, kind):
    anna, pieter, rita, sanne = people()
    response = pijntest_result(anna, **answers)
    assert raise_for(response) == 2
    assert raise_for(response) == 0  # the task ran twice: nothing more
    assert sorted(
        Alert.objects.values_list("practitioner__email", "client_id", "kind", "response_id")
    ) == [(p.email, anna.pk, kind, response.pk) for p in (pieter, rita)]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "answers", [{}, {"redflag.weight_loss": "yes"}, {"redflag.morning_stiffness": "yes"}]
)
def test_no_alert_without_a_crisis_or_an_urgent_or_same_day_flag(answers):
    anna, *_ = people()
    assert raise_for(pijntest_result(anna, **answers)) == 0
    assert not Alert.objects.exists()


@pytest.mark.django_db
def test_only_practitioners_with_access_now_and_only_for_an_owned_response():
    anna, pieter, rita, _sanne = people()
    revoke_access(anna, rita.client_access.get(client=anna).pk)
    assert raise_for(pijntest_result(anna, **CRISIS)) == 1
    assert list(Alert.objects.values_list("practitioner", flat=True)) == [pieter.pk]
    assert raise_for(pijntest_result(None, **CRISIS)) == 0  # anonymous: nobody to alert
    assert alerts.raise_alerts.call(source=alerts.RESPONSE, source_id="gone") == 0
    assert Alert.objects.count() == 1


@pytest.mark.django_db
def test_a_yes_to_the_flare_up_safety_questions_raises_the_same_alerts():
    anna, pieter, rita, _ = people()
    check = SafetyCheck.objects.create(user=anna, flags=["fever"], level="same_day")
    calm = SafetyCheck.objects.create(user=anna, flags=[], level="none")
    for source_id in (check.pk, check.pk, calm.pk):
        alerts.raise_alerts.call(source=alerts.SAFETY_CHECK, source_id=str(source_id))
    assert sorted(Alert.objects.values_list("practitioner", "kind", "safety_check")) == [
        (pieter.pk, "same_day", check.pk),
        (rita.pk, "same_day", check.pk),
    ]


@pytest.mark.django_db
def test_erasing_the_source_erases_its_alerts():
    anna, *_ = people()
    response = pijntest_result(anna, **CRISIS)
    raise_for(response)
    response.delete()
    assert not Alert.objects.exists()


def test_the_hooks_are_declared_for_the_other_apps():
    assert alerts.safety_finding in hooks.functions("safety_finding")
    assert alerts.flare_safety_finding in hooks.functions("flare_safety_finding")


# --- Exactly once with real workers and parallel runs ------------------------------------------


def alert_tasks() -> list[DBTaskResult]:
    return list(DBTaskResult.objects.filter(task_path="lijfwijs.practice.alerts.raise_alerts"))


@pytest.mark.django_db(transaction=True)
def test_the_hook_enqueues_on_commit_and_two_worker_runs_give_one_alert_and_email(
    mailoutbox, run_worker
):
    anna, pieter, rita, _ = people()
    response = pijntest_result(anna, **CRISIS)  # (the assessments app may call the hook too)
    before = len(alert_tasks())
    with transaction.atomic():
        alerts.safety_finding(response.pk)
        alerts.safety_finding(response.pk)  # e.g. a retried request: the task is queued twice
        assert len(alert_tasks()) == before  # nothing before the commit
    assert len(alert_tasks()) == before + 2
    run_worker()
    run_worker()
    assert Alert.objects.count() == 2
    assert sorted(m.to[0] for m in mailoutbox) == [pieter.email, rita.email]


@pytest.mark.django_db(transaction=True)
def test_nothing_is_enqueued_when_the_finding_rolls_back():
    anna, *_ = people()
    response = pijntest_result(anna, **CRISIS)
    before = len(alert_tasks())
    with transaction.atomic():
        alerts.safety_finding(response.pk)
        transaction.set_rollback(True)
    assert len(alert_tasks()) == before


@pytest.mark.django_db(transaction=True)
def test_parallel_runs_of_the_task_raise_each_alert_once():
    """Real parallel connections (PostgreSQL with DATABASE_URL; SQLite serialises the writes)."""
    anna, pieter, rita, _ = people()
    for n in range(4):
        give_access(anna, make_practitioner(f"p{n}@example.org"))
    response = pijntest_result(anna, **BLADDER)
    DBTaskResult.objects.filter(task_path=EMAIL_TASK).delete()
    results = in_threads(lambda: raise_for(response), count=4)
    assert sum(results) == 6
    assert Alert.objects.count() == 6
    assert set(Alert.objects.values_list("kind", flat=True)) == {"urgent"}
    assert DBTaskResult.objects.filter(task_path=EMAIL_TASK).count() == 6  # one email each


# --- The email ---------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("answers", [CRISIS, BLADDER, {"redflag.fever": "yes"}])
def test_the_email_holds_nothing_about_the_clients_health(
    answers, outbox, django_capture_on_commit_callbacks
):
    anna, pieter, rita, _ = people()
    response = pijntest_result(anna, **answers)
    with django_capture_on_commit_callbacks(execute=True):
        raise_for(response)
    assert len(outbox) == 2
    words = [
        "crisis", "113", "rode vlag", "red flag", "urgent", "same_day", "plassen", "urine",
        "koorts", "fever", "zelfmoord", "dood", "Anna", "Jansen", anna.email, "PEG",
        response.pk, "pijntest", "uitslag",
    ]  # fmt: skip
    for message in outbox:
        [(html, _)] = message.alternatives
        for text in (message.subject, message.body, html):
            assert not [w for w in words if w.lower() in text.lower()], text
        assert "Log in" in message.body or "log in" in message.body.lower()
    dutch = next(m for m in outbox if m.to == [pieter.email])
    assert dutch.subject == "Een cliënt van je heeft aandacht nodig"
    assert "http://127.0.0.1:8000/\n" in dutch.body  # the start page, no client in the link


def test_the_email_renders_in_both_languages():
    for language in ("nl", "en"):
        email = render_email("practice/emails/alert", {"link": "https://x.example/"}, language)
        assert email.subject and "https://x.example/" in email.text and email.html
        assert f'<html lang="{language}">' in email.html


# --- From the stored response to the alert (the assessments app calls the hook) ----------------


@pytest.mark.django_db
@pytest.mark.parametrize(("answers", "kind"), [(CRISIS, "crisis"), (BLADDER, "urgent")])
def test_a_finding_sent_through_the_api_alerts_the_practitioner(
    answers, kind, outbox, django_capture_on_commit_callbacks
):
    from django.test import Client

    from lijfwijs.assessments.tests.factories import pijntest_answers

    anna, pieter, rita, _ = people()
    browser = Client()
    browser.force_login(anna)
    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post(
            "/api/v1/instruments/pijntest/responses",
            {"answers": pijntest_answers(**answers)},
            content_type="application/json",
        )
    assert response.status_code == 201
    assert sorted(Alert.objects.values_list("practitioner", "kind", "response_id")) == [
        (pieter.pk, kind, response.json()["id"]),
        (rita.pk, kind, response.json()["id"]),
    ]
    assert sorted(m.to[0] for m in outbox) == [pieter.email, rita.email]
