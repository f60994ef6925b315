"""The access log (NEN 7513 style): one row per look at a client's data by someone else, no
health data in it, append-only, kept after the client leaves, pruned only by retention."""

import pytest
from django.db import transaction
from django.utils import timezone

from lijfwijs.accounts.models import AccessLog, User
from lijfwijs.accounts.tests.helpers import (
    PASSWORD,
    access_log_rows,
    ago,
    give_access,
    make_client_user,
    pijntest_result,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def annas_result(anna, pieter):
    give_access(anna, pieter)
    return pijntest_result(anna, peg=7)


def test_every_look_by_the_practitioner_writes_one_row(anna, pieter, pieter_browser, annas_result):
    before = timezone.now()
    assert pieter_browser.get("/praktijk/").status_code == 200
    assert [(r.kind, r.action) for r in access_log_rows(anna)] == [("client_list", "list")]

    for tab in ("", "tijdlijn/", "inzichten/", "notities-en-opdrachten/"):  # the record's tabs
        assert pieter_browser.get(f"/praktijk/clienten/{anna.pk}/{tab}").status_code == 200
    assert pieter_browser.get(f"/pijntest/uitslag/{annas_result.pk}/").status_code == 200
    assert pieter_browser.get(f"/pijntest/uitslag/{annas_result.pk}/").status_code == 200

    rows = access_log_rows(anna)
    assert [(r.kind, r.action, r.object_ref) for r in rows] == [
        ("client_list", "list", ""),
        ("summary", "view", ""),
        ("timeline", "view", ""),
        ("insights", "view", ""),
        ("notes", "view", ""),
        ("pijntest", "view", f"response:{annas_result.pk}"),
        ("pijntest", "view", f"response:{annas_result.pk}"),  # every look, cached or not
    ]
    for row in rows:
        assert before <= row.at <= timezone.now()
        assert row.actor_id == pieter.pk and row.actor_email == "pieter@example.org"
        assert row.actor_role == "practitioner" and row.on_behalf_of == "Fysio De Brug"
        assert row.client_id == anna.pk


def test_the_api_read_by_the_practitioner_is_logged_too(anna, pieter_browser, annas_result):
    response = pieter_browser.get(f"/api/v1/responses/{annas_result.pk}")
    assert response.status_code == 200
    [row] = access_log_rows(anna)
    assert (row.kind, row.action) == ("pijntest", "view")


def test_a_row_holds_no_health_data(anna, pieter, pieter_browser, annas_result):
    pieter_browser.get(f"/pijntest/uitslag/{annas_result.pk}/")
    [row] = access_log_rows(anna)
    # Who, on whose behalf, whose data, what kind, which action, when: nothing else.
    values = {f.name: getattr(row, f.name) for f in AccessLog._meta.get_fields()}
    assert values == {
        "id": row.pk,
        "at": row.at,
        "actor_id": pieter.pk,
        "actor_email": "pieter@example.org",
        "actor_role": "practitioner",
        "actor_name": "Pieter",
        "on_behalf_of": "Fysio De Brug",
        "client_id": anna.pk,
        "kind": "pijntest",
        "action": "view",
        "object_ref": f"response:{annas_result.pk}",
    }


def test_no_row_when_anna_looks_at_her_own_data(anna, anna_browser, annas_result):
    for path in [
        "/",
        "/account/",
        "/pijntest/mijn-uitslagen/",
        f"/pijntest/uitslag/{annas_result.pk}/",
        f"/api/v1/responses/{annas_result.pk}",
        "/account/inzage/",
    ]:
        assert anna_browser.get(path).status_code == 200, path
    anna_browser.post("/account/export/", {"password": PASSWORD})
    assert anna_browser.get("/account/export/?bestand=1").status_code == 200
    assert access_log_rows(anna) == []


def test_no_row_when_access_is_refused(anna, rita_browser, annas_result):
    assert rita_browser.get(f"/praktijk/clienten/{anna.pk}/").status_code == 404
    assert rita_browser.get(f"/pijntest/uitslag/{annas_result.pk}/").status_code == 404
    rita_browser.get("/praktijk/")
    assert access_log_rows(anna) == []


def test_anna_sees_who_looked_at_her_data(anna, anna_browser, bram_browser, pieter_browser):
    empty = anna_browser.get("/account/inzage/").content.decode()
    assert "Nog niemand anders heeft je gegevens bekeken." in empty
    give_access(anna, User.objects.get(email="pieter@example.org"))
    pieter_browser.get(f"/praktijk/clienten/{anna.pk}/")
    page = anna_browser.get("/account/inzage/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<strong>Pieter</strong> (Fysio De Brug) · " in html
    assert ": bekeken</li>" in html  # what he looked at, in words (the kind of the client page)
    assert "Vandaag, " in html
    # Someone else's log shows none of it.
    assert "Pieter" not in bram_browser.get("/account/inzage/").content.decode()


def test_the_access_log_page_needs_a_login(client, content):
    response = client.get("/account/inzage/")
    assert response.status_code == 302 and response["Location"].startswith("/account/inloggen/")


def test_rows_cannot_be_changed_or_deleted_through_the_orm(anna, pieter_browser, annas_result):
    pieter_browser.get(f"/praktijk/clienten/{anna.pk}/")
    [row] = access_log_rows(anna)
    # Each attempt in its own savepoint: some fail inside Django's own atomic block.
    row.actor_email = "someone@else.example"
    with pytest.raises(PermissionError), transaction.atomic():
        row.save()
    with pytest.raises(PermissionError), transaction.atomic():
        row.delete()
    with pytest.raises(PermissionError), transaction.atomic():
        AccessLog.objects.filter(pk=row.pk).update(actor_email="x")
    with pytest.raises(PermissionError), transaction.atomic():
        AccessLog.objects.update(actor_email="x")
    with pytest.raises(PermissionError), transaction.atomic():
        AccessLog.objects.filter(pk=row.pk).delete()
    with pytest.raises(PermissionError), transaction.atomic():
        AccessLog.objects.all().delete()
    with pytest.raises(PermissionError), transaction.atomic():
        AccessLog.objects.bulk_update([row], ["actor_email"])
    with pytest.raises(PermissionError), transaction.atomic():
        AccessLog.objects.update_or_create(pk=row.pk, defaults={"actor_email": "x"})
    stored = AccessLog.objects.get()
    assert stored.actor_email == "pieter@example.org"


def test_rows_are_kept_when_anna_deletes_her_account(
    anna, anna_browser, pieter_browser, annas_result
):
    pieter_browser.get(f"/praktijk/clienten/{anna.pk}/")
    pieter_browser.get(f"/pijntest/uitslag/{annas_result.pk}/")
    anna_id = anna.pk
    response = anna_browser.post("/account/verwijderen/", {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == 200
    assert AccessLog.objects.about(anna_id).count() == 2


def test_retention_prunes_only_rows_older_than_the_limit(anna, bram, pieter):
    def row(at, client):
        return AccessLog(
            at=at,
            actor_id=pieter.pk,
            actor_email=pieter.email,
            actor_role="practitioner",
            client_id=client.pk,
            kind=AccessLog.Kind.PIJNTEST,
            action=AccessLog.Action.VIEW,
        )

    limit = ago(days=5 * 365)
    old = [row(ago(days=5 * 365 + 1), anna), row(ago(days=6 * 365), bram)]
    kept = [row(ago(days=5 * 365 - 1), anna), row(ago(minutes=1), bram)]
    AccessLog.objects.bulk_create(old + kept)

    assert AccessLog.objects.prune(limit) == 2
    assert sorted(AccessLog.objects.values_list("at", flat=True)) == sorted(r.at for r in kept)
    assert AccessLog.objects.prune(limit) == 0


def test_retention_uses_the_configured_number_of_days(anna, pieter, settings):
    settings.ACCESS_LOG_RETENTION_DAYS = 30
    for days in (31, 29):
        AccessLog.objects.create(
            at=ago(days=days),
            actor_id=pieter.pk,
            actor_email=pieter.email,
            actor_role="practitioner",
            client_id=anna.pk,
            kind=AccessLog.Kind.PROFILE,
            action=AccessLog.Action.VIEW,
        )
    assert AccessLog.objects.prune_expired() == 1
    [left] = AccessLog.objects.all()
    assert left.at > ago(days=30)


@pytest.mark.django_db
def test_prune_command_applies_the_retention(settings):
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    from lijfwijs.accounts.models import AccessLog

    settings.ACCESS_LOG_RETENTION_DAYS = 30
    common = {
        "actor_id": 1,
        "actor_email": "p@example.org",
        "actor_role": "practitioner",
        "client_id": 2,
        "kind": AccessLog.Kind.PIJNTEST,
        "action": AccessLog.Action.VIEW,
    }
    AccessLog.objects.create(at=timezone.now() - timedelta(days=31), **common)
    AccessLog.objects.create(at=timezone.now() - timedelta(days=29), **common)
    call_command("prune_access_log", verbosity=0)
    assert AccessLog.objects.count() == 1


# --- the client's page: per day, names, a page at a time ----------------------------------------


def log_row(client, at, kind="pijntest", action="view", name="Pieter", email="pieter@example.org"):
    return AccessLog(
        at=at,
        actor_id=1,
        actor_email=email,
        actor_role="practitioner",
        actor_name=name,
        on_behalf_of="Fysio De Brug",
        client_id=client.pk,
        kind=kind,
        action=action,
    )


def page_text(browser, url="/account/inzage/") -> str:
    response = browser.get(url)
    assert response.status_code == 200
    return " ".join(response.content.decode().split())


def test_the_log_is_grouped_per_day_in_the_persons_time_zone(anna, anna_browser):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    zone = ZoneInfo("Europe/Amsterdam")
    now = timezone.now().astimezone(zone)
    today_noon = now.replace(hour=12, minute=5, second=0, microsecond=0)
    long_ago = datetime(2024, 3, 5, 23, 30, tzinfo=zone)  # 22:30 UTC: still 5 March there
    AccessLog.objects.bulk_create(
        [
            log_row(anna, today_noon, kind="timeline"),
            log_row(anna, today_noon - timezone.timedelta(days=1), kind="notes", action="change"),
            log_row(anna, long_ago, kind="client_list", action="list", name=""),
        ]
    )
    html = page_text(anna_browser)
    today_at = html.index("Vandaag, ")
    yesterday_at = html.index("Gisteren, ")
    old_at = html.index("di 5 mrt. 2024")
    assert today_at < yesterday_at < old_at  # newest first
    assert "12:05</time> · <strong>Pieter</strong> (Fysio De Brug) · Tijdlijn: bekeken" in html
    assert "Notities van de behandelaar: gewijzigd" in html
    # a look at the client list is one line; an old row without a name shows the email
    assert (
        "23:30</time> · <strong>pieter@example.org</strong> (Fysio De Brug) · "
        "zag je in de cliëntenlijst" in html
    )


def test_a_look_at_the_client_list_is_one_line(anna, anna_browser, pieter, pieter_browser):
    give_access(anna, pieter)
    for n in range(3):
        give_access(make_client_user(f"c{n}@example.org"), pieter)
    pieter_browser.get("/praktijk/")
    html = page_text(anna_browser)
    assert html.count("zag je in de cliëntenlijst") == 1
    assert html.count("<li><time") == 1


def test_the_log_is_paged_with_a_constant_number_of_queries(
    anna, anna_browser, django_assert_num_queries, django_assert_max_num_queries
):
    from lijfwijs.accounts import access_log_page

    start = timezone.now() - timezone.timedelta(days=200)
    AccessLog.objects.bulk_create(
        log_row(anna, start + timezone.timedelta(hours=n)) for n in range(5)
    )
    anna_browser.get("/account/inzage/")  # the session's first reads out of the way
    with django_assert_max_num_queries(20) as few:
        anna_browser.get("/account/inzage/")
    AccessLog.objects.bulk_create(
        log_row(anna, start + timezone.timedelta(days=1, hours=n)) for n in range(120)
    )
    with django_assert_num_queries(len(few.captured_queries)):
        first = page_text(anna_browser)
    assert first.count("<li><time") == access_log_page.PAGE
    assert "?pagina=2" in first
    with django_assert_num_queries(len(few.captured_queries)):
        third = page_text(anna_browser, "/account/inzage/?pagina=3")
    assert third.count("<li><time") == 125 - 2 * access_log_page.PAGE
    assert "?pagina=2" in third and "?pagina=4" not in third
    assert anna_browser.get("/account/inzage/?pagina=4").status_code == 404
    assert anna_browser.get("/account/inzage/?pagina=nul").status_code == 404


def test_the_page_has_no_wide_table(anna, anna_browser):
    AccessLog.objects.bulk_create([log_row(anna, timezone.now())])
    html = page_text(anna_browser)
    assert "<table" not in html and '<section class="card stack"' in html
