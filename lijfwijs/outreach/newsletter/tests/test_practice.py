# ruff: noqa: F811 (fixtures)
"""The practice's side: lists (create, rename, describe, delete when empty), counts per status,
the searchable paged subscriber list with a constant number of queries, removing a subscriber;
every member of the practice (the assistant too), nothing of another practice."""

import pytest
from django.db import IntegrityError, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lijfwijs.accounts.tests.helpers import signed_in_browser
from lijfwijs.outreach.newsletter import services
from lijfwijs.outreach.newsletter.models import NewsletterList, Subscriber, Subscription

from .conftest import subscribe

pytestmark = pytest.mark.django_db
MANAGE = "/praktijk/nieuwsbrief/"
SUBSCRIBERS = "/praktijk/nieuwsbrief/abonnees/"


def test_the_overview_counts_per_status_and_per_list(practice, lists, pieter_browser):
    subscribe(practice, "a@example.org", lists=[lists["general"], lists["pijntest"]])
    subscribe(practice, "b@example.org", lists=[lists["general"]])
    services.unsubscribe(subscribe(practice, "c@example.org"))
    services.sign_up(practice, "d@example.org")  # pending
    services.mark_undeliverable(["b@example.org"], reason="bounced")
    assert services.status_counts(practice) == {
        "pending": 1,
        "subscribed": 1,
        "unsubscribed": 1,
        "undeliverable": 1,
    }
    rows = {row.newsletter_list.kind: row for row in services.list_rows(practice)}
    assert (rows["general"].subscribed, rows["general"].pending) == (1, 1)
    assert rows["pijntest"].subscribed == 1
    page = pieter_browser.get(MANAGE)
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    assert b"Pijntest gedaan" in page.content


def test_lists_are_made_renamed_and_deleted_only_when_empty(practice, lists, pieter_browser):
    made = pieter_browser.post(MANAGE, {"name": "Rugklachten", "description": "Over je rug"})
    assert made.status_code == 302
    new = NewsletterList.objects.get(practice=practice, name="Rugklachten")
    taken = pieter_browser.post(MANAGE, {"name": "rugklachten", "description": ""})
    assert (
        taken.status_code == 422 and "Er is al een lijst met deze naam." in taken.content.decode()
    )
    assert 'value="rugklachten"' in taken.content.decode()
    url = f"/praktijk/nieuwsbrief/lijsten/{new.pk}/"
    assert pieter_browser.post(url, {"name": "Rug", "description": "Nieuw"}).status_code == 302
    new.refresh_from_db()
    assert (new.name, new.description) == ("Rug", "Nieuw")
    assert pieter_browser.post(url, {"name": "", "description": ""}).status_code == 422

    someone = subscribe(practice, "rug@example.org", lists=[new])
    pieter_browser.post(url + "verwijderen/")
    assert NewsletterList.objects.filter(pk=new.pk).exists()  # someone is on it
    Subscription.objects.filter(subscriber=someone).delete()
    pieter_browser.post(url + "verwijderen/")
    assert not NewsletterList.objects.filter(pk=new.pk).exists()
    pieter_browser.post(f"/praktijk/nieuwsbrief/lijsten/{lists['general'].pk}/verwijderen/")
    assert NewsletterList.objects.filter(pk=lists["general"].pk).exists()  # a default stays


def test_default_lists_are_made_once(practice):
    first = services.default_lists(practice)
    assert services.default_lists(practice) == first
    assert NewsletterList.objects.filter(practice=practice).count() == 4
    with pytest.raises(IntegrityError), transaction.atomic():
        NewsletterList.objects.create(practice=practice, kind="general", is_default=True, name="X")


