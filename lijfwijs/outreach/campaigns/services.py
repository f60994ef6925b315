"""The only write path of campaigns: drafts, scheduling, queueing (the audience's snapshot) and the
figures. Sending itself is in sending.py.

A campaign's life: draft → (scheduled →) queued → sending → sent. A scheduled campaign can be
taken back to draft until it is queued. Queueing happens once (a conditional UPDATE of the status
inside the transaction that snapshots the audience), by "send now" or by
`manage.py send_scheduled_campaigns` for those due; a queued campaign whose audience no longer
exists is cancelled with that reason. Only a draft can be changed; everything later is read-only.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from lijfwijs.outreach import audience

from .models import Campaign, Send

logger = logging.getLogger(__name__)

Status = Campaign.Status
SNAPSHOT_CHUNK = 2_000  # send records per INSERT
# how long the send records of a sent campaign are kept (who got it, for questions and bounces)
RETENTION = timedelta(days=90)


class CampaignError(Exception):
    """A change that is not possible now; the message is for the person (already translated)."""


@dataclass(frozen=True)
class Draft:
    subject: str
    preheader: str
    body: str
    language: str
    audience_key: str


def _check_audience(practice: Any, key: str) -> None:
    if key and key not in {a.key for a in audience.audiences(practice)}:
        raise CampaignError(_("Kies een groep ontvangers uit de lijst."))


def create(practice: Any, author: Any, draft: Draft) -> Campaign:
    _check_audience(practice, draft.audience_key)
    return Campaign.objects.create(
        practice=practice,
        author=author,
        subject=draft.subject,
        preheader=draft.preheader,
        body=draft.body,
        language=draft.language,
        audience_key=draft.audience_key,
    )


def update(campaign: Campaign, draft: Draft) -> Campaign:
    """Change a draft (a campaign that is scheduled or further along cannot change)."""
    _check_audience(campaign.practice, draft.audience_key)
    fields = {
        "subject": draft.subject,
        "preheader": draft.preheader,
        "body": draft.body,
        "language": draft.language,
        "audience_key": draft.audience_key,
    }
    changed = Campaign.objects.filter(pk=campaign.pk, status=Status.DRAFT).update(
        **fields, updated_at=timezone.now()
    )
    if not changed:
        raise CampaignError(
            _("Deze campagne is al ingepland of verstuurd en kan niet meer veranderen.")
        )
    for name, value in fields.items():
        setattr(campaign, name, value)
    return campaign


def _ready_to_send(campaign: Campaign) -> None:
    if not campaign.audience_key:
        raise CampaignError(_("Kies eerst naar wie de campagne gaat."))
    if not campaign.subject.strip() or not campaign.body.strip():
        raise CampaignError(_("Een campagne heeft een onderwerp en een tekst nodig."))
    _check_audience(campaign.practice, campaign.audience_key)


def schedule(campaign: Campaign, at: datetime, now: datetime | None = None) -> Campaign:
    """Plan a draft for `at` (in the future); `send_scheduled_campaigns` queues it then."""
    now = now or timezone.now()
    if at <= now:
        raise CampaignError(_("Kies een moment in de toekomst."))
    _ready_to_send(campaign)
    changed = Campaign.objects.filter(pk=campaign.pk, status=Status.DRAFT).update(
        status=Status.SCHEDULED, scheduled_at=at, updated_at=now
    )
    if not changed:
        raise CampaignError(_("Deze campagne is al ingepland of verstuurd."))
    campaign.status, campaign.scheduled_at = Status.SCHEDULED, at
    return campaign


def unschedule(campaign: Campaign) -> Campaign:
    """Take a scheduled campaign back to draft (not possible once it is queued)."""
    changed = Campaign.objects.filter(pk=campaign.pk, status=Status.SCHEDULED).update(
        status=Status.DRAFT, scheduled_at=None, updated_at=timezone.now()
    )
    if not changed:
        raise CampaignError(_("Deze campagne wordt al verstuurd; dat kan niet meer terug."))
    campaign.status, campaign.scheduled_at = Status.DRAFT, None
    return campaign


def send_now(campaign: Campaign, now: datetime | None = None) -> int:
    """Queue a draft at once; the number of send records made."""
    _ready_to_send(campaign)
    return queue(campaign.pk, from_statuses=(Status.DRAFT,), now=now)


def queue(
    campaign_id: int,
    *,
    from_statuses: tuple[str, ...] = (Status.DRAFT, Status.SCHEDULED),
    now: datetime | None = None,
) -> int:
    """Snapshot the audience into send records and queue the sending, in one transaction.

    Exactly one caller queues a campaign: the conditional UPDATE of its status is the claim (two
    clicks, two cron runs at once: the second changes no row and raises). With the database task
    backend the batch tasks commit with the records. Returns the number of records made.
    """
    from . import sending

    now = now or timezone.now()
    with transaction.atomic():
        taken = Campaign.objects.filter(pk=campaign_id, status__in=from_statuses).update(
            status=Status.QUEUED, queued_at=now, updated_at=now
        )
        if not taken:
            raise CampaignError(_("Deze campagne is al verstuurd of wordt nu verstuurd."))
        campaign = Campaign.objects.select_related("practice").get(pk=campaign_id)
        labels = {a.key: a.label for a in audience.audiences(campaign.practice)}
        people = audience.recipients(campaign.practice, campaign.audience_key)
        if people is None:
            Campaign.objects.filter(pk=campaign_id).update(
                status=Status.CANCELLED,
                finished_at=now,
                problem=Campaign.AUDIENCE_GONE,
            )
            return 0
        made = snapshot(campaign, people)
        label = labels.get(campaign.audience_key, campaign.audience_key)
        Campaign.objects.filter(pk=campaign_id).update(audience_label=label)
        if made:
            sending.start(campaign_id)
        else:
            Campaign.objects.filter(pk=campaign_id).update(status=Status.SENT, finished_at=now)
    return made


SNAPSHOT_COLUMNS = ("campaign_id", "recipient_key", "email", "name", "language", "unsubscribe_url")


def snapshot(campaign: Campaign, people: list[audience.Recipient]) -> int:
    """One pending send record per recipient key and address; a key or an address the campaign
    already has is skipped (the unique constraints, ON CONFLICT DO NOTHING). Returns how many
    records the campaign has.

    Written with one prepared INSERT run over chunks of rows (executemany) rather than
    `bulk_create`: no model instance per recipient, and SQLite's limit on parameters per
    statement does not split 50,000 rows into 450 statements. The columns are the model's."""
    seen_keys: set[str] = set()
    seen_emails: set[str] = set()
    rows = []
    for person in people:
        email = person.email.strip().lower()
        key = person.key[:64]
        if not email or key in seen_keys or email in seen_emails:
            continue
        seen_keys.add(key)
        seen_emails.add(email)
        rows.append(
            (
                campaign.pk,
                key,
                email[:254],
                person.name[:200],
                person.language[:8] or "nl",
                person.unsubscribe_url[:500],
            )
        )
    table = connection.ops.quote_name(Send._meta.db_table)
    columns = ", ".join(
        connection.ops.quote_name(Send._meta.get_field(name.removesuffix("_id")).column)
        for name in SNAPSHOT_COLUMNS
    )
    # the names come from the model (quoted), every value is a parameter
    values = ", ".join(["%s"] * (len(SNAPSHOT_COLUMNS) + 2))
    sql = f"INSERT INTO {table} ({columns}, status, error) VALUES ({values}) ON CONFLICT DO NOTHING"  # noqa: S608
    with connection.cursor() as cursor:
        for start in range(0, len(rows), SNAPSHOT_CHUNK):
            chunk = rows[start : start + SNAPSHOT_CHUNK]
            cursor.executemany(sql, [(*row, Send.Status.PENDING, "") for row in chunk])
    return Send.objects.filter(campaign_id=campaign.pk).count()


