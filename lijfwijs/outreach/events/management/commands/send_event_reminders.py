"""Send the event reminders that are due (24 h and 1 h before). Idempotent: cron runs it every
few minutes.

    */5 * * * *  cd /srv/lijfwijs && .venv/bin/python manage.py send_event_reminders -v 0

Two runs at once send each reminder once; a missed run is caught up by the next (within each
reminder's window). The emails are sent by the task worker.
"""

from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lijfwijs.booking.management.commands.send_booking_reminders import aware_moment
from lijfwijs.outreach.events.reminders import send_due


class Command(BaseCommand):
    help = "Claim and queue the event reminders that are due."

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
            raise CommandError(
                f"{report.errors} reminder(s) could not be queued (claimed, not sent)"
            )
