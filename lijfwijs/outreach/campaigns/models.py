"""A campaign (one email a practice writes to an audience) and its send records.

Every write goes through services.py. The send records are the guarantee of "exactly once":
one row per (campaign, recipient key) and per (campaign, email), made when the campaign is queued,
and a row is sent only by the worker that moved it from pending to claimed (see services).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Campaign(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("concept")
        SCHEDULED = "scheduled", _("ingepland")
        QUEUED = "queued", _("klaargezet")
        SENDING = "sending", _("wordt verstuurd")
        SENT = "sent", _("verstuurd")
        CANCELLED = "cancelled", _("niet verstuurd")

    class Language(models.TextChoices):
        NL = "nl", _("Nederlands")
        EN = "en", _("Engels")

    practice = models.ForeignKey(
        "accounts.Practice", on_delete=models.CASCADE, related_name="campaigns"
    )
    # who wrote it; kept when that person's account goes (the practice's campaign stays)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    subject = models.CharField(_("onderwerp"), max_length=150)
    preheader = models.CharField(_("voorregel"), max_length=150, blank=True, default="")
    body = models.TextField(_("tekst"), max_length=50_000)
    language = models.CharField(
        _("taal van de tekst"), max_length=2, choices=Language.choices, default=Language.NL
    )
    audience_key = models.CharField(_("ontvangers"), max_length=64, blank=True, default="")
    audience_label = models.CharField(max_length=200, blank=True, default="")  # at queue time
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    scheduled_at = models.DateTimeField(null=True, blank=True)
    queued_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # the figures once sent (kept when the send records are forgotten, services.RETENTION)
    sent_count = models.PositiveIntegerField(default=0)
    failed_count = models.PositiveIntegerField(default=0)
    # why a queued campaign was not sent, shown (translated) on its page
    AUDIENCE_GONE = "audience_gone"  # its audience no longer existed when it was due
    problem = models.CharField(max_length=32, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "scheduled_at"], name="campaign_due"),
            models.Index(fields=["practice", "-created_at"], name="campaign_practice"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="scheduled") | Q(scheduled_at__isnull=False),
                name="campaign_scheduled_has_time",
            )
        ]

    def __str__(self) -> str:
        return self.subject

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT


class Send(models.Model):
    """One recipient of one campaign: what was snapshotted at queue time, and what became of it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("wacht")
        CLAIMED = "claimed", _("wordt verstuurd")
        SENT = "sent", _("verstuurd")
        FAILED = "failed", _("mislukt")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="sends")
    recipient_key = models.CharField(max_length=64)
    email = models.EmailField(max_length=254)
    name = models.CharField(max_length=200, blank=True, default="")
    language = models.CharField(max_length=8, default="nl")
    unsubscribe_url = models.CharField(max_length=500)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    claim = models.UUIDField(null=True, blank=True)  # the batch that claimed the row
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True, default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "recipient_key"], name="campaign_send_once_per_recipient"
            ),
            models.UniqueConstraint(
                fields=["campaign", "email"], name="campaign_send_once_per_address"
            ),
        ]
        indexes = [
            # the claim's "next pending rows of this campaign" and the figures' counts
            models.Index(fields=["campaign", "status"], name="campaign_send_status"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}: {self.recipient_key}"
