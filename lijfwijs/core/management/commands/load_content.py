"""Load the content that ships with Lijfwijs (exercises, articles, …) idempotently.

Each app that ships content names a loader in its AppConfig (`content_loader = "module.function"`);
this command calls them in app order, so core needs no import of the feature apps.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from lijfwijs.core import hooks


class Command(BaseCommand):
    help = "Load or update the built-in content (safe to run again)."

    def handle(self, *args: object, **options: object) -> None:
        for config, loader in hooks.named("content_loader"):
            with transaction.atomic():
                count = loader()
            self.stdout.write(f"{config.label}: {count} items loaded")
