"""Alerts to a practitioner: a client's crisis answer or urgent red flag, until acknowledged."""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


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

    client = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alerts_about"
    )
    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alerts"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
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

    objects = AlertQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["practitioner", "acknowledged_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(response__isnull=False, safety_check__isnull=True)
                | Q(response__isnull=True, safety_check__isnull=False),
                name="alert_has_one_source",
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
