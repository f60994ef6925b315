"""Counters every process shares: fixed-window rate limits when there is no Redis."""

from django.db import models


class RateCounter(models.Model):
    """Hits of one subject in one window of one rate limit (see core.ratelimit)."""

    scope = models.CharField(max_length=40)
    # A keyed hash of what is limited (an address, an email address): no personal data kept here.
    subject = models.CharField(max_length=64)
    bucket = models.BigIntegerField()  # the window's number: Unix time // window length
    hits = models.PositiveIntegerField(default=0)
    expires_at = models.BigIntegerField(db_index=True)  # Unix seconds; pruned after this

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "subject", "bucket"], name="core_ratecounter_one_per_window"
            )
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.subject[:8]} #{self.bucket}: {self.hits}"
