"""Load the content that ships with Lijfwijs (exercises, articles, …) idempotently.

Each app that ships content names a loader in its AppConfig (`content_loader = "module.function"`);
this command calls them in app order, so core needs no import of the feature apps.
"""

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.module_loading import import_string


class Command(BaseCommand):
    help = "Load or update the built-in content (safe to run again)."

    def handle(self, *args: object, **options: object) -> None:
        for config in apps.get_app_configs():
            path = getattr(config, "content_loader", None)
            if not path:
                continue
            loader = import_string(path)
            with transaction.atomic():
                count = loader()
            self.stdout.write(f"{config.label}: {count} items loaded")
