"""Sending: each recipient exactly once (batches, the same task twice, two workers at once, a
worker that dies after claiming), and what each email holds (both parts, the practice's footer,
the unsubscribe link and RFC 8058 headers, no image, the links exactly as written)."""

import re
from datetime import timedelta
from html import unescape

import pytest
from django.core.mail.backends.locmem import EmailBackend
from django.utils import timezone

from lijfwijs.core.tests.parallel import in_threads
from lijfwijs.outreach.campaigns import sending, services
from lijfwijs.outreach.campaigns.models import Campaign, Send

from .conftest import draft

pytestmark = pytest.mark.django_db


def queued(fake_audience, practice, author, count: int = 7) -> Campaign:
    fake_audience.add(practice, "list:1", "Nieuwsbrief", count)
    campaign = draft(practice, author)
    services.send_now(campaign)
    return campaign


def drain(campaign_id: int, size: int = sending.BATCH_SIZE) -> int:
    """Run batches until none claims anything (as the chained tasks do); batches run."""
    runs = 0
    while sending.send_batch(campaign_id, size=size).claimed:
        runs += 1
    return runs


def statuses(campaign: Campaign) -> dict[str, int]:
    found: dict[str, int] = {}
    for status in Send.objects.filter(campaign=campaign).values_list("status", flat=True):
        found[status] = found.get(status, 0) + 1
    return found


def test_each_recipient_gets_one_email_with_both_parts_the_footer_and_the_unsubscribe_headers(
    fake_audience, practice, pieter, mailoutbox
):
    campaign = queued(fake_audience, practice, pieter, 7)
    assert campaign.pk and Send.objects.filter(campaign=campaign).count() == 7

    assert drain(campaign.pk, size=3) == 3  # 3 + 3 + 1
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        f"person-{n}@example.org" for n in range(7)
    )
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.SENT and campaign.finished_at is not None
    assert statuses(campaign) == {"sent": 7}

    for message in mailoutbox:
        n = int(re.search(r"person-(\d+)@", message.to[0]).group(1))
        unsubscribe = f"https://lijfwijs.example/nieuwsbrief/afmelden/t{n}/?campaign={campaign.pk}"
        assert message.subject == "Nieuws van De Brug"
        assert message.from_email.startswith('"Fysio De Brug"') or message.from_email.startswith(
            "Fysio De Brug"
        )
        assert message.reply_to == ["info@debrug.example"]
        assert message.extra_headers["List-Unsubscribe"] == f"<{unsubscribe}>"
        assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        ((html, mimetype),) = message.alternatives
        assert mimetype == "text/html"
        # the plain text: the Markdown as written, the practice's name and address, the link
        assert "**drie tips**" in message.body and unsubscribe in message.body
        assert "Brugstraat 1" in message.body and "1234 AB Utrecht" in message.body
        # the HTML: rendered, the same footer, a visible unsubscribe link
        assert "<strong>drie tips</strong>" in html
        assert "Brugstraat 1<br>1234 AB Utrecht" in html
        assert "Drie tips voor je rug" in html  # the preheader
        # no image (no tracking pixel) and every link exactly as written, plus unsubscribing
        assert "<img" not in html.lower()
        assert sorted(unescape(href) for href in re.findall(r'href="([^"]*)"', html)) == sorted(
            [
                "https://voorbeeld.nl/tips?a=1&b=2",
                "https://lijfwijs.example/kennisbank/",
                unsubscribe,
            ]
        )
        # the frame in the recipient's language (every third person reads English)
        assert f'<html lang="{"en" if n % 3 == 2 else "nl"}">' in html


def test_the_frame_is_rendered_once_per_language_not_per_recipient(
    fake_audience, practice, pieter, mailoutbox, monkeypatch
):
    campaign = queued(fake_audience, practice, pieter, 12)
    calls = []
    real = sending.render_email
    monkeypatch.setattr(sending, "render_email", lambda *args: calls.append(args[2]) or real(*args))
    drain(campaign.pk)
    assert len(mailoutbox) == 12
    assert sorted(calls) == ["en", "nl"]


def test_a_batch_takes_a_constant_number_of_queries(
    fake_audience, practice, pieter, mailoutbox, django_assert_max_num_queries
):
    campaign = queued(fake_audience, practice, pieter, 120)
    # the campaign, its status, the claim (2, in a savepoint), the next task, marking, finishing (3)
    with django_assert_max_num_queries(11):
        assert sending.send_batch(campaign.pk, size=120).sent == 120


def test_the_same_task_run_again_or_queued_twice_sends_nothing_more(
    fake_audience, practice, pieter, mailoutbox
):
    campaign = queued(fake_audience, practice, pieter, 5)
    assert (
        sending.send_campaign_batch.call(campaign.pk)
        == "5 claimed, 5 sent, 0 failed; campaign sent"
    )
    for _again in range(2):
        assert sending.send_campaign_batch.call(campaign.pk) == "0 claimed, 0 sent, 0 failed"
    sending.start(campaign.pk)  # tasks queued again (as the repair may do): nothing to claim
    assert drain(campaign.pk) == 0
    assert len(mailoutbox) == 5


