"""The msgids the project's Python code asks for, read with Python's own parser.

xgettext (which `makemessages` runs) reads Python with its own lexer: it does not look inside
f-strings, and it knows only the usual function names. Markup written in Python asks for
translations in both places (`f"<dt>{escape(_('Toegang sinds'))}</dt>"`, a table's `w.tr(...)`),
so those msgids fell out of the catalog and the English pages showed Dutch. This module finds every
call of a translation function with a literal msgid, wherever it stands; the project's
`makemessages` adds what xgettext missed, and a test holds the English catalog to it.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent  # lijfwijs/
# Called with the msgid first: Django's functions, and the per-process word tables that translate
# a literal once per language (`practice.record_markup.Words.tr`/`.blk`, `timeline.Words.gettext`).
SINGULAR = frozenset({"_", "gettext", "gettext_lazy", "gettext_noop", "tr", "blk"})
# Called with a context, then the msgid.
WITH_CONTEXT = frozenset({"pgettext", "pgettext_lazy"})


@dataclass(frozen=True)
class Msgid:
    context: str | None
    text: str
    path: str  # relative to the project's root, as xgettext writes references
    line: int


def _name(call: ast.Call) -> str:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return ""


def _literal(node: ast.expr) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def in_source(source: str, path: str) -> Iterator[Msgid]:
    """Every translation call with literal arguments in one module's source."""
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        name = _name(node)
        if name in SINGULAR:
            text = _literal(node.args[0])
            if text:
                yield Msgid(None, text, path, node.lineno)
        elif name in WITH_CONTEXT and len(node.args) >= 2:  # noqa: PLR2004
            context, text = _literal(node.args[0]), _literal(node.args[1])
            if context is not None and text:
                yield Msgid(context, text, path, node.lineno)


def project_msgids(root: Path = ROOT) -> list[Msgid]:
    """Every msgid the project's modules ask for (tests and migrations left out)."""
    found = []
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root).parts
        if "tests" in parts or "migrations" in parts:
            continue
        relative = path.relative_to(root.parent).as_posix()
        found.extend(in_source(path.read_text(encoding="utf-8"), relative))
    return found


def _quoted(text: str) -> str:
    escaped = (
        text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    )
    return f'"{escaped}"'


def pot_entries(msgids: list[Msgid]) -> str:
    """The msgids as entries of a .pot file (one per msgid and context, with its references)."""
    by_key: dict[tuple[str | None, str], list[Msgid]] = {}
    for msgid in msgids:
        by_key.setdefault((msgid.context, msgid.text), []).append(msgid)
    entries = []
    for (context, text), places in by_key.items():
        lines = ["#: " + " ".join(f"{m.path}:{m.line}" for m in places)]
        if "%(" in text or "%s" in text:
            lines.append("#, python-format")
        if context is not None:
            lines.append(f"msgctxt {_quoted(context)}")
        lines += [f"msgid {_quoted(text)}", 'msgstr ""']
        entries.append("\n".join(lines))
    return "\n\n".join(entries) + "\n"
