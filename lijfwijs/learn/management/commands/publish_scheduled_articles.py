"""Mark scheduled articles whose time came as published (cron, every few minutes; idempotent).

Bookkeeping only: the knowledge base shows a scheduled article from its time on
(`Article.objects.published()`), whether or not this has run.
"""

from typing import Any

from django.core.management.base import BaseCommand

from lijfwijs.learn import services


class Command(BaseCommand):
    help = "Mark scheduled articles whose time has come as published (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        count = services.publish_due()
        if options["verbosity"] > 0:
            self.stdout.write(f"published {count} scheduled article(s)")
