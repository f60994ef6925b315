"""Drafts, scheduling and queueing: the snapshot of the audience (each key and address once, in
bulk), queued exactly once however often it is asked (two clicks, two cron runs at once), the
audience gone, and the command cron runs."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from lijfwijs.core.tests.parallel import in_threads
from lijfwijs.outreach.audience import Recipient
from lijfwijs.outreach.campaigns import services
from lijfwijs.outreach.campaigns.models import Campaign, Send

from .conftest import draft

pytestmark = pytest.mark.django_db


def test_a_draft_can_change_until_it_is_scheduled(fake_audience, practice, pieter):
    fake_audience.add(practice, "list:1", "Nieuwsbrief", 2)
    campaign = draft(practice, pieter)
    services.update(campaign, services.Draft("Nieuw onderwerp", "", "Tekst", "en", "list:1"))
    campaign.refresh_from_db()
    assert (campaign.subject, campaign.language) == ("Nieuw onderwerp", "en")

    services.schedule(campaign, timezone.now() + timedelta(days=1))
    with pytest.raises(services.CampaignError):
        services.update(campaign, services.Draft("Later", "", "Tekst", "nl", "list:1"))
    campaign.refresh_from_db()
    assert campaign.subject == "Nieuw onderwerp" and campaign.status == "scheduled"

    services.unschedule(campaign)
    campaign.refresh_from_db()
    assert campaign.status == "draft" and campaign.scheduled_at is None
    with pytest.raises(services.CampaignError):
        services.unschedule(campaign)


def test_only_an_audience_the_practice_has_can_be_chosen(fake_audience, practice, pieter, rita):
    fake_audience.add(practice, "list:1", "Nieuwsbrief", 2)
    fake_audience.add(rita.membership.practice, "list:2", "Elders", 2)
    with pytest.raises(services.CampaignError):
        draft(practice, pieter, key="list:2")  # another practice's
    with pytest.raises(services.CampaignError):
        draft(practice, pieter, key="event:999")


@pytest.mark.parametrize(
    ("changes", "when"),
    [
        ({}, timedelta(minutes=-1)),  # the past
        ({"audience_key": ""}, timedelta(days=1)),  # to nobody
    ],
)
def test_scheduling_needs_a_future_moment_and_an_audience(
    fake_audience, practice, pieter, changes, when
):
    fake_audience.add(practice, "list:1", "Nieuwsbrief", 2)
    campaign = draft(practice, pieter, **changes)
    with pytest.raises(services.CampaignError):
        services.schedule(campaign, timezone.now() + when)
    assert Campaign.objects.get(pk=campaign.pk).status == "draft"


def test_queueing_snapshots_each_key_and_each_address_once(fake_audience, practice, pieter):
    people = fake_audience.add(practice, "list:1", "Nieuwsbrief", 4)
    people += [
        Recipient("subscriber:0", "other@example.org", "Dubbel", "nl", "https://x.example/a/"),
        Recipient(
            "signup:9", "PERSON-1@example.org ", "Hoofdletters", "nl", "https://x.example/b/"
        ),
    ]
    fake_audience.lists[(practice.pk, "list:1")] = ("Nieuwsbrief", people)
    campaign = draft(practice, pieter)
    assert services.send_now(campaign) == 4
    assert sorted(Send.objects.values_list("email", flat=True)) == [
        f"person-{n}@example.org" for n in range(4)
    ]
    campaign.refresh_from_db()
    assert campaign.status == "queued" and campaign.audience_label == "Nieuwsbrief"
    assert campaign.queued_at is not None


def test_a_campaign_is_queued_once_the_second_click_changes_nothing(
    fake_audience, practice, pieter
):
    fake_audience.add(practice, "list:1", "Nieuwsbrief", 3)
    campaign = draft(practice, pieter)
    services.send_now(campaign)
    fake_audience.add(practice, "list:1", "Nieuwsbrief", 5, start=100)  # the list changed since
    with pytest.raises(services.CampaignError):
        services.send_now(campaign)
    assert Send.objects.filter(campaign=campaign).count() == 3


def test_a_large_audience_is_snapshotted_in_bulk_with_few_queries(
    fake_audience, practice, pieter, django_assert_max_num_queries
):
    fake_audience.add(practice, "list:1", "Nieuwsbrief", 5_000)
    campaign = draft(practice, pieter)
    fields = [f for f in Send._meta.concrete_fields if not f.primary_key]
    rows = min(services.SNAPSHOT_CHUNK, connection.ops.bulk_batch_size(fields, [Send()] * 5_000))
    inserts = -(-5_000 // rows)  # PostgreSQL: 3 of 2,000; SQLite: as many as its limit needs
    with django_assert_max_num_queries(inserts + 12):  # + the status, counts, the lanes' tasks
        assert services.send_now(campaign) == 5_000


def test_an_audience_that_no_longer_exists_cancels_the_campaign_with_the_reason(
    fake_audience, practice, pieter
):
    fake_audience.add(practice, "list:1", "Nieuwsbrief", 3)
    campaign = draft(practice, pieter)
    services.schedule(campaign, timezone.now() + timedelta(hours=1))
    fake_audience.lists.clear()  # the list was removed meanwhile
    assert services.queue_due(timezone.now() + timedelta(hours=2)).queued == 1
    campaign.refresh_from_db()
    assert campaign.status == "cancelled" and campaign.problem == Campaign.AUDIENCE_GONE
    assert not Send.objects.exists()


def test_an_empty_audience_is_sent_at_once_to_nobody(fake_audience, practice, pieter):
    fake_audience.add(practice, "list:1", "Nieuwsbrief", 0)
    campaign = draft(practice, pieter)
    assert services.send_now(campaign) == 0
    campaign.refresh_from_db()
    assert campaign.status == "sent" and campaign.finished_at is not None


def test_the_command_queues_what_is_due_once_and_reports(fake_audience, practice, pieter):
    fake_audience.add(practice, "list:1", "Nieuwsbrief", 3)
    now = timezone.now()
    due = draft(practice, pieter)
    services.schedule(due, now + timedelta(minutes=5))
    later = draft(practice, pieter, subject="Later")
    services.schedule(later, now + timedelta(days=2))

    out = StringIO()
    moment = (now + timedelta(minutes=10)).isoformat()
    call_command("send_scheduled_campaigns", "--now", moment, stdout=out)
    assert out.getvalue().startswith("campaigns: 1 queued, 0 taken by another run, 0 not queued")
    call_command("send_scheduled_campaigns", "--now", moment, stdout=(again := StringIO()))
    assert again.getvalue().startswith("campaigns: 0 queued")
    assert Campaign.objects.get(pk=due.pk).status == "queued"
    assert Campaign.objects.get(pk=later.pk).status == "scheduled"
    assert Send.objects.filter(campaign=due).count() == 3


def test_the_command_keeps_a_campaign_scheduled_when_its_audience_cannot_be_read(
    fake_audience, practice, pieter, monkeypatch
):
    from django.core.management.base import CommandError

    from lijfwijs.outreach import audience

    fake_audience.add(practice, "list:1", "Nieuwsbrief", 3)
    campaign = draft(practice, pieter)
    services.schedule(campaign, timezone.now() + timedelta(minutes=1))

    def broken(practice, key):
        raise RuntimeError("database of the lists unavailable")

    monkeypatch.setattr(audience, "recipients", broken)
    moment = (timezone.now() + timedelta(minutes=2)).isoformat()
    with pytest.raises(CommandError):
        call_command("send_scheduled_campaigns", "--now", moment, stdout=StringIO())
    assert Campaign.objects.get(pk=campaign.pk).status == "scheduled"


@pytest.mark.django_db(transaction=True)
def test_two_schedulers_at_once_queue_a_campaign_once(fake_audience, practice, pieter):
    fake_audience.add(practice, "list:1", "Nieuwsbrief", 50)
    campaign = draft(practice, pieter)
    services.schedule(campaign, timezone.now() + timedelta(minutes=1))
    later = timezone.now() + timedelta(minutes=2)
    reports = in_threads(lambda: services.queue_due(later), count=2)
    assert sorted((r.queued, r.skipped, r.errors) for r in reports) in (
        [(0, 0, 0), (1, 0, 0)],  # the second saw it no longer scheduled
        [(0, 1, 0), (1, 0, 0)],  # the second tried and changed no row
    )
    assert Send.objects.filter(campaign=campaign).count() == 50


def test_the_demo_has_a_sent_campaign_with_its_figures_and_a_draft_once(
    fake_audience, practice, pieter, mailoutbox
):
    from lijfwijs.outreach.campaigns import demo

    fake_audience.add(practice, "list:1", "Nieuwsbrief", 4)
    demo.load(practice, pieter)
    demo.load(practice, pieter)  # idempotent
    sent, draft_ = Campaign.objects.order_by("created_at")
    assert (sent.status, draft_.status) == ("sent", "draft")
    assert sent.audience_label == "Nieuwsbrief"
    assert services.figures([sent])[sent.pk].sent == 4
    assert not mailoutbox  # nobody is emailed by the demo


def test_the_addresses_of_a_campaign_sent_long_ago_are_forgotten_its_figures_stay(
    fake_audience, practice, pieter, mailoutbox
):
    from lijfwijs.outreach.campaigns import sending

    fake_audience.add(practice, "list:1", "Nieuwsbrief", 6)
    campaign = draft(practice, pieter)
    services.send_now(campaign)
    sending.claim(campaign.pk, 2)  # two claimed by a worker that died
    while sending.send_batch(campaign.pk).claimed:
        pass
    later = timezone.now() + sending.CLAIM_TIMEOUT + timedelta(minutes=1)
    sending.repair(later)
    campaign.refresh_from_db()
    assert (campaign.status, campaign.sent_count, campaign.failed_count) == ("sent", 4, 2)

    assert services.forget_recipients(later + timedelta(days=89)) == 0
    assert services.forget_recipients(later + services.RETENTION) == 6
    assert not Send.objects.exists()
    assert services.figures([Campaign.objects.get()])[campaign.pk] == services.Figures(
        recipients=6, sent=4, failed=2, waiting=0, unsubscribed=0
    )


def test_an_address_asked_to_be_forgotten_leaves_every_campaign(fake_audience, practice, pieter):
    from lijfwijs.core import hooks

    fake_audience.add(practice, "list:1", "Nieuwsbrief", 3)
    for subject in ("Een", "Twee"):
        services.send_now(draft(practice, pieter, subject=subject))
    (forget,) = hooks.functions("forget_email_address")
    assert forget(" Person-1@example.org") == 2
    assert sorted(set(Send.objects.values_list("email", flat=True))) == [
        "person-0@example.org",
        "person-2@example.org",
    ]
