"""The practitioner's workspace data: alerts, private notes and assignments about a client.

(The `Practice` and its members live in `accounts`, low enough for booking and outreach.)"""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lijfwijs.core.fields import EncryptedTextField


class AlertQuerySet(models.QuerySet["Alert"]):
    def for_practitioner(self, practitioner: Any) -> "AlertQuerySet":
        """The practitioner's alerts about clients who still grant them access (none for anyone
        else): revoking access hides them at once, as it hides the client."""
        from lijfwijs.accounts.models import PractitionerAccess, User

        if not getattr(practitioner, "is_practitioner", False) or not practitioner.is_active:
            return self.none()
        granted = PractitionerAccess.objects.active().filter(
            client=OuterRef("client"), practitioner=practitioner
        )
        return self.filter(
            Exists(granted),
            practitioner=practitioner,
            client__is_active=True,
            client__role=User.Role.CLIENT,
        )

    def open(self) -> "AlertQuerySet":
        return self.filter(acknowledged_at__isnull=True)


class Alert(models.Model):
    """One alert for one practitioner about one source: a stored instrument response, or an
    answer to the flare-up notice's safety questions. Raised by `alerts.raise_alerts` (a task)
    at most once per source and practitioner: the unique constraints below, not a check first."""

    class Kind(models.TextChoices):
        CRISIS = "crisis", _("crisisantwoord")
        URGENT = "urgent", _("rode vlag: nu naar een arts")
        SAME_DAY = "same_day", _("rode vlag: vandaag naar de huisarts")
        PAIN_RISING = "pain_rising", _("pijn neemt toe")
        SILENCE = "silence", _("geen check-in")

    client = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alerts_about"
    )
    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alerts"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    # What raised it, as a key unique per client and practitioner ("response:<id>",
    # "safety:<id>", "flare:<first day>", "silence:<last check-in day>"): the same cause never
    # raises a second alert, whichever run or worker tries (the constraint below).
    cause = models.CharField(max_length=80)
    # The source: erasing it (the client withdraws consent for health data) erases the alert.
    response = models.ForeignKey(
        "assessments.Response", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    safety_check = models.ForeignKey(
        "diary.SafetyCheck", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # What the practitioner did about it (may hold health content: encrypted).
    acknowledged_note = EncryptedTextField(blank=True, default="")
    # Set when the alert went out in a daily digest email (practice.alerts), at most once.
    digested_at = models.DateTimeField(null=True, blank=True)

    objects = AlertQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["practitioner", "acknowledged_at"]),
            # one client's alerts for one practitioner (the client list's counts and dates, the
            # client's page): a range of that pair, not every alert of the practitioner
            models.Index(fields=["client", "practitioner", "acknowledged_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(response__isnull=True) | Q(safety_check__isnull=True),
                name="alert_has_at_most_one_source",
            ),
            models.UniqueConstraint(
                fields=["practitioner", "client", "cause"], name="one_alert_per_cause"
            ),
            models.UniqueConstraint(
                fields=["response", "practitioner"],
                condition=Q(response__isnull=False),
                name="one_alert_per_response_and_practitioner",
            ),
            models.UniqueConstraint(
                fields=["safety_check", "practitioner"],
                condition=Q(safety_check__isnull=False),
                name="one_alert_per_safety_check_and_practitioner",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.client_id} → {self.practitioner_id}"


class DigestSent(models.Model):
    """One daily digest of open alerts to one practitioner on one day (their local date): the
    unique constraint makes it at most one a day, however often the task runs."""

    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    day = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["practitioner", "day"], name="one_digest_a_day")
        ]

    def __str__(self) -> str:
        return f"digest {self.practitioner_id} {self.day}"


class ClientNote(models.Model):
    """A practitioner's private note about a client, encrypted at rest. Editable by its author for
    24 hours; after that only an addendum (a note with `addendum_to`) can be added. Part of the
    client's own export (GDPR art. 15)."""

    EDITABLE_FOR_HOURS = 24

    client = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notes_about"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_name = models.CharField(max_length=120)  # kept when the author's account is gone
    practice = models.ForeignKey(
        "accounts.Practice", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    addendum_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="addenda"
    )
    body = EncryptedTextField()
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["client", "created_at"])]

    def __str__(self) -> str:
        return f"note {self.pk} about {self.client_id}"


class Assignment(models.Model):
    """Something a practitioner asks a client to do: an exercise with a frequency over a period,
    or a program step opened with a message. Done is read from the practice log (or the program),
    never ticked by hand."""

    class Kind(models.TextChoices):
        EXERCISE = "exercise", _("oefening")
        STEP = "step", _("programmastap")

    client = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignments"
    )
    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    practitioner_name = models.CharField(max_length=120)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    exercise = models.ForeignKey(
        "exercises.Exercise", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    step = models.PositiveSmallIntegerField(null=True, blank=True)
    times_per_week = models.PositiveSmallIntegerField(null=True, blank=True)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    message = EncryptedTextField(blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["client", "withdrawn_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    kind="exercise",
                    exercise__isnull=False,
                    times_per_week__gte=1,
                    times_per_week__lte=21,
                    ends_on__isnull=False,
                    step__isnull=True,
                )
                | Q(kind="step", exercise__isnull=True, step__gte=1, step__lte=5),
                name="assignment_is_exercise_or_step",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="assignment_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.client_id}"
