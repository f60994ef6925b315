"""Send the booking reminders that are due (24 h and 2 h before) and free unconfirmed holds.
Idempotent: cron runs it every few minutes.

    */5 * * * *  cd /srv/lijfwijs && .venv/bin/python manage.py send_booking_reminders -v 0

Two runs at once send each reminder once; a missed run is caught up by the next (within each
reminder's window). The emails are sent by the task worker. Each run prints one line of counts
(not with -v 0); it exits non-zero when a task could not be queued (a later run queues it again).
See docs/tasks.md.
"""

from argparse import ArgumentTypeError
from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lijfwijs.booking.reminders import send_due


def aware_moment(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise ArgumentTypeError("give an ISO 8601 moment with a UTC offset: 2026-12-08T08:00+00:00")
    return moment


class Command(BaseCommand):
    help = "Claim and queue the booking reminders that are due; release expired holds."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--now",
            type=aware_moment,
            default=None,
            help="Act as if it were this moment (ISO 8601 with a UTC offset). For tests only.",
        )

    def handle(self, *args: Any, now: datetime | None = None, **options: Any) -> None:
        report = send_due(now)
        if options["verbosity"] >= 1:
            self.stdout.write(report.summary())
        if report.errors:
            raise CommandError(f"{report.errors} reminder(s) could not be queued; retried later")
