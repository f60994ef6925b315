"""The daily check-in: how someone is, several times a day if they like, on their local date."""

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lijfwijs.core.fields import EncryptedJSONField, EncryptedTextField
from lijfwijs.core.i18n import Translated

REGIONS = (
    "lower_back",
    "upper_back",
    "neck",
    "shoulders",
    "pelvis_hips",
    "buttock",
    "leg_above_knee",
    "leg_below_knee",
    "head",
    "other",
)


class TagQuerySet(models.QuerySet["Tag"]):
    def for_user(self, user: Any) -> "TagQuerySet":
        """The starter vocabulary plus the person's own tags."""
        return self.filter(Q(user__isnull=True) | Q(user=user), is_active=True)


class Tag(models.Model):
    """A trigger, emotion or activity. Starter tags ship as data (user empty); own tags belong to one person."""

    class Kind(models.TextChoices):
        TRIGGER = "trigger", _("trigger")
        EMOTION = "emotion", _("emotie")
        ACTIVITY = "activity", _("activiteit")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="tags",
    )
    key = models.SlugField(max_length=60, blank=True, default="")  # starter tags only
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.TRIGGER)
    name_nl = models.CharField(max_length=60)
    name_en = models.CharField(max_length=60, blank=True, default="")
    is_active = models.BooleanField(default=True)
    sort_order = models.PositiveIntegerField(default=0)

    name = Translated()
    objects = TagQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "sort_order", "name_nl"]
        constraints = [
            models.UniqueConstraint(
                fields=["key"], condition=Q(user__isnull=True), name="starter_tag_key_unique"
            ),
            models.UniqueConstraint(
                fields=["user", "name_nl"],
                condition=Q(user__isnull=False),
                name="own_tag_name_unique",
            ),
        ]

    def __str__(self) -> str:
        return str(self.name)


class CheckInQuerySet(models.QuerySet["CheckIn"]):
    def for_user(self, user: Any) -> "CheckInQuerySet":
        return self.filter(user=user)

    def between(self, first: Any, last: Any) -> "CheckInQuerySet":
        return self.filter(day__gte=first, day__lte=last)

    def with_client_key(self, key: str) -> "CheckInQuerySet":
        """The check-in sent with this client key (a resend). The condition of the partial unique
        index (user, client_key) is repeated, so the database reads that index: without it SQLite
        read every check-in of the person (0.4 ms at 5,800 check-ins, on every check-in sent)."""
        return self.filter(client_key=key).exclude(client_key="")


class CheckIn(models.Model):
    class State(models.TextChoices):
        VENTRAL = "ventral", _("rustig en verbonden")
        SYMPATHETIC = "sympathetic", _("gespannen, opgejaagd")
        DORSAL = "dorsal", _("leeg, verdoofd, uitgeput")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="checkins"
    )
    at = models.DateTimeField(default=timezone.now)
    day = models.DateField(db_index=True)  # the person's local date of `at`
    pain = models.PositiveSmallIntegerField()
    region_pain = models.JSONField(default=dict, blank=True)  # region code → 0-10
    state = models.CharField(max_length=12, choices=State.choices, blank=True, default="")
    stress = models.PositiveSmallIntegerField(null=True, blank=True)
    sleep = models.PositiveSmallIntegerField(null=True, blank=True)  # quality of last night
    energy = models.PositiveSmallIntegerField(null=True, blank=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="checkins")
    exercises = models.ManyToManyField("exercises.Exercise", blank=True, related_name="+")
    note = EncryptedTextField(blank=True, default="")
    client_key = models.CharField(
        max_length=64, blank=True, default=""
    )  # offline submissions: sent once
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CheckInQuerySet.as_manager()

    class Meta:
        ordering = ["-day", "-at"]
        # a person's days in order; with the pain score in it too, the client list's weekly means
        # and trends read the index alone, not a table row per check-in (docs/decisions.md)
        indexes = [models.Index(fields=["user", "day", "pain"], name="diary_checkin_user_day_pain")]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "client_key"],
                condition=~Q(client_key=""),
                name="checkin_client_key_unique",
            ),
            models.CheckConstraint(condition=Q(pain__lte=10), name="checkin_pain_0_10"),
            models.CheckConstraint(
                condition=Q(stress__lte=10) | Q(stress__isnull=True), name="checkin_stress_0_10"
            ),
            models.CheckConstraint(
                condition=Q(sleep__lte=10) | Q(sleep__isnull=True), name="checkin_sleep_0_10"
            ),
            models.CheckConstraint(
                condition=Q(energy__lte=10) | Q(energy__isnull=True), name="checkin_energy_0_10"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.pain}"


