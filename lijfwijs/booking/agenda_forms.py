"""Forms of the practitioner's agenda: marking, rescheduling, booking for a client, blocking time.

Times are typed and shown in the practice's time zone; the forms give aware datetimes in UTC to
the services, which decide whether a time can be taken.
"""

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.utils.translation import gettext_lazy as _

from lijfwijs.core.dates import DayField

from .forms import parse_start
from .models import GRAIN_MINUTES, AppointmentType, Booking

# Blocked time spans at most this many days (a holiday is an exception of the hours instead).
MAX_BLOCK_DAYS = 14


def local_moment(day: date, moment: time, zone: str) -> datetime:
    """The UTC instant of a wall-clock time on a local day (the first one, in the autumn hour)."""
    return datetime.combine(day, moment, tzinfo=ZoneInfo(zone)).astimezone(ZoneInfo("UTC"))


def on_grain(moment: time) -> bool:
    return moment.second == 0 and moment.microsecond == 0 and moment.minute % GRAIN_MINUTES == 0


class StartField(forms.CharField):
    """One of the free times offered as radio buttons; its value is the start in ISO 8601."""

    default_error_messages = {
        "required": _("Kies een tijd."),
        "invalid": _("Deze tijd is niet geldig. Kies een van de vrije tijden."),
    }

    def to_python(self, value: Any) -> datetime | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        moment = parse_start(text.strip())
        if moment is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return moment


class MarkForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Hoe ging de afspraak?"),
        choices=[
            (Booking.Status.DONE, _("gehouden")),
            (Booking.Status.NO_SHOW, _("niet verschenen")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Kies gehouden of niet verschenen.")},
    )


class DayForm(forms.Form):
    """The day whose free times a page lists (GET)."""

    dag = DayField(
        label=_("Dag"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Vul een geldige datum in.")},
    )


class RescheduleForm(forms.Form):
    start = StartField(label=_("Nieuwe tijd"))


class BookForClientForm(forms.Form):
    """Step one chooses the client, the type and the day (GET, it lists the free times); step two
    posts them with the chosen time."""

    client = forms.ModelChoiceField(
        label=_("Cliënt"),
        queryset=None,
        empty_label=_("Kies een cliënt"),
        error_messages={
            "required": _("Kies een cliënt."),
            "invalid_choice": _("Kies een van je cliënten."),
        },
    )
    appointment_type = forms.ModelChoiceField(
        label=_("Soort afspraak"),
        queryset=None,
        empty_label=_("Kies een soort afspraak"),
        error_messages={
            "required": _("Kies een soort afspraak."),
            "invalid_choice": _("Kies een van de afspraken die je geeft."),
        },
    )
    day = DayField(
        label=_("Dag"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": _("Kies een dag."), "invalid": _("Vul een geldige datum in.")},
    )
    question = forms.CharField(
        label=_("Notitie voor de afspraak (optioneel)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, clients: Any, types: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = clients
        self.fields["appointment_type"].queryset = types


class BlockForm(forms.Form):
    day = DayField(
        label=_("Datum"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": _("Vul een datum in."),
            "invalid": _("Vul een geldige datum in."),
        },
    )
    start = forms.TimeField(
        label=_("Van"),
        widget=forms.TimeInput(attrs={"type": "time", "step": 300}, format="%H:%M"),
        error_messages={
            "required": _("Vul een begintijd in."),
            "invalid": _("Vul een tijd in, zoals 09:30."),
        },
    )
    end_day = DayField(
        label=_("Tot en met datum (optioneel)"),
        help_text=_("Laat leeg als de blokkade op dezelfde dag eindigt."),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Vul een geldige datum in.")},
    )
    end = forms.TimeField(
        label=_("Tot"),
        widget=forms.TimeInput(attrs={"type": "time", "step": 300}, format="%H:%M"),
        error_messages={
            "required": _("Vul een eindtijd in."),
            "invalid": _("Vul een tijd in, zoals 12:00."),
        },
    )
    note = forms.CharField(
        label=_("Omschrijving (optioneel)"),
        help_text=_("Alleen zichtbaar voor de praktijk, bijvoorbeeld ‘Overleg’ of ‘Tandarts’."),
        required=False,
        max_length=120,
    )

    def __init__(self, *args: Any, zone: str, practitioners: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.zone = zone
        if practitioners is not None:
            self.fields["practitioner"] = forms.ModelChoiceField(
                label=_("Behandelaar"),
                queryset=practitioners,
                empty_label=None,
                required=False,  # yourself when none is chosen
                error_messages={"invalid_choice": _("Kies een behandelaar van je praktijk.")},
            )
            self.order_fields(["practitioner"])

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        day, start, end = data.get("day"), data.get("start"), data.get("end")
        for name in ("start", "end"):
            if data.get(name) is not None and not on_grain(data[name]):
                self.add_error(
                    name,
                    _("Kies een tijd op hele vijf minuten, zoals 09:30 of 09:35."),
                )
        if day is None or start is None or end is None or self.errors:
            return data
        end_day = data.get("end_day") or day
        if end_day < day:
            self.add_error("end_day", _("De einddatum kan niet voor de begindatum liggen."))
            return data
        if end_day - day > timedelta(days=MAX_BLOCK_DAYS):
            self.add_error(
                "end_day",
                _(
                    "Blokkeer hoogstens %(days)d dagen in één keer. Voor een vakantie kun je "
                    "beter een uitzondering op je werktijden maken."
                )
                % {"days": MAX_BLOCK_DAYS},
            )
            return data
        data["start_at"] = local_moment(day, start, self.zone)
        data["end_at"] = local_moment(end_day, end, self.zone)
        if data["end_at"] <= data["start_at"]:
            self.add_error("end", _("De eindtijd moet na de begintijd liggen."))
        return data


def types_given_by(practice: Any, practitioner: Any) -> Any:
    """The practice's active appointment types this practitioner gives."""
    return AppointmentType.objects.bookable().filter(practice=practice, practitioners=practitioner)
