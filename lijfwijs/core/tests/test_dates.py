"""core.dates: a date or moment outside the years a person can mean is one that could not be read,
and every date field of every form is such a field."""

import inspect
from datetime import UTC, date, datetime

import pytest
from django import forms
from django.urls import get_resolver
from django.utils import timezone

from lijfwijs.core.dates import FIRST_YEAR, LAST_YEAR, DayField, MomentField, in_range


def test_the_range_is_inclusive_and_none_is_outside():
    assert in_range(date(FIRST_YEAR, 1, 1)) and in_range(date(LAST_YEAR, 12, 31))
    assert not in_range(date(FIRST_YEAR - 1, 12, 31)) and not in_range(date(LAST_YEAR + 1, 1, 1))
    assert in_range(datetime(2026, 12, 4, 9, 30, tzinfo=UTC)) and not in_range(None)


@pytest.mark.parametrize("typed", ["0001-01-01", "1899-12-31", "3000-01-01", "9999-12-31"])
def test_a_day_outside_the_years_is_invalid_with_the_fields_own_message(typed):
    field = DayField(error_messages={"invalid": "Vul een geldige datum in."})
    with pytest.raises(forms.ValidationError) as refused:
        field.clean(typed)
    assert refused.value.messages == ["Vul een geldige datum in."]
    assert field.clean("2026-12-04") == date(2026, 12, 4)


@pytest.mark.parametrize(
    "typed", ["0001-01-01T00:30", "0001-01-01", "9999-12-31T23:30", "3000-01-01T00:00"]
)
def test_a_moment_outside_the_years_is_invalid(typed):
    field = MomentField(input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d"])
    with pytest.raises(forms.ValidationError) as refused:
        field.clean(typed)
    assert refused.value.code == "invalid"
    with timezone.override("America/New_York"):
        # the last moment of the range has a UTC counterpart in any zone
        assert field.clean("2999-12-31T23:30").astimezone(UTC).year == LAST_YEAR + 1


def _project_forms() -> list[type[forms.BaseForm]]:
    get_resolver().url_patterns  # noqa: B018 - imports every view, and so every form
    found, todo = [], [forms.BaseForm]
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls.__module__.startswith("lijfwijs.") and hasattr(cls, "base_fields"):
            found.append(cls)
    return found


def test_every_date_field_of_every_form_keeps_to_the_years():
    """A plain DateField or DateTimeField lets the year 1 or 9999 through, and the view's next
    step (a zone, a day after) is a server error: every form uses DayField or MomentField."""
    found = _project_forms()
    assert len(found) > 40, [f.__name__ for f in found]
    plain = [
        f"{inspect.getmodule(form).__name__}.{form.__name__}.{name}"
        for form in found
        for name, field in form.base_fields.items()
        if isinstance(field, forms.DateField | forms.DateTimeField)
        and not isinstance(field, DayField | MomentField)
    ]
    assert not plain, plain
