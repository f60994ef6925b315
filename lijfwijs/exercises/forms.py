"""The exercises' forms: own breathing patterns (pages and API) and one practice for the log.

A pattern is four numbers (in, hold, out, hold) and a number of rounds; it is stored in the
catalog's shape, `[{"phase": "inhale", "seconds": 4}, ...]`, leaving out holds of 0 s; its safety
limits are below, and so is the pattern as the pacer plays it.

A practice is sent by a player (`seconds`) or typed in on the log page (`minutes`). `started_at` is
ISO 8601; without a time zone it is the person's local time (what an `<input
type="datetime-local">` sends).
"""

from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext, ngettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _

from lijfwijs.accounts.localtime import zone_of
from lijfwijs.core.ids import MAX_ID

from .models import (
    MAX_HOLD,
    MAX_HOLD_CYCLES,
    MAX_SESSION_SECONDS,
    MAX_TENSION,
    BreathingPattern,
    BreathPhase,
    Exercise,
    ExerciseKind,
    duration_words,
)

MAX_PATTERNS = 50  # own patterns per person
MAX_CYCLES = 60  # as the model's constraint
MAX_PATTERN_SECONDS = 20 * 60  # a pattern's whole session
# (lowest, highest) seconds of each part of a round
LIMITS = {"inhale": (2, 10), "hold_in": (0, MAX_HOLD), "exhale": (2, 15), "hold_out": (0, MAX_HOLD)}
PARTS = tuple(LIMITS)


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def phases_from(parts: dict[str, Any]) -> list[dict[str, Any]]:
    """{"inhale": 4, "hold_in": 7, "exhale": 8, "hold_out": 0} → the catalog's phase list."""
    order = (
        ("inhale", BreathPhase.INHALE),
        ("hold_in", BreathPhase.HOLD),
        ("exhale", BreathPhase.EXHALE),
        ("hold_out", BreathPhase.HOLD),
    )
    return [
        {"phase": str(phase), "seconds": _number(Decimal(str(parts[name])))}
        for name, phase in order
        if Decimal(str(parts[name])) > 0
    ]


def parts_from(phases: list[dict[str, Any]]) -> dict[str, int | float]:
    """The four numbers of a phase list (two inhales in a row, as in the sigh, add up)."""
    parts = dict.fromkeys(PARTS, Decimal(0))
    breathed_out = False
    for step in phases:
        seconds = Decimal(str(step["seconds"]))
        if step["phase"] == BreathPhase.EXHALE:
            parts["exhale"] += seconds
            breathed_out = True
        elif step["phase"] == BreathPhase.INHALE:
            parts["inhale"] += seconds
        else:
            parts["hold_out" if breathed_out else "hold_in"] += seconds
    return {name: _number(value) for name, value in parts.items()}


def round_seconds(phases: list[dict[str, Any]]) -> float:
    return float(sum(Decimal(str(step["seconds"])) for step in phases))


def has_hold(phases: list[dict[str, Any]]) -> bool:
    return any(step["phase"] == BreathPhase.HOLD for step in phases)


