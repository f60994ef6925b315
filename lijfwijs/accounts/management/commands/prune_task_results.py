"""Delete finished task results (sent emails hold an address, a name and links) within a day.
Idempotent; run it hourly from cron (docs/tasks.md)."""

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django_tasks_db.models import DBTaskResult


class Command(BaseCommand):
    help = "Delete finished (sent or failed) task results older than --hours (default 23)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--hours",
            type=int,
            default=23,
            help="Age after finishing at which a result goes; run hourly so none outlives a day.",
        )

    def handle(self, *args: Any, hours: int, **options: Any) -> None:
        if hours < 0:
            raise CommandError("--hours must be 0 or more")
        cutoff = timezone.now() - timedelta(hours=hours)
        # Queued and running tasks are left: only a worker finishes them.
        deleted, _ = DBTaskResult.objects.finished().filter(finished_at__lte=cutoff).delete()
        if options["verbosity"]:
            self.stdout.write(f"task results: {deleted} finished over {hours} hours ago deleted")
