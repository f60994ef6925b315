"""An export someone asked for: what, for whom, its state, and the file once it is made.

The file lives in the database, encrypted with the keys of `core.crypto` (it holds health data,
and every app host must be able to serve it: nothing lives on a host's disk). It can be fetched
until `expires_at`, only by the person who asked; `manage.py purge_exports` deletes expired rows,
and erasing a person's health data deletes every export about them (services.erase_exports).
"""

import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

LIFETIME = timedelta(hours=24)  # a download link works this long after the job was asked for


def default_expiry() -> "timezone.datetime":
    return timezone.now() + LIFETIME


class ExportJobQuerySet(models.QuerySet["ExportJob"]):
    def live(self) -> "ExportJobQuerySet":
        """Not expired yet."""
        return self.filter(expires_at__gt=timezone.now())

    def expired(self) -> "ExportJobQuerySet":
        return self.filter(expires_at__lte=timezone.now())

    def asked_by(self, user: object) -> "ExportJobQuerySet":
        return self.filter(requested_by=user)


class ExportJob(models.Model):
    class Kind(models.TextChoices):
        PDF = "pdf", _("Overzicht voor de huisarts of therapeut (PDF)")
        DIARY_CSV = "diary_csv", _("Dagboek (CSV)")
        PRACTICE_CSV = "practice_csv", _("Oefenlogboek (CSV)")
        FHIR = "fhir", _("Gegevens voor zorgsystemen (FHIR)")
        JSON = "json", _("Al je gegevens (JSON)")

    class Variant(models.TextChoices):
        PLAIN = "", _("Standaard")
        DUTCH = "nl", _("Nederlandse spreadsheet (puntkomma, decimale komma)")

    class Status(models.TextChoices):
        PENDING = "pending", _("wordt gemaakt")
        RUNNING = "running", _("wordt gemaakt")
        READY = "ready", _("klaar")
        FAILED = "failed", _("mislukt")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="export_jobs"
    )
    client = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="exports_about"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    variant = models.CharField(max_length=4, choices=Variant.choices, blank=True, default="")
    language = models.CharField(max_length=5, default="nl")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    content = models.BinaryField(default=b"", editable=False)  # Fernet token of the file
    filename = models.CharField(max_length=80, blank=True, default="")
    content_type = models.CharField(max_length=60, blank=True, default="")
    size = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(default=default_expiry, db_index=True)

    objects = ExportJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["requested_by", "client", "-created_at"])]
        constraints = [
            # A double click or two tabs: one job being made per asker, person, kind and variant.
            models.UniqueConstraint(
                fields=["requested_by", "client", "kind", "variant"],
                condition=Q(status__in=["pending", "running"]),
                name="export_one_open_job",
            ),
            models.CheckConstraint(
                condition=~Q(status="ready") | Q(finished_at__isnull=False),
                name="export_ready_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.status}"

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.PENDING, self.Status.RUNNING)

    @property
    def is_ready(self) -> bool:
        return self.status == self.Status.READY and self.expires_at > timezone.now()
