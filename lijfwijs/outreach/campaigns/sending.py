"""Sending a queued campaign in batches, each recipient exactly once.

The send records (one per campaign and recipient, made when the campaign is queued) carry the
guarantee; the tasks only do the work:

1. `send_campaign_batch(campaign_id)` **claims** up to BATCH_SIZE pending records in one short
   transaction: on PostgreSQL `SELECT … FOR UPDATE SKIP LOCKED` (two workers take different rows
   without waiting for each other), on SQLite the IMMEDIATE transaction serialises the claims;
   then an UPDATE pending → claimed with the batch's claim id. It commits before anything is sent.
2. When it took a full batch it queues the next batch task, so every free worker joins in;
   queueing starts LANES of these chains at once.
3. It renders the campaign once per frame language, sends the batch over one connection, and
   marks the records sent (one UPDATE) or failed (with the error).
4. The batch that finds nothing left to send marks the campaign sent.

A record is only ever sent by the batch that claimed it, so two workers, a task run twice or
queued twice never send twice. A worker killed between claiming and marking leaves its records
"claimed": they may or may not have gone out. `close_stale` (run by `send_scheduled_campaigns`)
marks records claimed longer than CLAIM_TIMEOUT ago as failed, never sends them again: at most
once for those few, never twice for anyone (decision: a duplicate newsletter is worse than a
missed one, and the figures show how many failed).
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.utils import formataddr, parseaddr
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connection as db_connection
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django_tasks import task

from lijfwijs.core import markdown, tasks
from lijfwijs.core.mail import email_language, render_email

from .models import Campaign, Send

logger = logging.getLogger(__name__)

BATCH_SIZE = 500
LANES = 4  # batch chains started when a campaign is queued (more than there are workers)
CLAIM_TIMEOUT = timedelta(minutes=15)  # a claim older than this: its worker died
REQUEUE_AFTER = timedelta(minutes=10)  # pending records and no claim for this long: tasks lost
TEMPLATE = "campaigns/emails/campaign"
TASK_PATH = "lijfwijs.outreach.campaigns.sending.send_campaign_batch"
# Stands for the recipient's unsubscribe address in the frame rendered once per language; the
# same in HTML and text (no character HTML would escape).
UNSUBSCRIBE_MARK = "LIJFWIJS-UNSUBSCRIBE-8f4c2a"

Status = Send.Status


# --- starting ---------------------------------------------------------------------------------


def start(campaign_id: int, lanes: int = LANES) -> None:
    """Queue `lanes` batch tasks for the campaign (in the queueing transaction with the database
    task backend; after its commit otherwise)."""
    for _lane in range(lanes):
        tasks.enqueue_following(
            send_campaign_batch,
            Send,
            lambda: send_campaign_batch.enqueue(campaign_id),
            label=f"campaign {campaign_id}",
        )


@task
def send_campaign_batch(campaign_id: int) -> str:
    """Claim, send and mark one batch of the campaign. Keep this name and module: queued tasks
    are found by it."""
    return send_batch(campaign_id).summary()


# --- one batch --------------------------------------------------------------------------------


@dataclass
class BatchResult:
    claimed: int = 0
    sent: int = 0
    failed: int = 0
    finished: bool = False
    errors: list[str] = field(default_factory=list)

    def summary(self) -> str:
        done = "; campaign sent" if self.finished else ""
        return f"{self.claimed} claimed, {self.sent} sent, {self.failed} failed{done}"


@dataclass(frozen=True)
class Claimed:
    pk: int
    email: str
    name: str
    language: str
    unsubscribe_url: str


def claim(campaign_id: int, size: int = BATCH_SIZE, now: datetime | None = None) -> list[Claimed]:
    """Move up to `size` pending records of the campaign to claimed, in one committed
    transaction; the records this call (and no other) now owns."""
    now = now or timezone.now()
    claim_id = uuid.uuid4()
    with transaction.atomic():
        pending = Send.objects.filter(campaign_id=campaign_id, status=Status.PENDING).order_by("pk")
        if db_connection.features.has_select_for_update_skip_locked:
            pending = pending.select_for_update(skip_locked=True)
        rows = list(
            pending.values_list("pk", "email", "name", "language", "unsubscribe_url")[:size]
        )
        if not rows:
            return []
        taken = Send.objects.filter(pk__in=[r[0] for r in rows], status=Status.PENDING).update(
            status=Status.CLAIMED, claim=claim_id, claimed_at=now
        )
        if taken != len(rows):  # cannot happen under the locks; never send what is not ours
            mine = set(Send.objects.filter(claim=claim_id).values_list("pk", flat=True))
            rows = [r for r in rows if r[0] in mine]
    return [Claimed(*row) for row in rows]


def send_batch(
    campaign_id: int, size: int = BATCH_SIZE, now: datetime | None = None
) -> BatchResult:
    """Claim a batch of the campaign, queue the next batch when this one is full, send, mark."""
    result = BatchResult()
    campaign = (
        Campaign.objects.select_related("practice")
        .filter(pk=campaign_id, status__in=(Campaign.Status.QUEUED, Campaign.Status.SENDING))
        .first()
    )
    if campaign is None:
        return result
    if campaign.status == Campaign.Status.QUEUED:
        Campaign.objects.filter(pk=campaign_id, status=Campaign.Status.QUEUED).update(
            status=Campaign.Status.SENDING
        )
    rows = claim(campaign_id, size, now)
    result.claimed = len(rows)
    if not rows:
        result.finished = finish_if_done(campaign_id)
        return result
    if len(rows) == size:
        # More may be waiting: the next batch goes to whichever worker is free while this one
        # sends. Queued after the claim's commit (this runs in autocommit).
        send_campaign_batch.enqueue(campaign_id)
    deliver(campaign, rows, result)
    result.finished = finish_if_done(campaign_id)
    return result


def deliver(campaign: Campaign, rows: list[Claimed], result: BatchResult) -> None:
    """Send the claimed rows over one connection and mark each sent or failed."""
    messages = Messages(campaign)
    sent_ids: list[int] = []
    failures: list[tuple[int, str]] = []
    connection = get_connection()
    try:
        connection.open()
    except Exception as exc:  # noqa: BLE001 - the mail server's refusal is recorded per row
        failures = [(row.pk, _error(exc)) for row in rows]
    else:
        try:
            for row in rows:
                try:
                    delivered = connection.send_messages([messages.for_row(row)])
                except Exception as exc:  # noqa: BLE001 - recorded on the row, never retried
                    failures.append((row.pk, _error(exc)))
                else:
                    if delivered:
                        sent_ids.append(row.pk)
                    else:
                        failures.append((row.pk, "not accepted by the mail server"))
        finally:
            connection.close()
    finished_at = timezone.now()
    if sent_ids:
        Send.objects.filter(pk__in=sent_ids, status=Status.CLAIMED).update(
            status=Status.SENT, sent_at=finished_at
        )
    for pk, error in failures:
        Send.objects.filter(pk=pk, status=Status.CLAIMED).update(status=Status.FAILED, error=error)
    result.sent, result.failed = len(sent_ids), len(failures)
    result.errors = [error for _pk, error in failures[:3]]


def _error(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"[:300]


def finish_if_done(campaign_id: int, now: datetime | None = None) -> bool:
    """Mark the campaign sent, with its final figures, when none of its records waits or is being
    sent; True if this call did (of two batches finishing at once, one does)."""
    if Send.objects.filter(
        campaign_id=campaign_id, status__in=(Status.PENDING, Status.CLAIMED)
    ).exists():
        return False
    # final now: no record waits or is being sent
    counts = Send.objects.filter(campaign_id=campaign_id).aggregate(
        sent=Count("pk", filter=Q(status=Status.SENT)),
        failed=Count("pk", filter=Q(status=Status.FAILED)),
    )
    return bool(
        Campaign.objects.filter(
            pk=campaign_id, status__in=(Campaign.Status.QUEUED, Campaign.Status.SENDING)
        ).update(
            status=Campaign.Status.SENT,
            finished_at=now or timezone.now(),
            sent_count=counts["sent"],
            failed_count=counts["failed"],
        )
    )


# --- the messages -----------------------------------------------------------------------------


def with_campaign(url: str, campaign_id: int) -> str:
    """The recipient's unsubscribe URL with `campaign=<id>` added to its query."""
    parts = urlsplit(url)
    query = f"{parts.query}&" if parts.query else ""
    query += urlencode({"campaign": campaign_id})
    return urlunsplit(parts._replace(query=query))


