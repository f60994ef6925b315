"""The practice log's form: one practice, sent by a player or typed in by hand on the log page.

A player sends `seconds`; the page's own form asks for `minutes`. `started_at` is ISO 8601; without
a time zone it is the person's local time (what an `<input type="datetime-local">` sends).
"""

from datetime import datetime, timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from lijfwijs.accounts.localtime import zone_of

from .models import MAX_SESSION_SECONDS, MAX_TENSION, BreathingPattern, Exercise

MAX_MINUTES = MAX_SESSION_SECONDS // 60
MAX_ID = 2**63 - 1
BACKFILL = timedelta(days=7)
CLOCK_SKEW = timedelta(minutes=5)  # a phone's clock a little ahead is not "the future"
TENSION_MESSAGE = _("Kies een getal van 0 tot en met 10.")


def _tension(label: Any) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=[("", _("overgeslagen"))] + [(n, str(n)) for n in range(MAX_TENSION + 1)],
        coerce=int,
        required=False,
        empty_value=None,
        error_messages={"invalid_choice": TENSION_MESSAGE},
    )


class PatternField(forms.ModelChoiceField):
    """One of the person's own breathing patterns by id; an id no database takes is just invalid."""

    def to_python(self, value: Any) -> Any:
        text = str(value).strip() if value is not None else ""
        if text and not (text.isascii() and text.isdigit() and int(text) <= MAX_ID):
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return super().to_python(text)


class PracticeForm(forms.Form):
    exercise = forms.ModelChoiceField(
        label=_("Oefening"),
        queryset=Exercise.objects.none(),
        to_field_name="slug",
        empty_label=_("Kies een oefening"),
        error_messages={
            "required": _("Kies een oefening."),
            "invalid_choice": _("Deze oefening kennen we niet."),
        },
    )
    pattern = PatternField(
        queryset=BreathingPattern.objects.none(),
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": _("Dit ademritme kennen we niet.")},
    )
    minutes = forms.IntegerField(
        label=_("Hoeveel minuten?"),
        required=False,
        min_value=1,
        max_value=MAX_MINUTES,
        widget=forms.NumberInput(attrs={"min": 1, "max": MAX_MINUTES, "inputmode": "numeric"}),
    )
    seconds = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_SESSION_SECONDS,
        widget=forms.HiddenInput,
    )
    completed = forms.TypedChoiceField(
        label=_("Ik heb de oefening helemaal gedaan"),
        choices=[("1", _("ja")), ("0", _("nee"))],
        coerce=lambda value: value == "1",
        required=False,
        empty_value=False,
        error_messages={"invalid_choice": _("Stuur 1 (helemaal gedaan) of 0 (eerder gestopt).")},
    )
    tension_before = _tension(_("Spanning vooraf (0 = geen, 10 = heel veel)"))
    tension_after = _tension(_("Spanning achteraf (0 = geen, 10 = heel veel)"))
    started_at = forms.CharField(
        label=_("Wanneer begon je?"),
        required=False,
        max_length=40,
        help_text=_("Leeg laten als je net klaar bent."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    client_key = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["exercise"].queryset = Exercise.objects.active()
        self.fields["pattern"].queryset = BreathingPattern.objects.for_user(user)
        ranges = {
            "minutes": gettext("Vul een aantal minuten in van 1 tot en met %(max)s.")
            % {"max": MAX_MINUTES},
            "seconds": gettext("Geef de tijd in seconden, van 1 tot en met %(max)s.")
            % {"max": MAX_SESSION_SECONDS},
        }
        for name, message in ranges.items():  # in the language of this request
            self.fields[name].error_messages.update(
                invalid=message, min_value=message, max_value=message
            )
        now = timezone.now().astimezone(zone_of(user))
        self.fields["started_at"].widget.attrs.update(
            min=f"{now - BACKFILL:%Y-%m-%dT%H:%M}", max=f"{now:%Y-%m-%dT%H:%M}"
        )

    def clean_started_at(self) -> datetime | None:
        raw = self.cleaned_data["started_at"]
        if not raw:
            return None
        problem = forms.ValidationError(
            _("Vul een datum en tijd in, bijvoorbeeld %(example)s.")
            % {"example": f"{timezone.now().astimezone(zone_of(self.user)):%Y-%m-%dT%H:%M}"}
        )
        try:
            value = parse_datetime(raw)
        except ValueError:
            raise problem from None
        if value is None:
            raise problem
        if timezone.is_naive(value):
            value = value.replace(tzinfo=zone_of(self.user))
        now = timezone.now()
        try:
            future = value > now + CLOCK_SKEW
            too_old = value < now - BACKFILL
        except OverflowError:  # a year no clock reaches, with an offset
            raise problem from None
        if future:
            raise forms.ValidationError(_("Dat tijdstip ligt in de toekomst."))
        if too_old:
            raise forms.ValidationError(_("Je kunt een oefening tot 7 dagen terug bijhouden."))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("seconds") is None and data.get("minutes") is not None:
            data["seconds"] = data["minutes"] * 60
        if (
            data.get("seconds") is None
            and "seconds" not in self.errors
            and "minutes" not in self.errors
        ):
            field = "minutes" if "minutes" in self.data else "seconds"
            self.add_error(field, _("Vul in hoe lang je hebt geoefend."))
        pattern, exercise = data.get("pattern"), data.get("exercise")
        if pattern is not None and exercise is not None and pattern.base_id != exercise.pk:
            self.add_error("pattern", _("Dit ademritme hoort bij een andere oefening."))
        return data

    def session_data(self) -> dict[str, Any]:
        """Keyword arguments of services.log_session (after is_valid)."""
        data = self.cleaned_data
        return {
            "seconds": data["seconds"],
            "completed": data["completed"],
            "tension_before": data["tension_before"],
            "tension_after": data["tension_after"],
            "started_at": data["started_at"],
            "pattern": data["pattern"],
            "client_key": data["client_key"],
        }
