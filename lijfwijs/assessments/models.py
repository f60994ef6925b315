"""Stored responses to instruments, each keeping the version it was scored with."""

import re
import secrets
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lijfwijs.core.fields import EncryptedJSONField

from . import engine, registry

TOKEN = re.compile(r"[A-Za-z0-9_-]{1,32}")


def new_token() -> str:
    """An unguessable id (144 random bits); holding it is what gives access to an anonymous result."""
    return secrets.token_urlsafe(18)


class ResponseQuerySet(models.QuerySet["Response"]):
    def completed(self) -> "ResponseQuerySet":
        return self.filter(status=Response.Status.COMPLETED)

    def drafts(self) -> "ResponseQuerySet":
        return self.filter(status=Response.Status.DRAFT)

    def with_idempotency_key(self, scope: str, instrument: str, key: str) -> "ResponseQuerySet":
        """The response this caller (`scope`) sent before with this Idempotency-Key. The condition
        of the partial unique index is repeated, so the database reads that index rather than
        every response of every caller."""
        return self.filter(
            idempotency_scope=scope, instrument=instrument, idempotency_key=key
        ).exclude(idempotency_key="")


class Response(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("bezig")
        COMPLETED = "completed", _("afgerond")

    class Channel(models.TextChoices):
        WEB = "web", _("website")
        API = "api", _("API")

    id = models.CharField(primary_key=True, max_length=32, default=new_token, editable=False)
    instrument = models.CharField(max_length=64)
    version = models.CharField(max_length=32)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    channel = models.CharField(max_length=8, choices=Channel.choices, default=Channel.WEB)
    language = models.CharField(max_length=5, default="nl")
    # The answers are health data typed in by the person: encrypted at rest (docs/encryption.md).
    answers = EncryptedJSONField(default=dict)
    result = models.JSONField(default=dict)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="responses",
    )
    # A retry with the same Idempotency-Key returns the first response, but only to the same
    # caller: the key is unique within its scope ("user:<id>", or "caller:<token>" kept in an
    # anonymous caller's session), never across callers.
    idempotency_key = models.CharField(max_length=64, blank=True, default="")
    idempotency_scope = models.CharField(max_length=48, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    objects = ResponseQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "instrument", "-created_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["idempotency_scope", "instrument", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="response_idempotency_key_per_caller",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(completed_at__isnull=False),
                name="response_completed_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.instrument} {self.version} ({self.status})"

    @property
    def is_completed(self) -> bool:
        return self.status == self.Status.COMPLETED

    def definition(self) -> engine.Instrument:
        """The definition at the version this response was started or scored with."""
        return registry.get(self.instrument, self.version)

    def rescore(self) -> dict[str, Any]:
        """Score the stored answers again with the stored version (the result must not change)."""
        return engine.score(self.definition(), self.answers)
