"""Load the built-in exercise catalog (catalog/*.toml) into the database, idempotently.

The files are the source of truth for built-in exercises: a second run changes nothing, and an
exercise whose file was removed is set inactive (never deleted: practice logs may point to it).
A file is read into pydantic models (`CatalogFile`, and its player's parameters): a malformed one
is refused with a message naming the file and the field.
"""

import tomllib
from pathlib import Path
from typing import Annotated, Any, Literal

from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    model_validator,
)

from .models import (
    MAX_HOLD,
    MAX_HOLD_CYCLES,
    BreathPhase,
    Domain,
    Exercise,
    ExerciseKind,
    NervousState,
    Safety,
    player_kind,
    required_safety,
)

CATALOG_DIR = Path(__file__).resolve().parent / "catalog"
LANGUAGES = ("nl", "en")


MARKS = ("tense", "release", "compare")  # what a guide step asks of the body (contrast exercises)
MAX_PHASE_SECONDS = 60
MAX_PLAYER_SECONDS = 60 * 60
DURATION_SLACK = 60  # a player's length may differ this much from duration_minutes


class _Data(BaseModel):
    """Strict types (7 is not "7", true is not 1); keys a model does not name are left alone."""

    model_config = ConfigDict(strict=True, extra="ignore", frozen=True)


Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Whole = Annotated[int, Field(ge=1)]
Number = Annotated[float, Field(allow_inf_nan=False)]


class Texts(_Data):
    nl: Text
    en: Text


class TextLists(_Data):
    nl: list[Text]
    en: list[Text]


def _both_or_none(item: Any, where: str, *, required: bool) -> None:
    """A text in every language (or, when not required, in none)."""
    values = [getattr(item, lang) for lang in LANGUAGES]
    if not required and all(v is None for v in values):
        return
    for lang, value in zip(LANGUAGES, values, strict=True):
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"{where} needs a text in both languages ({lang} is missing or empty)")


class Phase(_Data):
    phase: Annotated[BreathPhase, Field(strict=False)]  # the text in the file
    seconds: Annotated[Number, Field(gt=0, le=MAX_PHASE_SECONDS)]
    nl: str | None = None
    en: str | None = None


class Cue(_Data):
    at: Annotated[int, Field(ge=0)]
    nl: str | None = None
    en: str | None = None
    sense: str | None = None


class Sense(_Data):
    sense: str
    count: Whole


class GuideStep(_Data):
    seconds: Annotated[int, Field(ge=3, le=600)]
    mark: Literal["", "tense", "release", "compare"] = ""
    nl: str | None = None
    en: str | None = None


def _check_length(seconds: float, duration: int, what: str) -> None:
    if abs(seconds - duration * 60) > DURATION_SLACK:
        raise ValueError(
            f"{what} lasts {seconds:g} s, which does not fit duration_minutes = {duration} "
            f"(at most {DURATION_SLACK} s apart)"
        )


def _range(keys: tuple[str, str], low: Any, default: Any, high: Any) -> None:
    """min <= default <= max for a player's choice (cycles or minutes)."""
    if not 1 <= low <= default <= high:
        raise ValueError(
            f"parameters.{keys[0]} <= the default ({default}) <= parameters.{keys[1]} "
            "must hold, all whole numbers of at least 1"
        )