def test_subscribers_are_searched_and_paged_with_constant_queries(
    practice, lists, pieter_browser, django_assert_max_num_queries
):
    for n in range(30):
        subscribe(
            practice, f"lezer{n:02}@example.org", name=f"Lezer {n}", lists=list(lists.values())
        )
    first = pieter_browser.get(SUBSCRIBERS)
    assert first.status_code == 200 and b"lezer00@example.org" in first.content
    assert b"lezer29@example.org" not in first.content and b"pagina=2" in first.content
    with django_assert_max_num_queries(12):
        second = pieter_browser.get(SUBSCRIBERS + "?pagina=2")
    assert b"lezer29@example.org" in second.content
    found = pieter_browser.get(SUBSCRIBERS + "?q=Lezer+7&status=subscribed")
    assert b"lezer07@example.org" in found.content and b"lezer08@" not in found.content
    assert pieter_browser.get(SUBSCRIBERS + "?pagina=9").status_code == 404
    assert pieter_browser.get(SUBSCRIBERS + "?pagina=x").status_code == 404
    assert pieter_browser.get(SUBSCRIBERS + "?status=%00").status_code in (200, 400)


def test_removing_a_subscriber(practice, lists, pieter_browser):
    gone = subscribe(practice, "weg@example.org")
    response = pieter_browser.post(f"/praktijk/nieuwsbrief/abonnees/{gone.pk}/verwijderen/")
    assert response.status_code == 302
    assert not Subscriber.objects.filter(pk=gone.pk).exists()


def test_the_assistant_manages_the_newsletter_too(practice, lists, aafke):
    browser = signed_in_browser(aafke)
    assert browser.get(MANAGE).status_code == 200
    assert browser.post(MANAGE, {"name": "Van Aafke", "description": ""}).status_code == 302


def test_another_practice_sees_nothing_of_this_one(practice, lists, rita_browser, other_practice):
    mine = subscribe(practice, "hier@example.org")
    elsewhere = services.default_lists(other_practice)
    page = rita_browser.get(SUBSCRIBERS + "?q=hier")
    assert b"hier@example.org" not in page.content
    assert (
        rita_browser.get(f"/praktijk/nieuwsbrief/lijsten/{lists['general'].pk}/").status_code == 404
    )
    assert (
        rita_browser.post(f"/praktijk/nieuwsbrief/abonnees/{mine.pk}/verwijderen/").status_code
        == 404
    )
    overview = rita_browser.get(MANAGE)
    assert overview.status_code == 200
    assert f"lijsten/{elsewhere['general'].pk}/".encode() in overview.content
    assert f"lijsten/{lists['general'].pk}/".encode() not in overview.content
    assert Subscriber.objects.filter(pk=mine.pk).exists()


def test_the_overview_has_a_constant_number_of_queries(
    practice, lists, pieter_browser, django_assert_max_num_queries
):
    for n in range(20):
        made = services.save_list(practice, name=f"Lijst {n}", description="")
        subscribe(practice, f"p{n}@example.org", lists=[made, lists["general"]])
    with django_assert_max_num_queries(12):
        assert pieter_browser.get(MANAGE).status_code == 200


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=25)
@given(
    name=st.text(max_size=200),
    description=st.text(max_size=400),
    q=st.text(max_size=150),
    status=st.text(max_size=20),
)
def test_fuzzed_practice_forms_never_fail(
    practice, lists, pieter_browser, name, description, q, status
):
    data = {"name": name.replace("\x00", ""), "description": description.replace("\x00", "")}
    assert pieter_browser.post(MANAGE, data).status_code in (302, 422)
    url = f"/praktijk/nieuwsbrief/lijsten/{lists['general'].pk}/"
    assert pieter_browser.post(url, data).status_code in (302, 422)
    query = {"q": q.replace("\x00", ""), "status": status.replace("\x00", "")}
    assert pieter_browser.get(SUBSCRIBERS, query).status_code == 200


def test_a_practice_goes_with_its_lists_and_subscribers(practice, lists, other_practice):
    subscribe(practice, "weg@example.org", lists=list(lists.values()))
    kept = subscribe(other_practice, "blijft@example.org")
    practice.delete()
    assert list(Subscriber.objects.all()) == [kept]
    assert not NewsletterList.objects.filter(pk=lists["general"].pk).exists()