def most_cycles(phases: list[dict[str, Any]]) -> int:
    """The most rounds of this rhythm that fit in one session (at least 1), and with a hold at
    most MAX_HOLD_CYCLES."""
    length = round_seconds(phases)
    most = MAX_HOLD_CYCLES if has_hold(phases) else MAX_CYCLES
    return max(1, min(most, int(MAX_PATTERN_SECONDS // length) if length else 1))


def describe(pattern: BreathingPattern) -> str:
    """ "in 4 s, vasthouden 7 s, uit 8 s · 10 rondes, samen 3 minuten en 10 seconden"."""
    rhythm = Exercise(parameters={"phases": pattern.phases}).pattern_text()
    length = duration_words(round(round_seconds(pattern.phases) * pattern.cycles))
    rounds = ngettext(
        "%(count)s ronde, samen %(time)s", "%(count)s rondes, samen %(time)s", pattern.cycles
    ) % {"count": pattern.cycles, "time": length}
    return f"{rhythm} · {rounds}"


def pattern_player_data(pattern: BreathingPattern) -> dict[str, Any]:
    """What the pacer plays for an own pattern: the base exercise's data with this rhythm."""
    data = pattern.base.player_data()
    most = most_cycles(pattern.phases)
    # a pattern stored before the limits were lowered plays within them
    played = [
        {
            "phase": p["phase"],
            "seconds": min(float(p["seconds"]), MAX_HOLD)
            if p["phase"] == BreathPhase.HOLD
            else float(p["seconds"]),
            "text": "",
        }
        for p in pattern.phases
    ]
    data.update(
        pattern=str(pattern.pk),
        name=pattern.name,
        phases=played,
        lead_in=None,
        cycles={"default": min(pattern.cycles, most), "min": 1, "max": most},
    )
    data.pop("minutes", None)
    data.pop("tempo", None)
    return data


def own_patterns(user: Any) -> Any:
    """The only way to list patterns: a person's own."""
    return BreathingPattern.objects.for_user(user)


def pattern_for(user: Any, pattern_id: Any, *, with_base: bool = False) -> BreathingPattern:
    """One of the person's own patterns; anyone else's (or none) is a 404."""
    patterns = own_patterns(user)
    if with_base:
        patterns = patterns.select_related("base")
    pattern = patterns.filter(pk=pattern_id).first() if 0 < int(pattern_id) <= MAX_ID else None
    if pattern is None:
        raise Http404("no such pattern")
    return pattern


def breathing_exercises() -> Any:
    return Exercise.objects.active().filter(kind=ExerciseKind.BREATHING)


class SecondsField(forms.DecimalField):
    """Whole or half seconds within (lowest, highest); a comma is a decimal point too."""

    def __init__(self, part: str, **kwargs: Any) -> None:
        self.lowest, self.highest = LIMITS[part]
        self.part = part
        attrs = {"min": self.lowest, "max": self.highest, "step": "0.5", "inputmode": "decimal"}
        super().__init__(widget=forms.NumberInput(attrs=attrs), **kwargs)
        self.error_messages["required"] = _("Vul een aantal seconden in.")
        self.error_messages["invalid"] = _("Vul een getal in, zoals 4 of 5,5.")

    def to_python(self, value: Any) -> Decimal | None:
        if isinstance(value, str):
            value = value.strip().replace(",", ".")
        return super().to_python(value)

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value is None:
            return
        if not self.lowest <= value <= self.highest:
            if self.part in ("hold_in", "hold_out") and value > self.highest:
                raise forms.ValidationError(
                    _(
                        "Houd je adem hooguit %(max)s seconden vast: langer kan je duizelig of "
                        "benauwd maken."
                    ),
                    code="hold",
                    params={"max": self.highest},
                )
            raise forms.ValidationError(
                _("Kies %(min)s tot en met %(max)s seconden."),
                code="range",
                params={"min": self.lowest, "max": self.highest},
            )
        try:
            halves = (value * 2) % 1
        except InvalidOperation:
            halves = 1
        if halves:
            raise forms.ValidationError(
                _("Kies hele of halve seconden, zoals 4 of 5,5."), code="halves"
            )


class BaseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Exercise) -> str:
        return str(obj.name)


class PatternForm(forms.Form):
    """An own breathing pattern. Bound to one person: names are unique per person."""

    name = forms.CharField(
        label=_("Naam"),
        max_length=60,
        error_messages={
            "required": _("Geef je ritme een naam."),
            "max_length": ngettext_lazy(
                "Houd de naam op hooguit %(limit_value)d teken.",
                "Houd de naam op hooguit %(limit_value)d tekens.",
                "limit_value",
            ),
        },
    )
    base = BaseChoiceField(
        label=_("Hoort bij"),
        queryset=Exercise.objects.none(),
        to_field_name="slug",
        empty_label=None,
        help_text=_("Oefensessies met dit ritme komen in je logboek onder deze oefening."),
        error_messages={"invalid_choice": _("Kies een van de ademhalingsoefeningen.")},
    )
    inhale = SecondsField("inhale", label=_("Inademen"))
    hold_in = SecondsField("hold_in", label=_("Vasthouden na het inademen"))
    exhale = SecondsField("exhale", label=_("Uitademen"))
    hold_out = SecondsField("hold_out", label=_("Wachten na het uitademen"))
    cycles = forms.IntegerField(
        label=_("Rondes"),
        widget=forms.NumberInput(attrs={"min": 1, "max": MAX_CYCLES, "inputmode": "numeric"}),
        error_messages={
            "required": _("Vul in hoeveel rondes je wilt doen."),
            "invalid": _("Vul een heel getal in, zoals 6."),
        },
    )

    def __init__(
        self, *args: Any, user: Any, instance: BreathingPattern | None = None, **kwargs: Any
    ):
        super().__init__(*args, **kwargs)
        self.user = user
        self.instance = instance
        self.fields["base"].queryset = breathing_exercises()
        self.fields["cycles"].help_text = _(
            "Samen hooguit %(minutes)s minuten; met vasthouden of wachten hooguit %(max)s rondes."
        ) % {"minutes": MAX_PATTERN_SECONDS // 60, "max": MAX_HOLD_CYCLES}

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError(_("Geef je ritme een naam."), code="required")
        same = BreathingPattern.objects.for_user(self.user).filter(name__iexact=name)
        if self.instance is not None:
            same = same.exclude(pk=self.instance.pk)
        if same.exists():
            raise forms.ValidationError(_("Je hebt al een ritme met deze naam."), code="unique")
        return name

    def clean_cycles(self) -> int:
        cycles = self.cleaned_data["cycles"]
        if not 1 <= cycles <= MAX_CYCLES:
            raise forms.ValidationError(
                _("Kies 1 tot en met %(max)s rondes."), code="range", params={"max": MAX_CYCLES}
            )
        return cycles

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.instance is None and (
            BreathingPattern.objects.for_user(self.user).count() >= MAX_PATTERNS
        ):
            raise forms.ValidationError(
                _("Je kunt hooguit %(max)s eigen ritmes bewaren. Verwijder er eerst een."),
                code="too_many",
                params={"max": MAX_PATTERNS},
            )
        if all(data.get(part) is not None for part in PARTS) and data.get("cycles"):
            phases = phases_from(data)
            seconds = round_seconds(phases) * data["cycles"]
            if has_hold(phases) and data["cycles"] > MAX_HOLD_CYCLES:
                self.add_error(
                    "cycles",
                    forms.ValidationError(
                        _(
                            "Met vasthouden doe je hooguit %(max)s rondes achter elkaar: kies "
                            "hooguit %(max)s rondes, of zet het vasthouden en het wachten op 0."
                        ),
                        code="hold_cycles",
                        params={"max": MAX_HOLD_CYCLES},
                    ),
                )
            elif seconds > MAX_PATTERN_SECONDS:
                self.add_error(
                    "cycles",
                    forms.ValidationError(
                        _(
                            "Zo duurt het %(minutes)s minuten. Oefen hooguit %(limit)s minuten "
                            "achter elkaar: kies hooguit %(max)s rondes."
                        ),
                        code="too_long",
                        params={
                            "minutes": round(seconds / 60),
                            "limit": MAX_PATTERN_SECONDS // 60,
                            "max": most_cycles(phases),
                        },
                    ),
                )
        return data

    def save(self) -> BreathingPattern | None:
        """The stored pattern, or None when the same name was stored a moment ago (then the form
        has the error, as if it had been there when it was checked)."""
        data = self.cleaned_data
        pattern = self.instance or BreathingPattern(user=self.user)
        pattern.name = data["name"]
        pattern.base = data["base"]
        pattern.phases = phases_from(data)
        pattern.cycles = data["cycles"]
        try:
            with transaction.atomic():
                pattern.save()
        except IntegrityError:
            self.add_error("name", _("Je hebt al een ritme met deze naam."))
            return None
        return pattern


def initial_for(pattern: BreathingPattern) -> dict[str, Any]:
    return {
        "name": pattern.name,
        "base": pattern.base.slug,
        "cycles": pattern.cycles,
        **parts_from(pattern.phases),
    }


def initial_from_query(query: Any) -> dict[str, Any]:
    """A new pattern prefilled from a pacer's "save as my own pattern" link (?base=…&inhale=…);
    anything odd in the query is left out, never an error."""
    initial: dict[str, Any] = {"hold_in": 0, "hold_out": 0}
    for part in PARTS:
        raw = query.get(part, "")
        try:
            value = Decimal(raw.replace(",", "."))
        except (InvalidOperation, ValueError):
            continue
        low, high = LIMITS[part]
        if value.is_finite() and low <= value <= high:
            initial[part] = _number(value)
    cycles = query.get("cycles", "")
    if cycles.isdigit() and 1 <= int(cycles) <= MAX_CYCLES:
        holds = initial["hold_in"] or initial["hold_out"]
        initial["cycles"] = min(int(cycles), MAX_HOLD_CYCLES) if holds else int(cycles)
    base = breathing_exercises().filter(slug=query.get("base", "")).first()
    if base is not None:
        initial["base"] = base.slug
        initial["name"] = _("%(name)s, mijn ritme") % {"name": base.name}
    return initial


# --- One practice for the log ------------------------------------------------------------------

MAX_MINUTES = MAX_SESSION_SECONDS // 60
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


def started_bounds(user: Any) -> tuple[str, str]:
    """The earliest and latest start a person can log now, in their time zone, as the
    datetime-local input's min and max."""
    now = timezone.now().astimezone(zone_of(user))
    return f"{now - BACKFILL:%Y-%m-%dT%H:%M}", f"{now:%Y-%m-%dT%H:%M}"


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
        low, high = started_bounds(user)
        self.fields["started_at"].widget.attrs.update(min=low, max=high)

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