class PacerParameters(_Data):
    """A breathing pacer: phases, and either a number of cycles or of minutes to choose from."""

    phases: Annotated[list[Phase], Field(min_length=1)]
    lead_in: Phase | None = None
    cycles: Whole | None = None
    min_cycles: Whole = 1
    max_cycles: Whole | None = None
    min_minutes: Whole | None = None
    max_minutes: Whole | None = None
    adjustable_seconds: Annotated[list[Number], Field(min_length=2, max_length=2)] | None = None
    tempo_step: Number | None = None

    @model_validator(mode="after")
    def _fits(self, info: ValidationInfo) -> "PacerParameters":
        duration = info.context["duration"]
        for n, phase in enumerate(self.phases):
            _both_or_none(phase, f"parameters.phases[{n}]", required=False)
        if not {BreathPhase.INHALE, BreathPhase.EXHALE} <= {p.phase for p in self.phases}:
            raise ValueError("parameters.phases needs at least one inhale and one exhale")
        cycle = sum(p.seconds for p in self.phases)
        lead = 0.0
        if self.lead_in is not None:
            _both_or_none(self.lead_in, "parameters.lead_in", required=True)
            lead = self.lead_in.seconds
        minutes = [k for k in ("min_minutes", "max_minutes") if getattr(self, k) is not None]
        holds = [p.seconds for p in self.phases if p.phase == BreathPhase.HOLD]
        if any(seconds > MAX_HOLD for seconds in holds):
            raise ValueError(f"parameters.phases: a hold lasts at most {MAX_HOLD} s")
        if holds and (self.cycles is None or (self.max_cycles or self.cycles) > MAX_HOLD_CYCLES):
            raise ValueError(
                "a pacer with breath holds runs a number of cycles, at most "
                f"{MAX_HOLD_CYCLES} (parameters.cycles and parameters.max_cycles)"
            )
        if self.cycles is not None:
            if minutes:
                raise ValueError(
                    "a pacer runs either a number of cycles or a number of minutes: "
                    f"parameters.cycles cannot go with {minutes}"
                )
            most = self.max_cycles or self.cycles
            _range(("min_cycles", "max_cycles"), self.min_cycles, self.cycles, most)
            _check_length(lead + self.cycles * cycle, duration, "the pacer")
            longest = lead + most * cycle
        else:
            low, high = self.min_minutes or duration, self.max_minutes or duration
            _range(("min_minutes", "max_minutes"), low, duration, high)
            longest = high * 60
        if longest > MAX_PLAYER_SECONDS:
            raise ValueError(f"the pacer may last at most {MAX_PLAYER_SECONDS // 60} minutes")
        if self.adjustable_seconds is not None:
            low_s, high_s = self.adjustable_seconds
            step = 0.5 if self.tempo_step is None else self.tempo_step
            if not 0 < low_s < high_s <= MAX_PHASE_SECONDS:
                raise ValueError(
                    "parameters.adjustable_seconds must be [low, high] with low < high"
                )
            if not 0 < step <= high_s - low_s:
                raise ValueError(
                    "parameters.tempo_step must be above 0 and fit in adjustable_seconds"
                )
            for n, phase in enumerate(self.phases):
                if phase.phase != BreathPhase.HOLD and not low_s <= phase.seconds <= high_s:
                    raise ValueError(
                        f"parameters.phases[{n}] ({phase.seconds:g} s) lies outside "
                        f"adjustable_seconds [{low_s:g}, {high_s:g}]"
                    )
        elif self.tempo_step is not None:
            raise ValueError("parameters.tempo_step needs parameters.adjustable_seconds")
        return self


