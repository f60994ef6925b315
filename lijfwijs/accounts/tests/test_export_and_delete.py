"""The GDPR rights on the account pages: export everything (JSON) and delete everything."""

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from freezegun import freeze_time

from lijfwijs.accounts.models import (
    AccessLog,
    Consent,
    ConsentText,
    Invitation,
    PractitionerAccess,
    User,
)
from lijfwijs.accounts.tests.helpers import (
    PASSWORD,
    give_access,
    log_in,
    pijntest_result,
)
from lijfwijs.assessments.models import Response

pytestmark = pytest.mark.django_db


def register_consent(user):
    """The factory gives consent as registration does; make sure it is there."""
    assert Consent.objects.filter(user=user, kind=ConsentText.Kind.HEALTH_DATA).exists()


# --- export ----------------------------------------------------------------------------------


def test_the_export_page_asks_for_the_password(anna_browser):
    response = anna_browser.get("/account/export/")
    assert response.status_code == 200
    assert 'name="password"' in response.content.decode()
    assert "no-store" in response["Cache-Control"]


def test_a_wrong_password_is_422_and_exports_nothing(anna_browser):
    response = anna_browser.post("/account/export/", {"password": "niet mijn wachtwoord"})
    assert response.status_code == 422
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert 'id="id_password_error"' in html
    assert 'aria-describedby="id_password_error"' in html and 'aria-invalid="true"' in html
    assert "niet mijn wachtwoord" not in html and "refresh" not in html


def test_the_export_has_every_section_and_only_annas_data(
    anna, anna_browser, bram, pieter, pieter_browser, rita
):
    register_consent(anna)
    register_consent(bram)
    result = pijntest_result(anna, peg=6)
    bram_result = pijntest_result(bram, peg=2)
    anonymous = pijntest_result(None, peg=3)
    give_access(anna, pieter)
    give_access(bram, rita)
    Invitation.objects.create(practitioner=rita, email="bram@example.org")
    pieter_browser.get(f"/praktijk/clienten/{anna.pk}/")

    response = download(anna_browser)
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="lijfwijs-export.json"'
    assert "no-store" in response["Cache-Control"]
    data = json.loads(response.content)

    assert data["format"] == "lijfwijs-export" and data["version"] == 1
    account = data["account"]
    assert account["profile"]["email"] == "anna@example.org"
    assert account["profile"]["display_name"] == "Anna"
    assert account["profile"]["role"] == "client"
    assert [c["kind"] for c in account["consents"]] == ["health_data"]
    assert account["consents"][0]["version"] == ConsentText.current("health_data").version
    [access] = account["practitioner_access"]
    assert access["practitioner"] == "pieter@example.org" and access["status"] == "active"
    [logged] = account["access_log"]
    assert logged["actor"] == "pieter@example.org" and logged["kind"] == "summary"
    assert account["invitations"] == []

    [exported] = data["assessments"]["responses"]
    assert exported["id"] == result.pk
    assert exported["answers"] == result.answers and exported["answers"]["peg.pain"] == 6
    assert exported["result"] == result.result and exported["result"]["pain"]["peg"] == 6.0

    text = response.content.decode()
    for foreign in ["bram@example.org", "rita@example.org", bram_result.pk, anonymous.pk]:
        assert foreign not in text


def test_the_export_needs_a_login(client, content):
    assert client.get("/account/export/").status_code == 302
    assert client.post("/account/export/", {"password": PASSWORD}).status_code == 302
    assert client.get("/account/export/?bestand=1").status_code == 302


def download(browser):
    """The right password, then the file the page fetches (POST, redirect, GET)."""
    posted = browser.post("/account/export/", {"password": PASSWORD})
    assert posted.status_code == 302 and posted["Location"] == "/account/export/"
    page = browser.get("/account/export/").content.decode()
    assert 'http-equiv="refresh" content="0;url=?bestand=1"' in page
    response = browser.get("/account/export/?bestand=1")
    assert response.status_code == 200
    return response


