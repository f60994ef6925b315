"""Remove newsletter sign-ups whose confirmation link expired unused. Idempotent: cron runs it daily.

    17 4 * * *  cd /srv/lijfwijs && .venv/bin/python manage.py prune_newsletter_signups -v 0

An address nobody confirmed is deleted; one confirmed before (a re-subscription left
unconfirmed) is unsubscribed again. Prints one line of counts (not with -v 0).
"""

from typing import Any

from django.core.management.base import BaseCommand

from lijfwijs.outreach.newsletter import services


class Command(BaseCommand):
    help = "Delete newsletter sign-ups whose confirmation link expired unused."

    def handle(self, *args: Any, **options: Any) -> None:
        deleted, reverted = services.prune_unconfirmed()
        if options["verbosity"] > 0:
            self.stdout.write(
                f"{deleted} unconfirmed sign-up(s) deleted, {reverted} unsubscribed again"
            )
