"""Delete expired exports (run by cron, e.g. hourly; idempotent): see exports.services.purge."""

from typing import Any

from django.core.management.base import BaseCommand

from lijfwijs.exports.services import purge


class Command(BaseCommand):
    help = "Delete expired exports and those of practitioners without access; retry lost jobs."

    def handle(self, *args: Any, **options: Any) -> None:
        report = purge()
        self.stdout.write(
            f"expired {report.expired}, without access {report.no_access}, "
            f"stuck {report.failed_stuck}, queued again {report.requeued}"
        )