def test_after_a_download_the_page_says_so_without_an_error(anna_browser):
    anna_browser.post("/account/export/", {"password": "niet mijn wachtwoord"})
    anna_browser.post("/account/export/", {"password": PASSWORD})
    html = anna_browser.get("/account/export/").content.decode()
    assert "notice-success" in html and "Je download begint nu" in html
    assert "field-error" not in html and "klopt niet" not in html
    assert PASSWORD not in html
    # a reload neither downloads again nor shows the notice; the file stays open a few minutes
    again = anna_browser.get("/account/export/").content.decode()
    assert "refresh" not in again and "notice-success" not in again
    assert anna_browser.get("/account/export/?bestand=1").status_code == 200


def test_the_file_needs_a_fresh_password(anna_browser):
    response = anna_browser.get("/account/export/?bestand=1")
    assert response.status_code == 302 and response["Location"] == "/account/export/"
    anna_browser.post("/account/export/", {"password": PASSWORD})
    with freeze_time(timezone.now() + timedelta(minutes=6)):
        late = anna_browser.get("/account/export/?bestand=1")
    assert late.status_code == 302
    assert "wachtwoord opnieuw" in anna_browser.get("/account/export/").content.decode()


def test_the_file_is_only_ones_own(anna_browser, bram, content):
    anna_browser.post("/account/export/", {"password": PASSWORD})
    other = Client()
    other.force_login(bram, backend="lijfwijs.accounts.backends.UserBackend")
    assert other.get("/account/export/?bestand=1").status_code == 302


# --- deletion --------------------------------------------------------------------------------


def test_a_wrong_password_or_no_confirmation_deletes_nothing(anna, anna_browser):
    page = anna_browser.get("/account/verwijderen/")
    assert page.status_code == 200 and 'name="confirm"' in page.content.decode()
    wrong = anna_browser.post(
        "/account/verwijderen/", {"password": "niet mijn wachtwoord", "confirm": "on"}
    )
    assert wrong.status_code == 422
    assert 'id="id_password_error"' in wrong.content.decode()
    unconfirmed = anna_browser.post("/account/verwijderen/", {"password": PASSWORD})
    assert unconfirmed.status_code == 422
    assert 'id="id_confirm_error"' in unconfirmed.content.decode()
    assert User.objects.filter(pk=anna.pk).exists()
    assert anna_browser.get("/account/").status_code == 200


