"""Mark addresses undeliverable (a bounce or complaint that came by hand): never mailed again.

manage.py mark_undeliverable anna@example.org bram@example.org [--practice 3]
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from lijfwijs.accounts.models import Practice
from lijfwijs.outreach.newsletter import services


class Command(BaseCommand):
    help = "Mark newsletter addresses as undeliverable (at every practice, or one)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("emails", nargs="+", help="the addresses")
        parser.add_argument("--practice", type=int, help="only at this practice (its id)")

    def handle(self, *args: Any, emails: list[str], practice: int | None, **options: Any) -> None:
        if practice is not None and not Practice.objects.filter(pk=practice).exists():
            raise CommandError(f"no practice with id {practice}")
        changed = services.mark_undeliverable(emails, reason="manual", practice=practice)
        self.stdout.write(f"{changed} subscriber(s) marked undeliverable")
