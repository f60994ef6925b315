"""Row ids as forms and the API receive them: the largest one a row can have, and a form field
for choosing several rows that answers a number past it as what it is, a choice that is not
there. Django guards a lookup of one id (`pk=…`) against such a number, but not a lookup of
several (`pk__in=…`): SQLite's driver then raises OverflowError, a server error."""

from collections.abc import Iterable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

MAX_ID = 2**63 - 1  # a 64-bit integer: SQLite's INTEGER and PostgreSQL's bigint hold no larger


def _past_max(values: Iterable[Any]) -> Any:
    """The first of `values` that reads as a number no row can have (the first value when none
    does)."""
    values = list(values)
    for value in values:
        try:
            number = int(str(value))
        except ValueError:
            continue
        if not -MAX_ID - 1 <= number <= MAX_ID:
            return value
    return values[0]


class ModelChoices(forms.ModelMultipleChoiceField):
    """`ModelMultipleChoiceField`, with an id past 64 bits an invalid choice (its own message)
    instead of a server error on SQLite."""

    def clean(self, value: Any) -> Any:
        try:
            return super().clean(value)
        except OverflowError:  # raised before the query reached the database: nothing to undo
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": _past_max(value)},
            ) from None