def test_a_worker_killed_after_claiming_never_causes_a_second_email(
    fake_audience, practice, pieter, mailoutbox
):
    campaign = queued(fake_audience, practice, pieter, 7)
    died = sending.claim(campaign.pk, size=3)  # claimed and committed, then the worker "dies"
    assert len(died) == 3

    drain(campaign.pk)  # the other batches carry on
    assert len(mailoutbox) == 4
    assert not {m.to[0] for m in mailoutbox} & {row.email for row in died}
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.SENDING  # three are in doubt

    now = timezone.now()
    assert sending.repair(now).stale == 0  # not yet timed out: maybe still sending
    report = sending.repair(now + sending.CLAIM_TIMEOUT + timedelta(minutes=1))
    assert (report.stale, report.finished) == (3, 1)
    drain(campaign.pk)
    assert len(mailoutbox) == 4  # never resent
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.SENT
    assert services.figures([Campaign.objects.get(pk=campaign.pk)])[
        campaign.pk
    ] == services.Figures(recipients=7, sent=4, failed=3, waiting=0, unsubscribed=0)
    assert all(
        "not sent again" in e
        for e in Send.objects.filter(status="failed").values_list("error", flat=True)
    )


def test_lost_batch_tasks_are_queued_again_by_the_repair_once(
    fake_audience, practice, pieter, mailoutbox
):
    from django_tasks_db.models import DBTaskResult

    campaign = queued(fake_audience, practice, pieter, 3)
    tasks = DBTaskResult.objects.filter(task_path=sending.TASK_PATH)
    assert tasks.count() == sending.LANES  # queued with the campaign (the database backend)
    later = timezone.now() + sending.REQUEUE_AFTER + timedelta(minutes=1)
    assert sending.repair(later).restarted == 0  # its tasks still wait: the workers are down
    tasks.delete()  # lost (a queue emptied, a job dropped)
    assert sending.repair(timezone.now()).restarted == 0  # just queued: they may be running
    assert sending.repair(later).restarted == 1
    assert tasks.count() == sending.LANES
    assert sending.repair(later).restarted == 0  # queued again once, not every run
    drain(campaign.pk)
    assert len(mailoutbox) == 3


class RefusingBackend(EmailBackend):
    """Refuses person-2's message; sends the rest (locmem)."""

    def send_messages(self, messages):
        if any(m.to == ["person-2@example.org"] for m in messages):
            raise OSError("550 mailbox unavailable")
        return super().send_messages(messages)


class DownBackend(EmailBackend):
    def open(self):
        raise ConnectionRefusedError("mail server down")


def test_a_refused_message_is_marked_failed_with_its_error_and_not_retried(
    fake_audience, practice, pieter, mailoutbox, settings
):
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    campaign = queued(fake_audience, practice, pieter, 4)
    drain(campaign.pk)
    assert sorted(m.to[0] for m in mailoutbox) == [
        "person-0@example.org",
        "person-1@example.org",
        "person-3@example.org",
    ]
    failed = Send.objects.get(campaign=campaign, status="failed")
    assert failed.email == "person-2@example.org" and "550 mailbox unavailable" in failed.error
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.SENT


def test_when_the_mail_server_is_down_the_batch_fails_and_nobody_gets_it_twice(
    fake_audience, practice, pieter, mailoutbox, settings
):
    settings.EMAIL_BACKEND = f"{__name__}.DownBackend"
    campaign = queued(fake_audience, practice, pieter, 3)
    result = sending.send_batch(campaign.pk)
    assert (result.claimed, result.sent, result.failed) == (3, 0, 3)
    assert "mail server down" in result.errors[0]
    assert statuses(campaign) == {"failed": 3}


def test_a_test_send_goes_to_the_writer_only_marked_as_a_test(
    fake_audience, practice, pieter, outbox, committed
):
    fake_audience.add(practice, "list:1", "Nieuwsbrief", 3)
    campaign = draft(practice, pieter)
    with committed():
        sending.send_test(campaign, pieter.email, "nl")
    (message,) = outbox
    assert message.to == [pieter.email] and message.subject == "[Test] Nieuws van De Brug"
    assert "Dit is een test" in message.body
    assert f"/praktijk/campagnes/{campaign.pk}/" in message.extra_headers["List-Unsubscribe"]
    assert not Send.objects.exists()
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.DRAFT


def test_sending_through_the_task_queue_from_queueing_to_sent(
    fake_audience, practice, pieter, outbox, committed, monkeypatch
):
    """The immediate task backend runs each task as it is queued: queueing starts the lanes,
    each full batch queues the next, the last marks the campaign sent."""
    monkeypatch.setattr(sending, "BATCH_SIZE", 4)
    fake_audience.add(practice, "list:1", "Nieuwsbrief", 21)
    campaign = draft(practice, pieter)
    with committed():
        assert services.send_now(campaign) == 21
    assert sorted(m.to[0] for m in outbox) == sorted(f"person-{n}@example.org" for n in range(21))
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.SENT


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_each_recipient_exactly_once(
    fake_audience, practice, pieter, mailoutbox
):
    """Two database clients claim batches at the same moment (PostgreSQL: SKIP LOCKED; SQLite:
    one write at a time): every record is sent by one of them, and only once."""
    campaign = queued(fake_audience, practice, pieter, 90)
    runs = in_threads(lambda: drain(campaign.pk, size=7), count=2)
    assert sum(runs) == 13  # 90 / 7 batches between them
    addresses = [m.to[0] for m in mailoutbox]
    assert len(addresses) == 90 and len(set(addresses)) == 90
    assert statuses(campaign) == {"sent": 90}
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.SENT


@pytest.mark.django_db(transaction=True)
def test_two_claims_at_once_never_take_the_same_row(fake_audience, practice, pieter):
    campaign = queued(fake_audience, practice, pieter, 40)
    for _round in range(3):
        first, second = in_threads(lambda: [row.pk for row in sending.claim(campaign.pk, 6)], 2)
        assert len(first) == len(second) == 6 and not set(first) & set(second)
    assert statuses(campaign) == {"claimed": 36, "pending": 4}
