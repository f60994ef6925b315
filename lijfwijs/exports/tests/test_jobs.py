"""Exports through HTTP: asking (with the password again), made at once or in the background,
fetched only by who asked and only until it expires, rate-limited, purged, erased with the
person's health data; a practitioner's exports need the client's active grant and are logged."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone
from freezegun import freeze_time
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lijfwijs.accounts import services as account_services
from lijfwijs.accounts.localtime import local_today
from lijfwijs.accounts.models import AccessLog, PractitionerAccess
from lijfwijs.accounts.tests.helpers import PASSWORD, access_log_rows, give_access
from lijfwijs.exports import services
from lijfwijs.exports.models import ExportJob

from .history import make_history

MINE = "/account/downloads/"


def client_page(client_user) -> str:
    return f"/praktijk/clienten/{client_user.pk}/downloads/"


def file_url(job) -> str:
    return f"/account/downloads/{job.pk}/"


def ask(browser: Client, url: str = MINE, **data):
    data.setdefault("password", PASSWORD)
    if url != MINE:
        data.pop("password")
    return browser.post(url, data)


@pytest.fixture
def anna_with_data(anna):
    make_history(anna, days=20, last=local_today(anna))
    return anna


def test_a_client_asks_for_the_pdf_and_downloads_it(anna_with_data, anna_browser):
    page = anna_browser.get(MINE)
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    response = ask(anna_browser, kind="pdf")
    assert response.status_code == 302 and response["Location"] == MINE
    job = ExportJob.objects.get()
    assert job.status == "ready" and job.requested_by == job.client == anna_with_data
    assert b"%PDF" not in bytes(job.content)  # stored encrypted
    page = anna_browser.get(MINE)
    assert file_url(job) in page.content.decode()
    got = anna_browser.get(file_url(job))
    assert got.status_code == 200
    assert got["Content-Type"] == "application/pdf"
    assert got["Content-Disposition"] == 'attachment; filename="lijfwijs-overzicht.pdf"'
    assert "no-store" in got["Cache-Control"] and "private" in got["Cache-Control"]
    assert got.content.startswith(b"%PDF")
    assert access_log_rows(anna_with_data) == []  # one's own data is never logged


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"kind": "pdf", "password": "fout wachtwoord"}, "password", "Dit wachtwoord klopt niet."),
        ({"kind": "", "password": PASSWORD}, "kind", "Kies wat je wilt downloaden."),
        (
            {"kind": "evil", "password": PASSWORD},
            "kind",
            "Kies een van de mogelijkheden hieronder.",
        ),
        ({"kind": "x" * 5000, "password": PASSWORD}, "kind", "Kies een van de mogelijkheden"),
        (
            {"kind": "diary_csv", "variant": "xlsx", "password": PASSWORD},
            "variant",
            "Kies een van de twee soorten.",
        ),
        (
            {"kind": "\x00", "variant": "\x00", "password": "\x00"},
            "kind",
            "Kies een van de mogelijkheden",
        ),
    ],
)
def test_bad_input_is_answered_next_to_the_field(anna, anna_browser, data, field, message):
    response = anna_browser.post(MINE, data)
    assert response.status_code == 422
    html = response.content.decode()
    assert f'id="id_{field}_error"' in html and message in html
    assert not ExportJob.objects.exists()


def test_a_wrong_password_keeps_the_choice(anna, anna_browser):
    response = anna_browser.post(MINE, {"kind": "diary_csv", "variant": "nl", "password": "nee"})
    html = response.content.decode()
    assert 'value="diary_csv" id="id_kind_1" aria-describedby="id_kind_1_hint" checked' in html
    assert 'value="nl" id="id_variant_1" checked' in html


def test_only_the_asker_downloads(
    anna_with_data, anna_browser, bram_browser, pieter, pieter_browser
):
    give_access(anna_with_data, pieter)
    ask(anna_browser, kind="diary_csv", variant="nl")
    job = ExportJob.objects.get()
    assert anna_browser.get(file_url(job)).content.startswith("\ufeff".encode())
    assert bram_browser.get(file_url(job)).status_code == 404
    assert pieter_browser.get(file_url(job)).status_code == 404  # her practitioner did not ask it
    assert Client().get(file_url(job)).status_code == 302  # to the login page
    assert (
        anna_browser.get("/account/downloads/00000000-0000-0000-0000-000000000000/").status_code
        == 404
    )


def test_links_expire_and_expired_files_are_purged(anna_with_data, anna_browser):
    ask(anna_browser, kind="practice_csv")
    job = ExportJob.objects.get()
    with freeze_time(timezone.now() + timedelta(hours=23, minutes=59)):
        assert anna_browser.get(file_url(job)).status_code == 200
    with freeze_time(timezone.now() + timedelta(hours=24, minutes=1)):
        assert anna_browser.get(file_url(job)).status_code == 404
        assert file_url(job) not in anna_browser.get(MINE).content.decode()
        call_command("purge_exports", stdout=open("/dev/null", "w"))  # noqa: SIM115
        assert not ExportJob.objects.exists()
        assert services.purge().expired == 0  # a second run finds nothing


def test_asking_is_rate_limited(anna, anna_browser):
    for _n in range(services.RATE_LIMIT):
        assert (
            anna_browser.post(MINE, {"kind": "practice_csv", "password": "fout"}).status_code == 422
        )
    response = ask(anna_browser, kind="practice_csv")
    assert response.status_code == 429
    assert "Probeer het over een uur opnieuw." in response.content.decode()
    assert not ExportJob.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_large_export_is_made_in_the_background(
    anna_with_data, anna_browser, run_worker, monkeypatch, mailoutbox
):
    monkeypatch.setattr(services, "INLINE_ROWS", 10)  # Anna's 20 days count as large
    ask(anna_browser, kind="pdf")
    ask(anna_browser, kind="pdf")  # a double click: the same job
    job = ExportJob.objects.get()
    assert job.status == "pending"
    page = anna_browser.get(MINE).content.decode()
    assert "Een bestand wordt gemaakt…" in page and file_url(job) not in page
    assert anna_browser.get(file_url(job)).status_code == 404
    run_worker()
    job.refresh_from_db()
    assert job.status == "ready" and job.size > 1000
    assert anna_browser.get(file_url(job)).content.startswith(b"%PDF")
    assert services.run(job.pk) == "not pending"  # a second run of its task does nothing
    [email] = mailoutbox  # the file is ready: a link to the page, no health data
    assert email.to == [anna_with_data.email] and email.subject == "Je bestand staat klaar"
    assert "/account/downloads/" in email.body and str(job.pk) not in email.body


def test_one_open_job_per_kind_is_kept_by_the_database(anna):
    ExportJob.objects.create(requested_by=anna, client=anna, kind="pdf")
    with pytest.raises(IntegrityError), transaction.atomic():
        ExportJob.objects.create(requested_by=anna, client=anna, kind="pdf")
    ExportJob.objects.create(requested_by=anna, client=anna, kind="diary_csv", variant="nl")


def test_the_purge_marks_dead_jobs_failed_and_queues_lost_ones(anna, monkeypatch):
    queued = []
    monkeypatch.setattr(services, "_queue", queued.append)
    old = timezone.now() - timedelta(hours=1)
    running = ExportJob.objects.create(
        requested_by=anna, client=anna, kind="pdf", status="running", created_at=old
    )
    pending = ExportJob.objects.create(requested_by=anna, client=anna, kind="json", created_at=old)
    fresh = ExportJob.objects.create(requested_by=anna, client=anna, kind="diary_csv")
    report = services.purge()
    assert (report.failed_stuck, report.requeued) == (1, 1)
    assert queued == [pending.pk]
    running.refresh_from_db()
    fresh.refresh_from_db()
    assert running.status == "failed" and fresh.status == "pending"


def test_withdrawing_consent_erases_the_exports(anna_with_data, anna_browser, pieter):
    give_access(anna_with_data, pieter)
    ask(anna_browser, kind="diary_csv")
    services.request_export(pieter, anna_with_data, "pdf")
    assert ExportJob.objects.count() == 2
    account_services.withdraw_health_consent(anna_with_data)
    assert not ExportJob.objects.exists()


def test_deleting_the_account_deletes_the_exports(anna_with_data, anna_browser):
    ask(anna_browser, kind="diary_csv")
    account_services.delete_account(anna_with_data)
    assert not ExportJob.objects.exists()


# --- practitioners -----------------------------------------------------------------------------


def test_a_practitioner_with_access_exports_and_it_is_logged(
    anna_with_data, pieter, pieter_browser
):
    give_access(anna_with_data, pieter)
    assert pieter_browser.get(client_page(anna_with_data)).status_code == 200
    assert access_log_rows(anna_with_data) == []  # the page shows no health data
    response = ask(pieter_browser, client_page(anna_with_data), kind="diary_csv")
    assert response.status_code == 302
    job = ExportJob.objects.get()
    assert (job.requested_by, job.client) == (pieter, anna_with_data)
    [row] = access_log_rows(anna_with_data)
    assert (row.actor_id, row.kind, row.action, row.object_ref) == (
        pieter.pk,
        AccessLog.Kind.EXPORT,
        AccessLog.Action.EXPORT,
        "diary_csv",
    )
    got = pieter_browser.get(file_url(job))
    assert got.status_code == 200
    # Anna does not share the free text of her check-ins with Pieter: no notes in his file
    assert "😴".encode() not in got.content and b"Werk" in got.content
    assert len(access_log_rows(anna_with_data)) == 1  # fetching the file is the same export


def test_shared_notes_are_in_the_practitioners_diary(anna_with_data, pieter, pieter_browser):
    give_access(anna_with_data, pieter)
    PractitionerAccess.objects.filter(client=anna_with_data).update(share_notes=True)
    ask(pieter_browser, client_page(anna_with_data), kind="diary_csv")
    assert "😴".encode() in pieter_browser.get(file_url(ExportJob.objects.get())).content


def test_a_practitioner_without_access_gets_404(anna_with_data, rita_browser):
    assert rita_browser.get(client_page(anna_with_data)).status_code == 404
    assert ask(rita_browser, client_page(anna_with_data), kind="pdf").status_code == 404
    assert not ExportJob.objects.exists()
    assert access_log_rows(anna_with_data) == []


def test_a_practitioner_cannot_ask_for_the_full_export(anna_with_data, pieter, pieter_browser):
    give_access(anna_with_data, pieter)
    assert ask(pieter_browser, client_page(anna_with_data), kind="json").status_code == 422
    assert not ExportJob.objects.exists()


def test_after_revoking_access_the_file_is_gone(anna_with_data, pieter, pieter_browser):
    access = give_access(anna_with_data, pieter)
    ask(pieter_browser, client_page(anna_with_data), kind="pdf")
    job = ExportJob.objects.get()
    assert pieter_browser.get(file_url(job)).status_code == 200
    account_services.revoke_access(anna_with_data, access.pk)
    assert pieter_browser.get(file_url(job)).status_code == 404
    assert pieter_browser.get(client_page(anna_with_data)).status_code == 404
    assert services.purge().no_access == 1
    assert not ExportJob.objects.exists()


def test_the_page_reads_a_constant_number_of_queries(
    anna, anna_browser, django_assert_max_num_queries
):
    now = timezone.now()
    for n, kind in enumerate(["pdf", "diary_csv", "practice_csv", "json"] * 5):
        ExportJob.objects.create(
            requested_by=anna,
            client=anna,
            kind=kind,
            variant=str(n),
            status="ready",
            finished_at=now,
            filename="x.csv",
            content_type="text/csv",
        )
    anna_browser.get(MINE)
    with django_assert_max_num_queries(8):
        assert anna_browser.get(MINE).status_code == 200


@pytest.mark.parametrize(
    ("kind", "content_type", "check"),
    [
        ("fhir", "application/fhir+json", lambda data: data["resourceType"] == "Bundle"),
        ("json", "application/json", lambda data: data["format"] == "lijfwijs-export"),
    ],
)
def test_the_fhir_bundle_and_the_full_export(
    anna_with_data, anna_browser, kind, content_type, check
):
    import json

    ask(anna_browser, kind=kind)
    got = anna_browser.get(file_url(ExportJob.objects.get()))
    assert got["Content-Type"] == content_type
    data = json.loads(got.content)
    assert check(data)
    assert len(json.dumps(data)) > 5000  # the diary and results are in it


def test_a_practitioner_downloads_the_fhir_bundle(anna_with_data, pieter, pieter_browser):
    give_access(anna_with_data, pieter)
    ask(pieter_browser, client_page(anna_with_data), kind="fhir")
    got = pieter_browser.get(file_url(ExportJob.objects.get()))
    assert got.status_code == 200 and got["Content-Type"] == "application/fhir+json"
    assert [r.object_ref for r in access_log_rows(anna_with_data)] == ["fhir"]


def test_the_accounts_json_download_of_a_large_account_is_made_in_the_background(
    anna_with_data, anna_browser, monkeypatch
):
    response = anna_browser.post("/account/export/", {"password": PASSWORD})
    assert response["Location"] == "/account/export/"  # small: the file at once, as before
    assert not ExportJob.objects.exists()
    monkeypatch.setattr(services, "INLINE_ROWS", 10)
    response = anna_browser.post("/account/export/", {"password": PASSWORD})
    assert response["Location"] == MINE
    job = ExportJob.objects.get()
    assert (job.kind, job.status) == ("json", "pending")
    assert "Het bestand wordt nu gemaakt" in anna_browser.get(MINE).content.decode()


def test_the_pages_link_to_the_downloads(anna, pieter, anna_browser, pieter_browser):
    give_access(anna, pieter)
    assert f'href="{MINE}"' in anna_browser.get("/account/export/").content.decode()
    page = pieter_browser.get(f"/praktijk/clienten/{anna.pk}/").content.decode()
    assert f'href="{client_page(anna)}"' in page


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.dictionaries(
        st.sampled_from(["kind", "variant", "password", "other"]),
        st.one_of(st.text(max_size=300), st.sampled_from(["pdf", "json", "nl", "", PASSWORD])),
    )
)
def test_no_form_input_is_a_server_error(anna_browser, monkeypatch, data):
    monkeypatch.setattr(services, "RATE_LIMIT", 10_000)
    response = anna_browser.post(MINE, data)
    assert response.status_code in (302, 422)
    if response.status_code == 422:
        assert "error-summary" in response.content.decode()


def test_ones_own_pijntest_report_offers_the_overview(anna, anna_browser, bram_browser):
    from lijfwijs.accounts.tests.helpers import pijntest_result

    response = pijntest_result(anna)
    page = anna_browser.get(f"/pijntest/uitslag/{response.pk}/").content.decode()
    assert f'href="{MINE}"' in page and "Maak een overzicht (PDF)" in page
    anonymous = pijntest_result(None)
    page = Client().get(f"/pijntest/uitslag/{anonymous.pk}/").content.decode()
    assert "Maak een overzicht (PDF)" not in page
