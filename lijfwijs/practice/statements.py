"""The record's reads of notes and assignments as statements compiled once per process from the
querysets of their rules (`core.statements.Compiled`), one per kind of reader: a practitioner on
their own, or in a practice whose notes and assignments they share. Tests hold each to its rule."""

from collections.abc import Callable
from typing import Any

from django.db import DEFAULT_DB_ALIAS
from django.db.models import Model, QuerySet

from lijfwijs.core.statements import Compiled, Slot

# stand-ins the querysets are built with (no row has them), one per slot
CLIENT, READER, PRACTICE = -604_211, -604_212, -604_213


def per_reader(name: str, build: Callable[[bool], QuerySet[Any]]) -> dict[bool, Compiled]:
    """`build(practice)`'s statement without and with the reader's practice; slots `client`,
    `reader` and, with a practice, `practice`."""
    return {
        practice: Compiled(
            name,
            lambda practice=practice: build(practice),  # type: ignore[misc]
            client=Slot(CLIENT, None),
            reader=Slot(READER, None),
            **({"practice": Slot(PRACTICE, None)} if practice else {}),
        )
        for practice in (False, True)
    }


def rows_for(
    model: type[Model],
    fields: tuple[str, ...],
    statements: dict[bool, Compiled],
    client: int,
    reader: int,
    practice: int | None,
) -> list[Any]:
    """The rows for this client and reader (and their practice, when they share one), made models
    of `model` with the fields' own converters (as the ORM reads them)."""
    values = {"client": client, "reader": reader}
    if practice is not None:
        values["practice"] = practice
    statement = statements[practice is not None]
    return [model.from_db(DEFAULT_DB_ALIAS, fields, row) for row in statement.rows(**values)]
