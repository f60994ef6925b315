"""Dates and moments as forms and links receive them: only years a person can mean.

Python's dates run from the year 1 to 9999. A moment at either end has no counterpart in UTC or in
another zone, and a day there has no day after or before it: moving it between zones or adding a
week raises OverflowError, a server error. Nothing in Lijfwijs is planned, booked, sent or looked
back on outside the years 1900 to 2999, so a date outside them is answered as one that could not
be read: the form field's own "invalid" message (`DayField`, `MomentField`), or None from a
parser of links (`in_range`).
"""

from datetime import date, datetime
from typing import Any

from django import forms

FIRST_YEAR, LAST_YEAR = 1900, 2999


def in_range(value: date | datetime | None) -> bool:
    """Whether a day or moment (in its own zone) lies in the years FIRST_YEAR to LAST_YEAR."""
    return value is not None and FIRST_YEAR <= value.year <= LAST_YEAR


class _InYears:
    """A date field's reading, refused as unreadable outside the years (a mixin of the two below)."""

    error_messages: dict[str, Any]

    def to_python(self, value: Any) -> Any:
        found = super().to_python(value)  # type: ignore[misc]
        if found is not None and not in_range(found):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return found


class DayField(_InYears, forms.DateField):
    """A `DateField` whose day lies in the years a person can mean."""


class MomentField(_InYears, forms.DateTimeField):
    """A `DateTimeField` whose moment lies in the years a person can mean."""
