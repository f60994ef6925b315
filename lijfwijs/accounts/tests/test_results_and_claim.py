"""A Pijntest taken before signing in becomes the account's; one's own results, side by side."""

import pytest
from django.test import Client
from django.utils import timezone

from lijfwijs.accounts.models import ConsentText, User
from lijfwijs.accounts.tests.helpers import PASSWORD, log_in, pijntest_result, take_pijntest
from lijfwijs.assessments.models import Response

pytestmark = pytest.mark.django_db


def report(result_id: str) -> str:
    return f"/pijntest/uitslag/{result_id}/"


def test_a_result_taken_before_logging_in_becomes_the_accounts(client, anna):
    result_id = take_pijntest(client, peg=6)
    assert client.get(report(result_id)).status_code == 200  # cached for visitors now
    assert Client().get(report(result_id)).status_code == 200  # anyone holding the id

    log_in(client, anna.email)

    assert Response.objects.get(pk=result_id).user == anna
    assert client.get(report(result_id)).status_code == 200
    signed_out = Client().get(report(result_id))  # now only after signing in
    assert signed_out.status_code == 302 and signed_out["Location"].startswith("/account/inloggen/")
    assert Client().get(f"/api/v1/responses/{result_id}").status_code == 404
    mine = client.get("/pijntest/mijn-uitslagen/")
    assert mine.status_code == 200 and f'href="{report(result_id)}"' in mine.content.decode()
    # After logging out, the browser no longer holds it either: it asks to sign in again.
    client.post("/account/uitloggen/")
    assert client.get(report(result_id)).status_code == 302


def test_a_result_taken_before_registering_becomes_the_new_accounts(client, content):
    result_id = take_pijntest(client)
    response = client.post(
        "/account/registreren/",
        {
            "email": "nieuw@example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "language": "nl",
            "consent": "on",
            "consent_version": ConsentText.current("health_data").version,
        },
    )
    assert response.status_code == 200  # "check your email": not signed in yet
    assert Response.objects.get(pk=result_id).user is None
    log_in(client, "nieuw@example.org")  # the first sign-in in this browser claims it
    assert Response.objects.get(pk=result_id).user == User.objects.get(email="nieuw@example.org")
    assert Client().get(report(result_id)).status_code == 302  # to sign in
    assert f'href="{report(result_id)}"' in client.get("/pijntest/mijn-uitslagen/").content.decode()


def test_someone_elses_result_is_never_claimed(client, anna, bram):
    brams = pijntest_result(bram)
    session = client.session
    session["pijntest_last"] = brams.pk  # as if this browser had it
    session.save()
    log_in(client, anna.email)
    assert Response.objects.get(pk=brams.pk).user == bram
    assert client.get(report(brams.pk)).status_code == 404


def test_a_result_in_another_browser_is_not_claimed(client, anna):
    elsewhere = Client()
    result_id = take_pijntest(elsewhere)
    log_in(client, anna.email)
    assert Response.objects.get(pk=result_id).user is None
    assert (
        f'href="{report(result_id)}"'
        not in client.get("/pijntest/mijn-uitslagen/").content.decode()
    )


def test_my_results_lists_only_my_completed_results(anna, anna_browser, bram):
    mine = pijntest_result(anna, peg=4)
    brams = pijntest_result(bram, peg=8)
    html = anna_browser.get("/pijntest/mijn-uitslagen/").content.decode()
    assert f'href="{report(mine.pk)}"' in html
    assert brams.pk not in html


def test_my_results_needs_a_login(client, content):
    response = client.get("/pijntest/mijn-uitslagen/")
    assert response.status_code == 302 and response["Location"].startswith("/account/inloggen/")


def two_results(user, before_peg, after_peg):
    first = pijntest_result(user, peg=before_peg)
    second = pijntest_result(user, peg=after_peg)
    Response.objects.filter(pk=first.pk).update(
        completed_at=timezone.now() - timezone.timedelta(days=28)
    )
    return first, second


def test_compare_two_results_judges_the_peg_change_against_one_point(anna, anna_browser):
    first, second = two_results(anna, before_peg=7, after_peg=5)
    # Given in either order, the older one is "before".
    response = anna_browser.get(f"/pijntest/vergelijk/?a={second.pk}&b={first.pk}")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Van 7,0 naar 5,0 (-2,0)." in html  # Dutch decimal comma
    assert "Dat is een verbetering die mensen echt merken" in html


def test_a_change_smaller_than_one_point_is_called_ordinary(anna, anna_browser):
    first, second = two_results(anna, before_peg=5, after_peg=5)
    html = anna_browser.get(f"/pijntest/vergelijk/?a={first.pk}&b={second.pk}").content.decode()
    assert "minder dan ongeveer 1 punt" in html


def test_a_worse_peg_says_to_talk_to_someone(anna, anna_browser):
    first, second = two_results(anna, before_peg=3, after_peg=6)
    html = anna_browser.get(f"/pijntest/vergelijk/?a={first.pk}&b={second.pk}").content.decode()
    assert "verslechtering" in html


@pytest.mark.parametrize("which", ["a", "b"])
def test_comparing_with_someone_elses_result_shows_nothing_of_it(anna, anna_browser, bram, which):
    mine = pijntest_result(anna, peg=4)
    brams = pijntest_result(bram, peg=9)
    ids = {"a": mine.pk, "b": mine.pk, which: brams.pk}
    response = anna_browser.get(f"/pijntest/vergelijk/?a={ids['a']}&b={ids['b']}")
    assert response.status_code == 302 and response["Location"] == "/pijntest/mijn-uitslagen/"
    page = anna_browser.get(response["Location"]).content.decode()
    assert "Kies twee verschillende uitslagen om te vergelijken." in page
    assert brams.pk not in page and "9,0" not in page


def test_comparing_a_result_with_itself_or_nothing_redirects(anna, anna_browser):
    mine = pijntest_result(anna)
    for query in [f"?a={mine.pk}&b={mine.pk}", "", f"?a={mine.pk}", "?a=x&b=y"]:
        response = anna_browser.get(f"/pijntest/vergelijk/{query}")
        assert response.status_code == 302, query


def test_a_practitioner_cannot_compare_a_clients_results(anna, pieter, pieter_browser):
    from lijfwijs.accounts.tests.helpers import give_access

    give_access(anna, pieter)
    first, second = two_results(anna, 7, 5)
    response = pieter_browser.get(f"/pijntest/vergelijk/?a={first.pk}&b={second.pk}")
    assert response.status_code == 302
