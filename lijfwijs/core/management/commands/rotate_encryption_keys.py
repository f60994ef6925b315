"""Re-encrypt every encrypted field value with the first key in FIELD_ENCRYPTION_KEYS.

Run after putting a new key first (old keys after it) and deploying; when it reports no unreadable
rows, the old keys can be removed. Values the first key already reads are left alone, so running it
again (or after an interruption) only does what is left. See docs/encryption.md.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, router

from lijfwijs.core import crypto
from lijfwijs.core.fields import ENCRYPTED_FIELD_TYPES, rewrite_tokens, rotate_if_needed


def encrypted_fields() -> list[tuple[type, Any]]:
    """(model, field) for every encrypted column of every installed app, each column once."""
    found = []
    for model in apps.get_models():
        opts = model._meta
        if opts.proxy or opts.swapped:
            continue
        for field in opts.local_concrete_fields:
            if isinstance(field, ENCRYPTED_FIELD_TYPES):
                found.append((model, field))
    return found


class Command(BaseCommand):
    help = "Re-encrypt all encrypted fields with the first key in FIELD_ENCRYPTION_KEYS (safe to run again)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--batch-size", type=int, default=500, help="Rows per transaction (default 500)."
        )
        parser.add_argument(
            "--database", default=DEFAULT_DB_ALIAS, help="Database alias (default: default)."
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Count what would be re-encrypted; write nothing.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        batch_size = options["batch_size"]
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        using = options["database"]
        dry_run = options["dry_run"]
        crypto.get_fernet()  # a missing or malformed key stops here, before any row is read

        targets = [
            (model, field)
            for model, field in encrypted_fields()
            if router.allow_migrate_model(using, model)
        ]
        if not targets:
            self.stdout.write("No encrypted fields found.")
            return

        verb = "to re-encrypt" if dry_run else "re-encrypted"
        total = 0
        unreadable = []
        for model, field in targets:
            result = rewrite_tokens(
                model,
                field.name,
                rotate_if_needed,
                using=using,
                batch_size=batch_size,
                dry_run=dry_run,
            )
            total += result.rewritten
            line = (
                f"{model._meta.label}.{field.name}: {result.rewritten} {verb}, "
                f"{result.unchanged} already current, {result.empty} empty "
                f"({result.rows} rows)"
            )
            if result.changed_meanwhile:
                line += f", {result.changed_meanwhile} saved meanwhile (left as saved)"
            if result.unreadable:
                line += f", {len(result.unreadable)} UNREADABLE"
                unreadable.append((model._meta.label, field.name, result.unreadable))
            self.stdout.write(line)

        self.stdout.write(f"Total: {total} values {verb}.")
        if unreadable:
            details = "; ".join(
                f"{label}.{name} pk {', '.join(map(str, pks[:10]))}{' …' if len(pks) > 10 else ''}"
                for label, name, pks in unreadable
            )
            raise CommandError(
                "Some values cannot be decrypted with any key in FIELD_ENCRYPTION_KEYS, so they were "
                f"not re-encrypted: {details}. Do not remove old keys until this is resolved."
            )