def test_deleting_removes_everything_but_the_access_log(
    anna, anna_browser, bram, pieter, pieter_browser
):
    register_consent(anna)
    register_consent(bram)
    result = pijntest_result(anna)
    bram_result = pijntest_result(bram)
    give_access(anna, pieter)
    give_access(bram, pieter)
    Invitation.objects.create(practitioner=pieter, email="anna@example.org")
    pieter_browser.get(f"/pijntest/uitslag/{result.pk}/")
    assert pieter_browser.get(f"/praktijk/clienten/{anna.pk}/").status_code == 200
    anna_id = anna.pk

    response = anna_browser.post("/account/verwijderen/", {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == 200
    assert "Je account is verwijderd" in response.content.decode()

    assert not User.objects.filter(pk=anna_id).exists()
    assert not Response.objects.filter(pk=result.pk).exists()
    assert not Consent.objects.filter(user_id=anna_id).exists()
    assert not PractitionerAccess.objects.filter(client_id=anna_id).exists()
    assert not Invitation.objects.filter(email="anna@example.org").exists()
    assert AccessLog.objects.about(anna_id).count() == 2
    # Bram and his access are untouched.
    assert Response.objects.filter(pk=bram_result.pk).exists()
    assert Consent.objects.filter(user=bram).count() == 1
    assert PractitionerAccess.objects.active().filter(client=bram).exists()

    # Pieter sees nothing of Anna any more.
    assert pieter_browser.get(f"/praktijk/clienten/{anna_id}/").status_code == 404
    assert pieter_browser.get(f"/pijntest/uitslag/{result.pk}/").status_code == 404
    assert "anna@example.org" not in pieter_browser.get("/praktijk/").content.decode()
    # Anna is logged out, and cannot log in again.
    assert anna_browser.get("/account/").status_code == 302
    assert (
        Client()
        .post("/account/inloggen/", {"username": "anna@example.org", "password": PASSWORD})
        .status_code
        == 422
    )


def test_a_practitioner_can_delete_their_account_too(anna, pieter, pieter_browser):
    give_access(anna, pieter)
    response = pieter_browser.post("/account/verwijderen/", {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == 200
    assert not User.objects.filter(email="pieter@example.org").exists()
    assert not PractitionerAccess.objects.exists()
    assert not TOTPDevice.objects.exists()
    assert User.objects.filter(pk=anna.pk).exists()


def test_the_email_address_can_be_used_again_after_deletion(anna, anna_browser):
    anna_browser.post("/account/verwijderen/", {"password": PASSWORD, "confirm": "on"})
    User.objects.create_user("anna@example.org", PASSWORD)
    log_in(Client(), "anna@example.org")


# --- the task queue forgets the person too --------------------------------------------------


def queued_text() -> str:
    from django_tasks_db.models import DBTaskResult

    return json.dumps(list(DBTaskResult.objects.values_list("args_kwargs", flat=True)))


def test_deleting_removes_the_persons_emails_from_the_task_table(
    anna, anna_browser, pieter, pieter_browser, bram, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    with django_capture_on_commit_callbacks(execute=True):
        # emails to Anna (a reset link, an email change) and an invitation Pieter sends her
        Client().post("/account/wachtwoord-vergeten/", {"email": anna.email})
        anna_browser.post(
            "/account/e-mail/", {"new_email": "anna.elders@example.org", "password": PASSWORD}
        )
        pieter_browser.post("/praktijk/uitnodigingen/", {"email": "iemand.nieuw@example.org"})
        Client().post("/account/wachtwoord-vergeten/", {"email": bram.email})
    DBTaskResult.objects.update(status="SUCCESSFUL")  # as if a worker had sent them
    assert "anna@example.org" in queued_text() and "Pieter" in queued_text()

    anna_browser.post("/account/verwijderen/", {"password": PASSWORD, "confirm": "on"})
    pieter_browser.post("/account/verwijderen/", {"password": PASSWORD, "confirm": "on"})

    left = queued_text()
    assert "anna@example.org" not in left and "Anna" not in left
    assert "Pieter" not in left and "Fysio De Brug" not in left
    assert "bram@example.org" in left  # Bram's email is his, not theirs


def test_pruning_keeps_sent_emails_and_finished_tasks_under_a_day(
    anna, settings, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    settings.ACCOUNT_EMAIL_LIMIT_PER_RECIPIENT = 4
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(4):
            Client().post("/account/wachtwoord-vergeten/", {"email": anna.email})
    rows = list(DBTaskResult.objects.order_by("enqueued_at"))
    now = timezone.now()
    fresh, old, old_failed, waiting = rows
    DBTaskResult.objects.filter(pk=fresh.pk).update(
        status="SUCCESSFUL", finished_at=now - timedelta(hours=20)
    )
    DBTaskResult.objects.filter(pk=old.pk).update(
        status="SUCCESSFUL", finished_at=now - timedelta(hours=25)
    )
    DBTaskResult.objects.filter(pk=old_failed.pk).update(
        status="FAILED", finished_at=now - timedelta(hours=25)
    )
    call_command("prune_task_results", verbosity=0)
    assert set(DBTaskResult.objects.values_list("pk", flat=True)) == {fresh.pk, waiting.pk}
    call_command("prune_task_results", verbosity=0)  # idempotent: a second run changes nothing
    assert DBTaskResult.objects.count() == 2
