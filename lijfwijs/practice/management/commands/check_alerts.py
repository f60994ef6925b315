"""Raise the diary alerts that come with time (silence) and send the daily digests. Hourly:

    5 * * * *  cd /srv/lijfwijs && .venv/bin/python manage.py check_alerts -v 0

Idempotent: every client who grants a practitioner access is evaluated (in batches, a fixed
number of queries each) and each cause is INSERTed under its unique constraint; each digest is
claimed by a row unique per practitioner and local day. Two runs at once, or a run after a
missed one, raise and send nothing twice. See docs/tasks.md.
"""

from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from lijfwijs.diary.management.commands.send_reminders import aware_moment
from lijfwijs.practice.alerts import BATCH, check_alerts


class Command(BaseCommand):
    help = "Evaluate every client's diary alerts (silence, pain rising) and send the digests."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--now",
            type=aware_moment,
            default=None,
            help="Act as if it were this moment (ISO 8601 with a UTC offset). For tests only.",
        )
        parser.add_argument("--batch", type=int, default=BATCH, help="clients per batch")

    def handle(self, *args: Any, now: datetime | None = None, **options: Any) -> None:
        report = check_alerts(now, batch=max(1, options["batch"]))
        if options["verbosity"] >= 1:
            self.stdout.write(report.summary())
