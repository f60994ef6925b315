"""Emails: rendering in the recipient's language, enqueueing on commit, the real database worker."""

import logging

import pytest
from django.conf import settings as django_settings
from django.db import transaction
from django.template import TemplateDoesNotExist
from django.utils import translation
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from lijfwijs.core.mail import email_language, render_email, send_email
from lijfwijs.core.tasks import send_email_task

NOTICE = "emails/test_notice"

# A test message in a temporary templates folder. "January" is in Django's own catalogue, so it
# shows that gettext runs in the requested language without waiting for our .po files.
NOTICE_TEMPLATES = {
    "test_notice_subject.txt": (
        "{% load i18n %}{% get_current_language as LANG %}\n"
        "  [{{ LANG }}] {{ title }}\n  {% translate 'January' %}\n"
    ),
    "test_notice.txt": (
        '{% extends "emails/base.txt" %}{% load i18n %}{% block content %}'
        "{% get_current_language as LANG %}Taal: {{ LANG }}\n"
        "Hallo {{ name }}, {% translate 'January' %}{% endblock %}"
    ),
    "test_notice.html": (
        '{% extends "emails/base.html" %}{% load i18n %}{% block content %}'
        "<p>Hallo {{ name }}, {% translate 'January' %}</p>{% endblock %}"
    ),
}
CONTEXT = {"title": "Tom & Jerry", "name": "Tom & Jerry <3"}


@pytest.fixture
def notice(settings, tmp_path):
    """The test message, found beside every app's templates (and emails/base.*)."""
    folder = tmp_path / "emails"
    folder.mkdir()
    for name, source in NOTICE_TEMPLATES.items():
        (folder / name).write_text(source)
    settings.TEMPLATES = [{**django_settings.TEMPLATES[0], "DIRS": [tmp_path]}]
    return NOTICE


def test_render_in_dutch(notice):
    email = render_email(notice, CONTEXT, "nl")
    assert email.subject == "[nl] Tom & Jerry januari"
    assert email.text.startswith("Taal: nl\nHallo Tom & Jerry <3, januari\n")
    assert "Deze e-mail komt van Lijfwijs." in email.text
    assert django_settings.SITE_URL in email.text
    assert '<html lang="nl">' in email.html
    assert "<p>Hallo Tom &amp; Jerry &lt;3, januari</p>" in email.html
    assert f'href="{django_settings.SITE_URL}"' in email.html


def test_render_in_english_whatever_language_is_active(notice):
    with translation.override("nl"):
        email = render_email(notice, CONTEXT, "en")
        assert translation.get_language() == "nl"
    assert email.subject == "[en] Tom & Jerry January"
    assert email.text.startswith("Taal: en\nHallo Tom & Jerry <3, January\n")
    assert '<html lang="en">' in email.html
    assert "January" in email.html


@pytest.mark.parametrize(
    "given,expected", [("nl", "nl"), ("en", "en"), ("en-gb", "en"), ("fr", "nl"), ("", "nl")]
)
def test_email_language_falls_back_to_dutch(given, expected):
    assert email_language(given) == expected


def test_send_email_refuses_missing_template_and_non_json_context(notice, mailoutbox):
    with pytest.raises(TemplateDoesNotExist):
        send_email("anna@example.org", "emails/does_not_exist", {}, "nl")
    with pytest.raises(TypeError):
        send_email("anna@example.org", notice, {"user": object()}, "nl")
    assert mailoutbox == []


@pytest.mark.django_db
def test_send_email_enqueues_a_task_when_the_transaction_commits(
    notice, mailoutbox, django_capture_on_commit_callbacks
):
    context = {"title": "Hallo", "name": "Anna"}
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            send_email("anna@example.org", notice, context, "en-us")
            context["name"] = "changed after the call"
        assert not DBTaskResult.objects.exists()
        assert mailoutbox == []

    assert len(callbacks) == 1
    result = DBTaskResult.objects.get()
    assert result.status == TaskResultStatus.READY
    assert result.task_path == "lijfwijs.core.tasks.send_email_task"
    assert result.args_kwargs == {
        "args": [],
        "kwargs": {
            "to": "anna@example.org",
            "template": notice,
            "context": {"title": "Hallo", "name": "Anna"},
            "language": "en",
        },
    }
    # Enqueued, not sent: that is the worker's job.
    assert mailoutbox == []


@pytest.mark.django_db(transaction=True)
def test_nothing_is_enqueued_when_the_transaction_rolls_back(notice, mailoutbox):
    with pytest.raises(RuntimeError), transaction.atomic():
        send_email("anna@example.org", notice, CONTEXT, "nl")
        raise RuntimeError("the change fails")
    assert not DBTaskResult.objects.exists()
    assert mailoutbox == []


@pytest.mark.django_db(transaction=True)
def test_worker_sends_the_email_in_the_recipients_language(notice, mailoutbox, run_worker):
    with transaction.atomic():
        send_email("anna@example.org", notice, CONTEXT, "en")
        assert not DBTaskResult.objects.exists()
    assert DBTaskResult.objects.get().status == TaskResultStatus.READY
    assert mailoutbox == []

    with translation.override("nl"):  # the worker's own language does not matter
        run_worker()

    result = DBTaskResult.objects.get()
    assert result.status == TaskResultStatus.SUCCESSFUL
    [message] = mailoutbox
    assert message.to == ["anna@example.org"]
    assert message.from_email == django_settings.DEFAULT_FROM_EMAIL
    assert message.subject == "[en] Tom & Jerry January"
    assert message.body.startswith("Taal: en\nHallo Tom & Jerry <3, January\n")
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    assert '<html lang="en">' in html
    assert "Tom &amp; Jerry &lt;3" in html


@pytest.mark.django_db(transaction=True)
def test_a_failed_send_is_recorded_and_sends_nothing(mailoutbox, run_worker):
    send_email_task.enqueue(
        to="anna@example.org", template="emails/gone", context={}, language="nl"
    )
    run_worker()
    result = DBTaskResult.objects.get()
    assert result.status == TaskResultStatus.FAILED
    assert result.exception_class_path == "django.template.exceptions.TemplateDoesNotExist"
    assert mailoutbox == []


@pytest.mark.django_db
def test_a_queue_that_is_down_does_not_fail_the_committed_change(
    notice, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    class QueueDown:
        def enqueue(self, **kwargs):
            raise ConnectionError("redis is down")

    monkeypatch.setattr("lijfwijs.core.tasks.send_email_task", QueueDown())
    with django_capture_on_commit_callbacks(execute=True):
        send_email("anna@example.org", notice, CONTEXT, "nl")
    [record] = [r for r in caplog.records if r.name == "lijfwijs.core.mail"]
    assert record.levelno == logging.ERROR
    assert record.getMessage() == f"Could not enqueue email {notice}"
    assert "anna@example.org" not in caplog.text
