"""The booking flow's forms: a visitor's details, a signed-in person's one tap, and the chosen time.

The chosen time travels as `start` (an ISO 8601 instant with its offset, as the week page writes
it: `2026-12-08T08:00:00+00:00`) and `behandelaar` (a practitioner's id, optional). Both are read
by `parse_start` / `parse_id` here; whether the time is offered is the services' question.
"""

import re
from datetime import UTC, date, datetime
from typing import Any

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from lijfwijs.core.dates import in_range

MAX_QUESTION = 2000
PHONE = RegexValidator(
    r"^\+?[0-9][0-9 ()./-]{5,24}$",
    _("Vul een telefoonnummer in met alleen cijfers, spaties of een + vooraan, zoals 06 12345678."),
)
_INSTANT = re.compile(r"[0-9T:.+Z-]{16,40}")
_ID = re.compile(r"[0-9]{1,12}")
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_start(value: Any) -> datetime | None:
    """The instant a form or link names, in UTC; None when it is missing, malformed, without an
    offset (a time without a zone could be any instant) or in a year nobody books
    (`core.dates`)."""
    if not isinstance(value, str) or not _INSTANT.fullmatch(value):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    if moment.tzinfo is None or moment.utcoffset() is None or not in_range(moment):
        return None
    return moment.astimezone(UTC)


def parse_id(value: Any) -> int | None:
    if not isinstance(value, str) or not _ID.fullmatch(value):
        return None
    return int(value)


def parse_day(value: Any) -> date | None:
    """The day a link names (`2026-12-08`); None when it is missing, malformed or in a year
    nobody books (`core.dates`)."""
    if not isinstance(value, str) or not _DAY.fullmatch(value):
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return None
    return day if in_range(day) else None


class _AttachMixin:
    """Adds the "attach my Pijntest result" choice when the person has a result to attach."""

    def _add_attach(self, can_attach: bool) -> None:
        if can_attach:
            self.fields["attach"] = forms.BooleanField(  # type: ignore[attr-defined]
                label=_("Stuur de uitslag van mijn Pijntest mee"),
                help_text=_(
                    "Dan kan de behandelaar zich voorbereiden. Alleen de praktijk ziet je uitslag."
                ),
                required=False,
            )


class ClientBookingForm(_AttachMixin, forms.Form):
    """A signed-in person: their name and address come from the account."""

    question = forms.CharField(
        label=_("Wat wil je bespreken? (mag leeg)"),
        help_text=_("Alleen de praktijk leest dit."),
        required=False,
        max_length=MAX_QUESTION,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, can_attach: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._add_attach(can_attach)


class VisitorBookingForm(ClientBookingForm):
    """A visitor without an account: who they are and how to reach them."""

    name = forms.CharField(
        label=_("Je naam"),
        max_length=120,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("Je e-mailadres"),
        help_text=_(
            "We sturen je een link om je afspraak te bevestigen. Zonder bevestiging vervalt de "
            "afspraak na 30 minuten."
        ),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = forms.CharField(
        label=_("Je telefoonnummer (mag leeg)"),
        help_text=_("Handig als de praktijk je snel wil bereiken, bijvoorbeeld bij een wijziging."),
        max_length=32,
        required=False,
        validators=[PHONE],
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )

    field_order = ("name", "email", "phone", "question", "attach")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.order_fields(self.field_order)

    def clean_name(self) -> str:
        return " ".join(self.cleaned_data["name"].split())