class TimerParameters(_Data):
    """A timer: a fixed length or minutes to choose from, with timed cues."""

    seconds: Annotated[int, Field(ge=10, le=MAX_PLAYER_SECONDS)] | None = None
    minute_choices: (
        Annotated[list[Annotated[int, Field(ge=1, le=60)]], Field(min_length=1)] | None
    ) = None
    cues: Annotated[list[Cue], Field(min_length=1)]
    end_cue: Texts | None = None
    senses: list[Sense] | None = None

    @model_validator(mode="after")
    def _fits(self, info: ValidationInfo) -> "TimerParameters":
        duration, kind = info.context["duration"], info.context["kind"]
        if (self.seconds is None) == (self.minute_choices is None):
            raise ValueError("a timer needs either parameters.seconds or parameters.minute_choices")
        if self.seconds is not None:
            _check_length(self.seconds, duration, "the timer")
            total = self.seconds
        else:
            choices = self.minute_choices or []
            if choices != sorted(set(choices)) or duration not in choices:
                raise ValueError(
                    "parameters.minute_choices must be rising whole minutes (1 to 60) that "
                    f"include duration_minutes ({duration})"
                )
            total = choices[0] * 60
        previous = -1
        for n, cue in enumerate(self.cues):
            _both_or_none(cue, f"parameters.cues[{n}]", required=True)
            if cue.at <= previous:
                raise ValueError(
                    f"parameters.cues[{n}]: the cues must be in order of time, each at its own second"
                )
            if cue.at > total:
                raise ValueError(
                    f"parameters.cues[{n}] at {cue.at} s comes after the end of the timer ({total} s)"
                )
            previous = cue.at
        if kind == ExerciseKind.GROUNDING:
            self._senses()
        return self

    def _senses(self) -> None:
        """Grounding: one prompt per sense, in the order of `senses`, naming its count."""
        if not self.senses:
            raise ValueError("a grounding exercise needs parameters.senses")
        prompts = [cue for cue in self.cues if cue.sense is not None]
        if [cue.sense for cue in prompts] != [s.sense for s in self.senses]:
            raise ValueError(
                "parameters.cues must have one prompt per sense, in the order of senses"
            )
        for sense, cue in zip(self.senses, prompts, strict=True):
            for lang in LANGUAGES:
                if str(sense.count) not in str(getattr(cue, lang)):
                    raise ValueError(
                        f"the {lang} prompt for {sense.sense!r} does not name its count "
                        f"{sense.count}"
                    )


class GuideParameters(_Data):
    """A timed guide of at least two steps; a contrast exercise marks its tense and compare steps."""

    guide: Annotated[list[GuideStep], Field(min_length=2)]
    clench_seconds: Whole | None = None
    tense_seconds: Whole | None = None
    compare_min_seconds: Whole | None = None
    compare_max_seconds: Whole | None = None

    @model_validator(mode="after")
    def _fits(self, info: ValidationInfo) -> "GuideParameters":
        duration, kind = info.context["duration"], info.context["kind"]
        for n, step in enumerate(self.guide):
            _both_or_none(step, f"parameters.guide[{n}]", required=True)
        _check_length(sum(s.seconds for s in self.guide), duration, "the guide")
        if kind != ExerciseKind.CONTRAST:
            return self
        tense = self.clench_seconds or self.tense_seconds
        low, high = self.compare_min_seconds, self.compare_max_seconds
        if tense is None or low is None or high is None or low > high:
            raise ValueError(
                "a contrast exercise needs clench_seconds (or tense_seconds), compare_min_seconds "
                "and compare_max_seconds"
            )
        marks = [s.mark for s in self.guide]
        if "tense" not in marks or "compare" not in marks:
            raise ValueError("a contrast guide needs at least one tense and one compare step")
        for n, step in enumerate(self.guide):
            if step.mark == "tense" and step.seconds != tense:
                raise ValueError(f"parameters.guide[{n}]: a tense step lasts {tense} s")
            if step.mark == "compare" and not low <= step.seconds <= high:
                raise ValueError(f"parameters.guide[{n}]: a compare step lasts {low}-{high} s")
        return self


PLAYERS: dict[str, type[_Data]] = {
    "pacer": PacerParameters,
    "timer": TimerParameters,
    "guide": GuideParameters,
}


class CatalogFile(_Data):
    """One catalog file: the exercise in both languages and its player's parameters as data."""

    slug: str
    kind: Annotated[ExerciseKind, Field(strict=False)]  # enums from the texts in the file
    domains: list[Annotated[Domain, Field(strict=False)]] = []
    states: list[Annotated[NervousState, Field(strict=False)]] = []
    duration_minutes: Whole
    name: Texts
    summary: Texts
    steps: TextLists
    cautions: TextLists
    # the fixed cautions of docs/clinical.md this exercise shows (models.Safety); the ones that
    # apply to its kind and rhythm are required (models.required_safety)
    safety: list[Annotated[Safety, Field(strict=False)]] = []
    parameters: dict[str, Any] = {}
    sort_order: int = 0
    active: bool = True


