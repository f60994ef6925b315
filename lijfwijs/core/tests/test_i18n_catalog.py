"""Every msgid the Python code asks for is translated in the English catalog, including those
xgettext cannot see (inside f-strings, through the word tables' methods: `core.i18n_scan`)."""

import gettext
from pathlib import Path

from lijfwijs.core.i18n_scan import in_source, pot_entries, project_msgids

ROOT = Path(__file__).resolve().parents[3]


def english() -> gettext.GNUTranslations:
    with (ROOT / "locale" / "en" / "LC_MESSAGES" / "django.mo").open("rb") as catalog:
        return gettext.GNUTranslations(catalog)


def test_every_msgid_in_the_code_is_translated_into_english():
    catalog = english()._catalog  # msgstr by msgid; msgfmt leaves fuzzy entries out
    untranslated = sorted(
        {
            f"{m.path}:{m.line}: {m.text!r}"
            for m in project_msgids()
            if not catalog.get(m.text if m.context is None else f"{m.context}\x04{m.text}")
        }
    )
    assert not untranslated, (
        "not in locale/en (run makemessages as docs/decisions.md says, then translate):\n"
        + "\n".join(untranslated)
    )


def test_the_scan_finds_what_xgettext_does_not_see():
    source = (
        "x = f'<dt>{escape(_(\"In een f-string\"))}</dt>'\n"
        "y = w.tr('Door een woordentabel')\n"
        "z = pgettext('maand', 'mei')\n"
        "n = _(name)  # no literal: nothing to find\n"
    )
    found = {(m.context, m.text, m.line) for m in in_source(source, "lijfwijs/x.py")}
    assert found == {
        (None, "In een f-string", 1),
        (None, "Door een woordentabel", 2),
        ("maand", "mei", 3),
    }


def test_scanned_msgids_are_written_as_a_template():
    (entry,) = pot_entries(
        list(in_source('a = _("Zeg \\"ja\\" met %(n)s\\n")', "lijfwijs/a.py"))
    ).split("\n\n")
    assert entry == (
        '#: lijfwijs/a.py:1\n#, python-format\nmsgid "Zeg \\"ja\\" met %(n)s\\n"\nmsgstr ""\n'
    )
