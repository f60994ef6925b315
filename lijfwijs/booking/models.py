"""Booking: what a practice offers (appointment types), when its practitioners work (weekly hours
and exceptions), and the bookings themselves.

No double booking is guaranteed by the database, never by a check before an insert: a booking
that holds time (held, confirmed, done, no-show; a practitioner's blocked time too) occupies the
span from its start minus the type's buffer before to its end plus the buffer after, and two
occupied spans of one practitioner never overlap:
- PostgreSQL: an exclusion constraint on (practitioner, tstzrange(occupied_start, occupied_end))
  with btree_gist (migration 0001), conditional on the holding statuses;
- SQLite: every booking that holds time owns one `OccupiedMinute` row per five-minute step of its
  occupied span, unique per practitioner and step; the rows are written in the booking's
  transaction and removed when it stops holding time (services.py).
"""

import secrets
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lijfwijs.accounts.models import Practice
from lijfwijs.core.fields import EncryptedTextField

# Appointment lengths, buffers, steps and hours are whole multiples of this many minutes, the grain
# of the SQLite occupancy table.
GRAIN_MINUTES = 5


def _multiple_of_grain(value: int) -> None:
    from django.core.exceptions import ValidationError

    if value % GRAIN_MINUTES:
        raise ValidationError(
            _("Kies een veelvoud van %(grain)d minuten."), params={"grain": GRAIN_MINUTES}
        )


class AppointmentTypeQuerySet(models.QuerySet["AppointmentType"]):
    def bookable(self) -> "AppointmentTypeQuerySet":
        return self.filter(is_active=True)


class AppointmentType(models.Model):
    """Something a practice offers to book: the free advice call, a session, …"""

    class Location(models.TextChoices):
        VIDEO = "video", _("online (video)")
        PHONE = "phone", _("telefonisch")
        PRACTICE = "practice", _("in de praktijk")

    class Audience(models.TextChoices):
        ANYONE = "anyone", _("iedereen")
        CLIENTS = "clients", _("alleen cliënten van de praktijk")

    practice = models.ForeignKey(
        Practice, on_delete=models.CASCADE, related_name="appointment_types"
    )
    name = models.CharField(_("naam"), max_length=120)
    description = models.TextField(_("omschrijving"), blank=True, default="")
    duration_minutes = models.PositiveSmallIntegerField(
        _("duur (minuten)"),
        default=30,
        validators=[MinValueValidator(5), MaxValueValidator(480), _multiple_of_grain],
    )
    buffer_before_minutes = models.PositiveSmallIntegerField(
        _("pauze vooraf (minuten)"),
        default=0,
        validators=[MaxValueValidator(120), _multiple_of_grain],
    )
    buffer_after_minutes = models.PositiveSmallIntegerField(
        _("pauze achteraf (minuten)"),
        default=0,
        validators=[MaxValueValidator(120), _multiple_of_grain],
    )
    # Candidate start times every this many minutes from the start of a block of hours.
    slot_step_minutes = models.PositiveSmallIntegerField(
        _("begintijden om de (minuten)"),
        default=15,
        validators=[MinValueValidator(5), MaxValueValidator(240), _multiple_of_grain],
    )
    is_free = models.BooleanField(_("gratis"), default=False)
    price_text = models.CharField(_("prijs"), max_length=80, blank=True, default="")
    location = models.CharField(
        _("waar"), max_length=16, choices=Location.choices, default=Location.VIDEO
    )
    video_link = models.URLField(_("videolink"), blank=True, default="")
    audience = models.CharField(
        _("wie mag boeken"), max_length=16, choices=Audience.choices, default=Audience.ANYONE
    )
    min_notice_hours = models.PositiveSmallIntegerField(
        _("minimaal vooraf (uren)"), default=12, validators=[MaxValueValidator(24 * 30)]
    )
    horizon_days = models.PositiveSmallIntegerField(
        _("hoe ver vooruit (dagen)"),
        default=60,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    cancel_limit_hours = models.PositiveSmallIntegerField(
        _("annuleren of verzetten tot (uren vooraf)"),
        default=24,
        validators=[MaxValueValidator(24 * 14)],
    )
    practitioners = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="+", verbose_name=_("behandelaars")
    )
    is_active = models.BooleanField(_("te boeken"), default=True)
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    objects = AppointmentTypeQuerySet.as_manager()

    class Meta:
        ordering = ["practice", "position", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=5, duration_minutes__lte=480),
                name="appointment_type_duration_5_480",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class WeeklyHours(models.Model):
    """A block of hours a practitioner works every week, in the practice's time zone."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="weekly_hours"
    )
    weekday = models.PositiveSmallIntegerField(
        _("dag"), validators=[MaxValueValidator(6)]
    )  # 0 = Monday
    start = models.TimeField(_("van"))
    end = models.TimeField(_("tot"))

    class Meta:
        ordering = ["practitioner", "weekday", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")), name="weekly_hours_order"
            ),
            models.CheckConstraint(condition=Q(weekday__lte=6), name="weekly_hours_weekday"),
        ]

    def __str__(self) -> str:
        return f"{self.practitioner_id} {self.weekday} {self.start}-{self.end}"


class AvailabilityException(models.Model):
    """Days off, holidays (closed, whole days or part of them) or extra hours of a practitioner."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="availability_exceptions"
    )
    first_day = models.DateField(_("van (datum)"))
    last_day = models.DateField(_("tot en met (datum)"))
    opens = models.BooleanField(_("extra uren"), default=False)  # False: closed
    start = models.TimeField(_("van (tijd)"), null=True, blank=True)
    end = models.TimeField(_("tot (tijd)"), null=True, blank=True)
    note = models.CharField(_("omschrijving"), max_length=120, blank=True, default="")

    class Meta:
        ordering = ["practitioner", "first_day", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(last_day__gte=models.F("first_day")), name="exception_days_order"
            ),
            # Extra hours have times; closed days either have both times or none (whole days).
            models.CheckConstraint(
                condition=(
                    Q(start__isnull=True, end__isnull=True, opens=False)
                    | Q(start__isnull=False, end__isnull=False, end__gt=models.F("start"))
                ),
                name="exception_times",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.practitioner_id} {self.first_day}..{self.last_day}"