def _where(loc: tuple[Any, ...]) -> str:
    """("parameters", "phases", 1, "seconds") → "parameters.phases[1].seconds"."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else f".{part}" if text else str(part)
    return text


def _refusal(
    path: Path, error: ValidationError, prefix: tuple[Any, ...] = ()
) -> ImproperlyConfigured:
    """The first problem, naming the file and the field (our own rules name it themselves)."""
    first = error.errors(include_url=False)[0]
    if first["type"] == "value_error":  # a rule of ours: its message says where
        return _fail(path, str(first["ctx"]["error"]))
    return _fail(path, f"{_where(prefix + tuple(first['loc']))}: {first['msg']}")


def _fail(path: Path, message: str) -> ImproperlyConfigured:
    return ImproperlyConfigured(f"{path.name}: {message}")


def parse_file(path: Path) -> dict[str, Any]:
    """Read one catalog file into the model's field values (raises on anything malformed)."""
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    try:
        entry = CatalogFile.model_validate(data)
    except ValidationError as error:
        raise _refusal(path, error) from None
    if entry.slug != path.stem:
        raise _fail(path, f"slug {entry.slug!r} must equal the file name")
    player = PLAYERS[player_kind(entry.kind)]
    context = {"duration": entry.duration_minutes, "kind": entry.kind}
    try:
        player.model_validate(entry.parameters, context=context)
    except ValidationError as error:
        raise _refusal(path, error, ("parameters",)) from None
    safety = [str(key) for key in dict.fromkeys(entry.safety)]
    phases = data.get("parameters", {}).get("phases", [])
    missing = [key for key in required_safety(entry.kind, phases) if key not in safety]
    if missing:
        raise _fail(
            path,
            f"a {entry.kind} exercise must show the cautions of docs/clinical.md: "
            f"safety lacks {missing}",
        )
    return {
        "slug": entry.slug,
        "kind": str(entry.kind),
        "name_nl": entry.name.nl,
        "name_en": entry.name.en,
        "summary_nl": entry.summary.nl,
        "summary_en": entry.summary.en,
        "steps_nl": entry.steps.nl,
        "steps_en": entry.steps.en,
        "cautions_nl": entry.cautions.nl,
        "cautions_en": entry.cautions.en,
        "safety": safety,
        "parameters": dict(data.get("parameters", {})),  # as written: the players read it
        "duration_minutes": entry.duration_minutes,
        "domains": [str(d) for d in entry.domains],
        "states": [str(s) for s in entry.states],
        "sort_order": entry.sort_order,
        "builtin": True,
        "is_active": entry.active,
    }


def read_catalog(directory: Path = CATALOG_DIR) -> list[dict[str, Any]]:
    return [parse_file(path) for path in sorted(directory.glob("*.toml"))]


def load(directory: Path = CATALOG_DIR) -> int:
    """Upsert every catalog exercise by slug; returns how many the catalog holds."""
    entries = read_catalog(directory)
    existing = {e.slug: e for e in Exercise.objects.filter(slug__in=[e["slug"] for e in entries])}
    for fields in entries:
        exercise = existing.get(fields["slug"])
        if exercise is None:
            Exercise.objects.create(**fields)
            continue
        changed = [name for name, value in fields.items() if getattr(exercise, name) != value]
        if changed:
            for name in changed:
                setattr(exercise, name, fields[name])
            exercise.save(update_fields=[*changed, "updated_at"])
    gone = Exercise.objects.filter(builtin=True, is_active=True).exclude(
        slug__in=[e["slug"] for e in entries]
    )
    gone.update(is_active=False, updated_at=timezone.now())
    return len(entries)
