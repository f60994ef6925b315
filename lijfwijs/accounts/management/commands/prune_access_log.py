"""Remove access-log rows older than ACCESS_LOG_RETENTION_DAYS. Idempotent; run it daily from cron."""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from lijfwijs.accounts.models import AccessLog


class Command(BaseCommand):
    help = "Apply the access log's retention period."

    def handle(self, *args: Any, **options: Any) -> None:
        before = timezone.now() - timedelta(days=settings.ACCESS_LOG_RETENTION_DAYS)
        removed = AccessLog.objects.prune(before)
        self.stdout.write(f"access log: {removed} rows older than {before:%Y-%m-%d} removed")