def _new_token() -> str:
    return secrets.token_urlsafe(24)


class BookingQuerySet(models.QuerySet["Booking"]):
    def holding(self) -> "BookingQuerySet":
        """Bookings that occupy their practitioner's time."""
        return self.filter(status__in=Booking.HOLDING)

    def appointments(self) -> "BookingQuerySet":
        return self.filter(kind=Booking.Kind.APPOINTMENT)


class Booking(models.Model):
    """One appointment (or a practitioner's blocked time) of one practitioner."""

    class Kind(models.TextChoices):
        APPOINTMENT = "appointment", _("afspraak")
        BLOCK = "block", _("geblokkeerde tijd")

    class Status(models.TextChoices):
        HELD = "held", _("wacht op bevestiging van het e-mailadres")
        CONFIRMED = "confirmed", _("bevestigd")
        CANCELLED = "cancelled", _("geannuleerd")
        EXPIRED = "expired", _("verlopen (niet bevestigd)")
        DONE = "done", _("gehouden")
        NO_SHOW = "no_show", _("niet verschenen")

    class Origin(models.TextChoices):
        VISITOR = "visitor", _("bezoeker")
        CLIENT = "client", _("cliënt")
        PRACTICE = "practice", _("door de praktijk")
        API = "api", _("API")

    HOLDING = (Status.HELD, Status.CONFIRMED, Status.DONE, Status.NO_SHOW)

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)  # the .ics UID
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="bookings")
    appointment_type = models.ForeignKey(
        AppointmentType, on_delete=models.PROTECT, null=True, blank=True, related_name="bookings"
    )
    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bookings_given"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.APPOINTMENT)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.HELD)
    origin = models.CharField(max_length=16, choices=Origin.choices, default=Origin.VISITOR)
    start = models.DateTimeField()  # UTC
    end = models.DateTimeField()
    # The span the booking keeps free of other bookings: start - buffer before, end + buffer after.
    occupied_start = models.DateTimeField()
    occupied_end = models.DateTimeField()
    # A visitor's booking is held until they confirm their email address, at most until this.
    hold_expires_at = models.DateTimeField(null=True, blank=True)
    # Who booked: a signed-in client, or a visitor by name and email.
    client = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="bookings",
    )
    name = models.CharField(_("naam"), max_length=120, blank=True, default="")
    email = models.EmailField(_("e-mailadres"), blank=True, default="")
    phone = models.CharField(_("telefoon"), max_length=32, blank=True, default="")
    # The question may say something about the person's health: encrypted at rest.
    question = EncryptedTextField(_("je vraag"), blank=True, default="")
    # A Pijntest result the person chose to attach (theirs, or kept in their visitor session).
    assessment_response = models.ForeignKey(
        "assessments.Response",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    language = models.CharField(max_length=5, default="nl", choices=settings.LANGUAGES)
    # For blocked time: what the practitioner noted.
    note = models.CharField(_("omschrijving"), max_length=120, blank=True, default="")
    # Secret of the links in the emails (cancel, reschedule, confirm), rotated never; the links are
    # signed besides.
    token = models.CharField(max_length=40, default=_new_token, unique=True, editable=False)
    # Raised on every change the calendar file must carry (RFC 5545 SEQUENCE).
    sequence = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.CharField(max_length=16, blank=True, default="")  # "client", "practice"

    objects = BookingQuerySet.as_manager()

    class Meta:
        ordering = ["start"]
        indexes = [
            models.Index(fields=["practitioner", "start"], name="booking_practitioner_start"),
            models.Index(fields=["practice", "start"], name="booking_practice_start"),
            models.Index(fields=["status", "hold_expires_at"], name="booking_status_hold"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="booking_order"),
            models.CheckConstraint(
                condition=Q(
                    occupied_start__lte=models.F("start"), occupied_end__gte=models.F("end")
                ),
                name="booking_occupied_covers",
            ),
        ]

    def __str__(self) -> str:
        return f"booking {self.pk} {self.start:%Y-%m-%d %H:%M} ({self.status})"

    @property
    def holds_time(self) -> bool:
        return self.status in self.HOLDING

    @property
    def who(self) -> str:
        if self.client_id:
            return str(self.client)
        return self.name or self.email

    @property
    def contact_email(self) -> str:
        if self.client_id:
            return self.client.email  # type: ignore[union-attr]
        return self.email


class OccupiedMinute(models.Model):
    """SQLite's guard against double booking: one row per practitioner and five-minute step that a
    holding booking occupies (see the module docstring). Not used on PostgreSQL."""

    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    minute = models.DateTimeField()  # UTC, on the five-minute grain
    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["practitioner", "minute"], name="occupied_minute_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.practitioner_id} {self.minute:%Y-%m-%d %H:%M}"


class ReminderSent(models.Model):
    """A booking reminder claimed for sending: unique per booking, kind and start time, so two
    schedulers or a task run twice send it once (a rescheduled booking gets its own reminders)."""

    class Kind(models.TextChoices):
        DAY_BEFORE = "24h", _("24 uur vooraf")
        HOURS_BEFORE = "2h", _("2 uur vooraf")

    class Status(models.TextChoices):
        CLAIMED = "claimed", _("geclaimd")
        SENDING = "sending", _("wordt verstuurd")
        SENT = "sent", _("verstuurd")
        SKIPPED = "skipped", _("overgeslagen")

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=4, choices=Kind.choices)
    start = models.DateTimeField()  # the booking's start this reminder is about
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.CLAIMED)
    claimed_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["booking", "kind", "start"], name="booking_reminder_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.booking_id} {self.kind} ({self.status})"


class CalendarFeed(models.Model):
    """A practitioner's secret calendar subscription URL (revocable: a new token replaces it)."""

    practitioner = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    token = models.CharField(max_length=64, unique=True, default=_new_token)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"feed {self.practitioner_id}"
