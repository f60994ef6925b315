"""Remove access-log rows older than ACCESS_LOG_RETENTION_DAYS. Idempotent; run it daily from cron."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from lijfwijs.accounts.models import AccessLog


class Command(BaseCommand):
    help = "Apply the access log's retention period."

    def handle(self, *args: Any, **options: Any) -> None:
        removed = AccessLog.objects.prune_expired()
        days = settings.ACCESS_LOG_RETENTION_DAYS
        self.stdout.write(f"access log: {removed} rows older than {days} days removed")