@dataclass
class Due:
    queued: int = 0
    skipped: int = 0  # queued by another run meanwhile
    errors: int = 0  # the audience could not be read; the campaign stays scheduled


def queue_due(now: datetime | None = None) -> Due:
    """Queue every scheduled campaign whose moment has come."""
    now = now or timezone.now()
    report = Due()
    for campaign_id in Campaign.objects.filter(
        status=Status.SCHEDULED, scheduled_at__lte=now
    ).values_list("pk", flat=True):
        try:
            queue(campaign_id, from_statuses=(Status.SCHEDULED,), now=now)
        except CampaignError:
            report.skipped += 1
        except Exception:
            logger.exception("Could not queue campaign %s; the next run tries again", campaign_id)
            report.errors += 1
        else:
            report.queued += 1
    return report


@dataclass(frozen=True)
class Figures:
    recipients: int = 0
    sent: int = 0
    failed: int = 0
    waiting: int = 0
    unsubscribed: int = 0


def figures(campaigns: list[Campaign]) -> dict[int, Figures]:
    """Sent, failed, still to go and unsubscribed after it, per campaign: a sent campaign's stored
    figures, the others' counted from their records (one query), plus the audience apps' one
    query each for the unsubscribes."""
    if not campaigns:
        return {}
    ids = [c.pk for c in campaigns]
    open_ids = [c.pk for c in campaigns if c.status != Status.SENT]
    counts = {}
    if open_ids:
        counts = {
            row["campaign_id"]: row
            for row in Send.objects.filter(campaign_id__in=open_ids)
            .values("campaign_id")
            .annotate(
                total=Count("pk"),
                sent=Count("pk", filter=Q(status=Send.Status.SENT)),
                failed=Count("pk", filter=Q(status=Send.Status.FAILED)),
            )
        }
    unsubscribed = audience.unsubscribes(ids)
    found = {}
    for campaign in campaigns:
        if campaign.status == Status.SENT:
            sent, failed = campaign.sent_count, campaign.failed_count
            total = sent + failed
        else:
            row = counts.get(campaign.pk) or {"total": 0, "sent": 0, "failed": 0}
            total, sent, failed = row["total"], row["sent"], row["failed"]
        found[campaign.pk] = Figures(
            recipients=total,
            sent=sent,
            failed=failed,
            waiting=total - sent - failed,
            unsubscribed=unsubscribed.get(campaign.pk, 0),
        )
    return found


def forget_recipients(now: datetime | None = None) -> int:
    """Delete the send records (addresses, names, unsubscribe links) of campaigns sent more than
    RETENTION ago; their figures stay on the campaign. The number of records deleted."""
    now = now or timezone.now()
    deleted, _by_model = Send.objects.filter(
        campaign__status=Status.SENT, campaign__finished_at__lte=now - RETENTION
    ).delete()
    return deleted


def forget_address(email: str) -> int:
    """Delete every send record of `email` (someone asked to be forgotten): a campaign still
    being sent no longer goes to them; a sent campaign's figures stay. The number deleted."""
    deleted, _by_model = Send.objects.filter(email=email.strip().lower()).delete()
    return deleted
