"""Send the daily check-in reminders that are due. Idempotent: cron runs it every five minutes.

    */5 * * * *  cd /srv/lijfwijs && .venv/bin/python manage.py send_reminders -v 0

Two runs at once (two hosts, an overlapping cron) send each reminder once; a missed run is caught
up by the next one (up to reminders.MAX_LATE after a reminder's moment). The emails are sent by
the task worker. Each run prints one line of counts (not with -v 0, so cron mails only failures);
it exits non-zero when a task could not be queued (a later run queues it again). See docs/tasks.md.
"""

from argparse import ArgumentTypeError
from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lijfwijs.diary.reminders import send_due_reminders


def aware_moment(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise ArgumentTypeError("give an ISO 8601 moment with a UTC offset: 2026-03-29T01:30+00:00")
    return moment


class Command(BaseCommand):
    help = "Claim and queue the daily check-in reminders that are due (run every few minutes)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--now",
            type=aware_moment,
            default=None,
            help="Act as if it were this moment (ISO 8601 with a UTC offset). For tests only: "
            "a moment in the future sends those reminders early.",
        )

    def handle(self, *args: Any, now: datetime | None = None, **options: Any) -> None:
        report = send_due_reminders(now)
        if options["verbosity"] >= 1:
            self.stdout.write(report.summary())
        if report.errors:
            raise CommandError(f"{report.errors} reminder(s) could not be queued; retried later")
