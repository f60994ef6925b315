"""A practice's leads: people who asked to be contacted (the contact form, the Pijntest report, a
visitor's advice-call booking), what they sent, the practice's notes and the lead's status.

One open lead per person and practice: a person is their email address (stored in lower case),
and while a lead is new or contacted a second contact from the same address is added to it. The
database guarantees it (a conditional unique constraint); the services add to the open lead when
the insert meets it. What a person wrote and the practice's notes may say something about their
health: encrypted at rest.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lijfwijs.accounts.models import Invitation, Practice
from lijfwijs.core.fields import EncryptedTextField


class Source(models.TextChoices):
    CONTACT_FORM = "contact", _("contactformulier")
    PIJNTEST = "pijntest", _("Pijntest")
    BOOKING = "booking", _("adviesgesprek")


class LeadQuerySet(models.QuerySet["Lead"]):
    def open(self) -> "LeadQuerySet":
        return self.filter(status__in=Lead.OPEN)


class Lead(models.Model):
    """Someone who asked a practice to contact them."""

    class Status(models.TextChoices):
        NEW = "new", _("nieuw")
        CONTACTED = "contacted", _("contact gehad")
        CLIENT = "client", _("cliënt")
        CLOSED = "closed", _("afgesloten")

    OPEN = (Status.NEW, Status.CONTACTED)

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="leads")
    email = models.EmailField(_("e-mailadres"))  # lower case: who the person is
    name = models.CharField(_("naam"), max_length=120, blank=True, default="")
    phone = models.CharField(_("telefoon"), max_length=32, blank=True, default="")
    # The account that sent it while signed in (its data goes with the account).
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    language = models.CharField(max_length=5, default="nl", choices=settings.LANGUAGES)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NEW)
    source = models.CharField(max_length=12, choices=Source.choices)  # how it came in first
    # The client invitation the practice sent from the lead; accepted, the lead becomes "client".
    invitation = models.ForeignKey(
        Invitation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_contact_at = models.DateTimeField(default=timezone.now)  # the newest message

    objects = LeadQuerySet.as_manager()

    class Meta:
        ordering = ["-last_contact_at", "-pk"]
        indexes = [
            models.Index(fields=["practice", "status", "-last_contact_at"], name="lead_list"),
            models.Index(fields=["email"], name="lead_email"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "email"],
                condition=Q(status__in=["new", "contacted"]),
                name="one_open_lead_per_person_and_practice",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["new", "contacted", "client", "closed"]),
                name="lead_status_known",
            ),
        ]

    def __str__(self) -> str:
        return f"lead {self.pk} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    @property
    def who(self) -> str:
        return self.name or self.email


class LeadMessage(models.Model):
    """One contact: a question from the contact form, a "contact me" from the Pijntest report, or a
    visitor's confirmed advice-call booking."""

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="messages")
    source = models.CharField(max_length=12, choices=Source.choices)
    body = EncryptedTextField(_("vraag"), blank=True, default="")
    assessment_response = models.ForeignKey(
        "assessments.Response",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    booking = models.ForeignKey(
        "booking.Booking", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The version of the consent line the person agreed to when sending ("" for a booking,
    # whose own form says what happens with the details).
    consent_version = models.CharField(max_length=16, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            # a booking confirmed twice (a second click, two processes) is one message
            models.UniqueConstraint(
                fields=["booking"], condition=Q(booking__isnull=False), name="lead_message_booking"
            )
        ]

    def __str__(self) -> str:
        return f"{self.lead_id} {self.source} {self.created_at:%Y-%m-%d %H:%M}"


class LeadNote(models.Model):
    """A practice's note about a lead (a call, an agreement), with its author and time."""

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    author_name = models.CharField(max_length=120)  # kept when the author's account goes
    body = EncryptedTextField(_("notitie"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"note on {self.lead_id}"


class LeadChange(models.Model):
    """A change of a lead's status: from what to what, by whom (None: by the system, as when the
    invitation was accepted), when."""

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="changes")
    old_status = models.CharField(max_length=12, choices=Lead.Status.choices)
    new_status = models.CharField(max_length=12, choices=Lead.Status.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    by_name = models.CharField(max_length=120, blank=True, default="")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.lead_id}: {self.old_status} → {self.new_status}"
