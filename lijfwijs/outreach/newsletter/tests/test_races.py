"""Races closed by the database, with real parallel clients (PostgreSQL with DATABASE_URL; SQLite
queues the writers): one row per address however many sign-ups arrive at once, a confirmation
link followed twice at once confirms once, and a list deleted while someone chooses it."""

import queue

import pytest

from lijfwijs.accounts.tests.helpers import make_practitioner
from lijfwijs.core.tests.parallel import in_threads
from lijfwijs.outreach.newsletter import services
from lijfwijs.outreach.newsletter.models import NewsletterList, Subscriber, Subscription

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def practice():
    from lijfwijs.accounts.models import Membership

    return Membership.objects.get(user=make_practitioner("pieter@example.org")).practice


def test_parallel_sign_ups_of_one_address_make_one_subscriber(practice):
    services.default_lists(practice)
    outcomes = in_threads(lambda: services.sign_up(practice, "Zelfde@example.org"), count=4)
    assert len(outcomes) == 4
    [subscriber] = Subscriber.objects.filter(practice=practice)
    assert subscriber.status == "pending" and subscriber.email == "zelfde@example.org"
    assert Subscription.objects.filter(subscriber=subscriber).count() == 1


def test_parallel_default_lists_make_one_of_each(practice):
    in_threads(lambda: services.default_lists(practice), count=3)
    assert NewsletterList.objects.filter(practice=practice, is_default=True).count() == 4


def test_a_link_followed_twice_at_once_confirms_once(practice):
    services.default_lists(practice)
    subscriber = Subscriber.objects.create(
        practice=practice, email="klik@example.org", confirm_digest=services.digest("t" * 43)
    )
    Subscriber.objects.filter(pk=subscriber.pk).update(confirm_sent_at=subscriber.created_at)
    confirmed = in_threads(lambda: services.confirm("t" * 43), count=2)
    assert sum(found is not None for found in confirmed) == 1
    assert Subscriber.objects.get(pk=subscriber.pk).status == "subscribed"


def test_a_list_deleted_while_someone_chooses_it_is_never_left_with_people(practice):
    services.default_lists(practice)
    chosen = services.save_list(practice, name="Kort", description="")

    def choose() -> object:
        return services.sign_up(practice, "kiest@example.org", list_ids=[chosen.pk])

    def delete() -> object:
        return services.delete_list(NewsletterList.objects.get(pk=chosen.pk))

    jobs: queue.SimpleQueue = queue.SimpleQueue()
    jobs.put(choose)
    jobs.put(delete)
    in_threads(lambda: jobs.get()(), count=2)
    subscriber = Subscriber.objects.get(email="kiest@example.org")
    kept = NewsletterList.objects.filter(pk=chosen.pk).exists()
    on_it = Subscription.objects.filter(newsletter_list_id=chosen.pk).count()
    # either the list stayed (with the subscriber on it) or it went before the sign-up chose it
    assert (kept and on_it == 1) or (not kept and on_it == 0)
    assert subscriber.status == "pending"