# --- Daily check-in reminders (the rules are in reminders.py) -----------------------------------

from datetime import time  # noqa: E402  (this section was appended; see reminders.py)


class ReminderPreferenceQuerySet(models.QuerySet["ReminderPreference"]):
    def eligible(self) -> "ReminderPreferenceQuerySet":
        """Switched on, by someone who can be reminded: an active account with a confirmed address
        (no reminders to an address nobody confirmed) and current consent for health data (without
        it there is no diary to check in to)."""
        from lijfwijs.accounts.models import Consent, ConsentText

        consent = Consent.objects.filter(
            user=models.OuterRef("user"),
            kind=ConsentText.Kind.HEALTH_DATA,
            withdrawn_at__isnull=True,
        )
        return self.filter(
            enabled=True, user__is_active=True, user__email_verified_at__isnull=False
        ).filter(models.Exists(consent))


class ReminderPreference(models.Model):
    """Whether and when someone gets a daily check-in reminder, at a local time in their time zone
    (`user.time_zone`)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_preference"
    )
    enabled = models.BooleanField(default=False)
    local_time = models.TimeField(default=time(20, 0))
    # When `enabled` or `local_time` last changed: a day's reminder is due only when its moment
    # comes after this, so a time that has already passed today starts tomorrow.
    changed_at = models.DateTimeField(default=timezone.now)

    objects = ReminderPreferenceQuerySet.as_manager()

    def __str__(self) -> str:
        return f"{self.user_id} {'on' if self.enabled else 'off'} {self.local_time:%H:%M}"


class ReminderDelivery(models.Model):
    """One person's reminder for one local day. The row is the claim: the unique (user, day) makes
    sure only one scheduler run sends it, and its status says how far sending got."""

    class Status(models.TextChoices):
        CLAIMED = "claimed", _("gereserveerd")  # a task is (or will be) queued; safe to retry
        SENDING = "sending", _("wordt verstuurd")  # handed to the mail server; never retried
        SENT = "sent", _("verstuurd")
        SKIPPED = "skipped", _("overgeslagen")
        FAILED = "failed", _("mislukt")  # the mail server refused it; never retried

    class SkipReason(models.TextChoices):
        CHECKED_IN = "checked_in", _("al ingecheckt")
        SWITCHED_OFF = "switched_off", _("herinneringen uitgezet")
        NOT_ELIGIBLE = "not_eligible", _("geen toestemming of onbevestigd adres")
        TOO_LATE = "too_late", _("te laat")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_deliveries"
    )
    day = models.DateField()  # the person's local date
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.CLAIMED)
    skip_reason = models.CharField(
        max_length=16, choices=SkipReason.choices, blank=True, default=""
    )
    due_at = models.DateTimeField()  # the reminder's moment
    send_before = models.DateTimeField()  # later than this it is not sent at all
    claimed_at = models.DateTimeField()
    queued_at = models.DateTimeField()  # last time a task was queued for it
    task_id = models.CharField(max_length=64, blank=True, default="")  # that task
    taken_at = models.DateTimeField(null=True, blank=True)  # a worker started handing it over
    sent_at = models.DateTimeField(null=True, blank=True)  # the mail server accepted it

    class Meta:
        ordering = ["-day"]
        constraints = [
            models.UniqueConstraint(fields=["user", "day"], name="one_reminder_per_person_per_day")
        ]
        indexes = [models.Index(fields=["status", "queued_at"])]

    def __str__(self) -> str:
        return f"{self.user_id} {self.day} {self.status}"


# --- The flare-up notice's safety questions (the rules are in safety.py) -------------------------


class SafetyCheck(models.Model):
    """One answer to the safety questions the flare-up notice asks again (cauda equina signs, leg
    weakness, fever). A yes is health data and raises an alert to the person's practitioners."""

    class Level(models.TextChoices):
        NONE = "none", _("geen")
        SAME_DAY = "same_day", _("vandaag naar de huisarts")
        URGENT = "urgent", _("nu naar een arts")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="safety_checks"
    )
    at = models.DateTimeField(default=timezone.now)
    # The question keys answered yes: health data typed in by the person, encrypted at rest.
    flags = EncryptedJSONField(default=list)
    level = models.CharField(max_length=12, choices=Level.choices, default=Level.NONE)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.user_id} {self.at:%Y-%m-%d %H:%M} {self.level}"
