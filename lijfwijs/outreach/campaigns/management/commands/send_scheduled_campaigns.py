"""Queue the scheduled campaigns that are due, and repair sending after a worker died.
Idempotent: cron runs it every few minutes.

    */5 * * * *  cd /srv/lijfwijs && .venv/bin/python manage.py send_scheduled_campaigns -v 0

Two runs at once queue each campaign once (the status change is the claim). It also closes
records claimed by a worker that stopped more than CLAIM_TIMEOUT ago as failed (they are not sent
again), restarts campaigns whose batch tasks were lost, marks finished what has nothing left, and
deletes the send records (addresses) of campaigns sent more than 90 days ago (their figures stay).
The emails are sent by the task worker. Prints one line of counts (not with -v 0); exits non-zero
when a campaign could not be queued (it stays scheduled; the next run tries again).
"""

from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lijfwijs.booking.management.commands.send_booking_reminders import aware_moment
from lijfwijs.outreach.campaigns import sending, services


class Command(BaseCommand):
    help = "Queue the campaigns whose scheduled time has come; close claims of stopped workers."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--now",
            type=aware_moment,
            default=None,
            help="Act as if it were this moment (ISO 8601 with a UTC offset). For tests only.",
        )

    def handle(self, *args: Any, now: datetime | None = None, **options: Any) -> None:
        due = services.queue_due(now)
        repaired = sending.repair(now)
        forgotten = services.forget_recipients(now)
        if options["verbosity"] >= 1:
            self.stdout.write(
                f"campaigns: {due.queued} queued, {due.skipped} taken by another run, "
                f"{due.errors} not queued; {repaired.stale} stale claims closed as failed, "
                f"{repaired.restarted} restarted, {repaired.finished} finished; "
                f"{forgotten} send records of campaigns sent long ago forgotten"
            )
        if due.errors:
            raise CommandError(f"{due.errors} campaign(s) could not be queued; retried next run")
