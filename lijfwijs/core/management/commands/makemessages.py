"""Django's makemessages, plus the msgids xgettext cannot see (`core.i18n_scan`): those asked for
inside f-strings and through the word tables' methods. They are merged into the template before
each catalog is updated, so `--no-obsolete` no longer drops them."""

import tempfile
from pathlib import Path

from django.core.management.base import CommandError
from django.core.management.commands import makemessages
from django.core.management.utils import popen_wrapper

from lijfwijs.core.i18n_scan import pot_entries, project_msgids

HEADER = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'


class Command(makemessages.Command):
    def write_po_file(self, potfile: str, locale: str) -> None:
        if self.domain == "django" and not getattr(self, "_scanned", False):
            self._scanned = True
            with tempfile.TemporaryDirectory() as folder:
                extra = Path(folder) / "scanned.pot"
                extra.write_text(HEADER + pot_entries(project_msgids()), encoding="utf-8")
                args = ["msgcat", "--use-first", "-o", potfile, potfile, str(extra)]
                _, errors, status = popen_wrapper(args)
                if status != 0:
                    raise CommandError(f"msgcat could not add the scanned msgids:\n{errors}")
        super().write_po_file(potfile, locale)
