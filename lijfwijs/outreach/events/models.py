"""Events of a practice (the masterclass, a workshop) and the people who sign up for them.

Capacity is kept by the database, never by counting first: `Event.taken` counts the confirmed
sign-ups and is only raised by a conditional UPDATE (`taken < capacity`), under the CHECK
constraint `taken <= capacity`. On PostgreSQL the UPDATE takes the event's row lock, so every
change of an event's places waits for the one before it and sees what it committed; SQLite writes
one transaction at a time (IMMEDIATE). A sign-up that gets no place waits on the list, in the
order of `queued_at`. services.py is the only writer of `taken` and of a sign-up's status.
"""

import secrets
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lijfwijs.accounts.models import Practice

MAX_CAPACITY = 10_000


def _new_token() -> str:
    return secrets.token_urlsafe(24)


class Event(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("concept")
        PUBLISHED = "published", _("gepubliceerd")
        CANCELLED = "cancelled", _("afgelast")

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)  # the .ics UID
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="events")
    title = models.CharField(_("titel"), max_length=160)
    description = models.TextField(_("omschrijving"), blank=True, default="")
    online_link = models.URLField(_("online link"), blank=True, default="")
    address = models.TextField(_("adres"), blank=True, default="")
    start = models.DateTimeField(_("begin"))  # UTC
    end = models.DateTimeField(_("einde"))
    capacity = models.PositiveIntegerField(
        _("aantal plaatsen"), validators=[MinValueValidator(1), MaxValueValidator(MAX_CAPACITY)]
    )
    # Confirmed sign-ups; raised and lowered only by services.py (see the module docstring).
    taken = models.PositiveIntegerField(default=0, editable=False)
    signup_deadline = models.DateTimeField(_("aanmelden kan tot"), null=True, blank=True)
    is_free = models.BooleanField(_("gratis"), default=True)
    price_text = models.CharField(_("prijs"), max_length=80, blank=True, default="")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    # Raised on every change a calendar file must carry (RFC 5545 SEQUENCE).
    sequence = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["start", "pk"]
        indexes = [models.Index(fields=["status", "start"], name="event_status_start")]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="event_order"),
            models.CheckConstraint(
                condition=Q(capacity__gte=1, capacity__lte=MAX_CAPACITY), name="event_capacity"
            ),
            models.CheckConstraint(
                condition=Q(taken__lte=F("capacity")), name="event_not_overfull"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def free_places(self) -> int:
        return max(self.capacity - self.taken, 0)

    @property
    def closes_at(self):  # noqa: ANN201 - a datetime
        """Sign-ups are taken until this moment: the deadline, at the latest the start."""
        if self.signup_deadline is None:
            return self.start
        return min(self.signup_deadline, self.start)


class SignUp(models.Model):
    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("aangemeld")
        WAITING = "waiting", _("op de wachtlijst")
        CANCELLED = "cancelled", _("afgemeld")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="signups")
    name = models.CharField(_("naam"), max_length=120)
    email = models.EmailField(_("e-mailadres"), max_length=254)
    # The address in lower case: one sign-up per address and event.
    email_key = models.CharField(max_length=254, editable=False)
    language = models.CharField(max_length=5, default="nl", choices=settings.LANGUAGES)
    status = models.CharField(max_length=12, choices=Status.choices)
    # The place in the waiting list's order (the moment the sign-up began to wait).
    queued_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.CharField(max_length=16, blank=True, default="")  # "person", "practice"
    # Present (True) or absent (False), marked by the practice after the start.
    attended = models.BooleanField(null=True, blank=True)
    # The secret of the emails' links (manage, cancel, calendar file, unsubscribe).
    token = models.CharField(max_length=40, default=_new_token, unique=True, editable=False)
    # No more emails about this event from the practice's campaigns (one-click unsubscribe), and
    # through which campaign's email, if one.
    mail_opt_out_at = models.DateTimeField(null=True, blank=True)
    opt_out_campaign = models.PositiveBigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["event", "queued_at", "pk"]
        indexes = [
            models.Index(fields=["event", "status", "queued_at"], name="signup_event_status"),
            models.Index(fields=["email_key"], name="signup_email_key"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["event", "email_key"], name="signup_once_per_email"),
        ]

    def __str__(self) -> str:
        return f"{self.event_id} {self.email} ({self.status})"

    @property
    def is_active(self) -> bool:
        return self.status != self.Status.CANCELLED


class EventReminder(models.Model):
    """A reminder claimed for sending: unique per sign-up, kind and start, so two schedulers or
    a command run twice send it once (a moved event gets its own reminders)."""

    class Kind(models.TextChoices):
        DAY_BEFORE = "24h", _("24 uur vooraf")
        HOUR_BEFORE = "1h", _("1 uur vooraf")

    signup = models.ForeignKey(SignUp, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=4, choices=Kind.choices)
    start = models.DateTimeField()  # the event's start this reminder is about
    claimed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["signup", "kind", "start"], name="event_reminder_once")
        ]

    def __str__(self) -> str:
        return f"{self.signup_id} {self.kind}"