def sender(practice: Any) -> str:
    """ "<practice> <address of DEFAULT_FROM_EMAIL>": the practice's name with the site's address."""
    _name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return formataddr((practice.name, address or settings.DEFAULT_FROM_EMAIL))


def frame_context(campaign: Campaign, *, test: bool = False) -> dict[str, Any]:
    practice = campaign.practice
    return {
        "subject": campaign.subject,
        "preheader": campaign.preheader,
        "body_html": markdown.render(campaign.body),
        "body_text": campaign.body.strip(),
        "body_language": campaign.language,
        "practice_name": practice.name,
        "practice_address": [
            line.strip() for line in practice.address.splitlines() if line.strip()
        ],
        "unsubscribe_url": UNSUBSCRIBE_MARK,
        "test": test,
    }


class Messages:
    """The campaign's email for each recipient: the frame rendered once per language (templates
    through core.mail), the recipient's unsubscribe address put in its place."""

    def __init__(self, campaign: Campaign, *, test: bool = False) -> None:
        self.campaign = campaign
        self.context = frame_context(campaign, test=test)
        self.frames: dict[str, Any] = {}
        self.from_email = sender(campaign.practice)
        self.reply_to = [campaign.practice.email] if campaign.practice.email else None

    def frame(self, language: str) -> Any:
        language = email_language(language)
        if language not in self.frames:
            self.frames[language] = render_email(TEMPLATE, self.context, language)
        return self.frames[language]

    def build(self, to: str, language: str, unsubscribe_url: str) -> EmailMultiAlternatives:
        frame = self.frame(language)
        message = EmailMultiAlternatives(
            subject=frame.subject,
            body=frame.text.replace(UNSUBSCRIBE_MARK, unsubscribe_url),
            from_email=self.from_email,
            to=[to],
            reply_to=self.reply_to,
            headers={
                # RFC 2369 and RFC 8058: mail programs offer one-click unsubscribing
                "List-Unsubscribe": f"<{unsubscribe_url}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
        )
        message.attach_alternative(
            frame.html.replace(UNSUBSCRIBE_MARK, escape(unsubscribe_url)), "text/html"
        )
        return message

    def for_row(self, row: Claimed) -> EmailMultiAlternatives:
        return self.build(
            row.email, row.language, with_campaign(row.unsubscribe_url, self.campaign.pk)
        )


# --- a test to oneself ------------------------------------------------------------------------


def send_test(campaign: Campaign, to: str, language: str) -> None:
    """Queue the campaign as a test to `to` (after the commit): the same message, marked as a
    test, its unsubscribe link leading to the campaign's page."""
    transaction.on_commit(
        lambda: send_campaign_test.enqueue(campaign_id=campaign.pk, to=to, language=language)
    )


@task
def send_campaign_test(campaign_id: int, to: str, language: str) -> str:
    campaign = Campaign.objects.select_related("practice").filter(pk=campaign_id).first()
    if campaign is None:
        return "gone"
    link = settings.SITE_URL.rstrip("/") + reverse("campaigns_detail", args=[campaign.pk])
    message = Messages(campaign, test=True).build(to, language, link)
    message.send()
    return "sent"


# --- after a worker died, or a task was lost --------------------------------------------------


@dataclass
class Repair:
    stale: int = 0
    restarted: int = 0
    finished: int = 0


def repair(now: datetime | None = None) -> Repair:
    """Close claims older than CLAIM_TIMEOUT as failed (never resent), restart campaigns whose
    batch tasks were lost, mark finished those with nothing left. Safe to run any time."""
    now = now or timezone.now()
    report = Repair()
    open_ids = list(
        Campaign.objects.filter(
            status__in=(Campaign.Status.QUEUED, Campaign.Status.SENDING)
        ).values_list("pk", flat=True)
    )
    if not open_ids:
        return report
    report.stale = Send.objects.filter(
        campaign_id__in=open_ids, status=Status.CLAIMED, claimed_at__lte=now - CLAIM_TIMEOUT
    ).update(
        status=Status.FAILED,
        error="the worker stopped while sending; not sent again (it may have arrived)",
    )
    waiting = _waiting_campaigns()
    for campaign in Campaign.objects.filter(pk__in=open_ids).only("pk", "queued_at"):
        if finish_if_done(campaign.pk, now):
            report.finished += 1
            continue
        recent = Send.objects.filter(
            campaign_id=campaign.pk, claimed_at__gt=now - REQUEUE_AFTER
        ).exists()
        started_long_ago = campaign.queued_at is None or campaign.queued_at <= now - REQUEUE_AFTER
        if not recent and started_long_ago and campaign.pk not in waiting:
            # Extra batch tasks are harmless: each sends only what it claims.
            start(campaign.pk)
            report.restarted += 1
    return report


def _waiting_campaigns() -> set[int]:
    """Campaigns with a batch task queued and not started yet (the database backend; with RQ
    none is known, and extra tasks are harmless). While the workers are down, the repair then
    does not add tasks every run."""
    from django_tasks import TaskResultStatus
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    if not isinstance(send_campaign_batch.get_backend(), DatabaseBackend):
        return set()
    waiting = set()
    for args_kwargs in DBTaskResult.objects.filter(
        task_path=TASK_PATH, status=TaskResultStatus.READY
    ).values_list("args_kwargs", flat=True):
        args = (args_kwargs or {}).get("args") or []
        if args and isinstance(args[0], int):
            waiting.add(args[0])
    return waiting
