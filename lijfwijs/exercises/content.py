"""Load the built-in exercise catalog (catalog/*.toml) into the database, idempotently.

The files are the source of truth for built-in exercises: a second run changes nothing, and an
exercise whose file was removed is set inactive (never deleted: practice logs may point to it).
"""

import tomllib
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from .models import BreathPhase, Domain, Exercise, ExerciseKind, NervousState, player_kind

CATALOG_DIR = Path(__file__).resolve().parent / "catalog"
LANGUAGES = ("nl", "en")


def _fail(path: Path, message: str) -> ImproperlyConfigured:
    return ImproperlyConfigured(f"{path.name}: {message}")


def _texts(path: Path, data: dict[str, Any], key: str, *, is_list: bool) -> dict[str, Any]:
    texts = data.get(key, {})
    result = {}
    for lang in LANGUAGES:
        value = texts.get(lang)
        if is_list:
            if not isinstance(value, list) or not all(
                isinstance(v, str) and v.strip() for v in value
            ):
                raise _fail(path, f"{key}.{lang} must be a list of non-empty texts")
            result[lang] = [v.strip() for v in value]
        else:
            if not isinstance(value, str) or not value.strip():
                raise _fail(path, f"{key}.{lang} is missing")
            result[lang] = value.strip()
    return result


MARKS = ("tense", "release", "compare")  # what a guide step asks of the body (contrast exercises)
MAX_PHASE_SECONDS = 60
MAX_PLAYER_SECONDS = 60 * 60
DURATION_SLACK = 60  # a player's length may differ this much from duration_minutes


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _bilingual(path: Path, where: str, item: Any, *, required: bool = True) -> None:
    """`item` carries a non-empty text in every language (or, when not required, in none)."""
    if not isinstance(item, dict):
        raise _fail(path, f"{where} must be a table")
    present = [lang for lang in LANGUAGES if lang in item]
    if not present and not required:
        return
    for lang in LANGUAGES:
        value = item.get(lang)
        if not isinstance(value, str) or not value.strip():
            raise _fail(
                path, f"{where} needs a text in both languages ({lang} is missing or empty)"
            )


def _check_length(path: Path, seconds: float, duration: int, what: str) -> None:
    if abs(seconds - duration * 60) > DURATION_SLACK:
        raise _fail(
            path,
            f"{what} lasts {seconds:g} s, which does not fit duration_minutes = {duration} "
            f"(at most {DURATION_SLACK} s apart)",
        )


def _phase(path: Path, where: str, phase: Any) -> float:
    if not isinstance(phase, dict):
        raise _fail(path, f"{where} must be a table")
    if phase.get("phase") not in BreathPhase.values:
        raise _fail(path, f"{where}: unknown breathing phase {phase.get('phase')!r}")
    seconds = phase.get("seconds")
    if not _number(seconds) or not (0 < seconds <= MAX_PHASE_SECONDS):
        raise _fail(path, f"{where} needs seconds between 0 and {MAX_PHASE_SECONDS}")
    _bilingual(path, where, phase, required=False)
    return float(seconds)


def _range(
    path: Path, params: dict[str, Any], keys: tuple[str, str], default: Any, lowest: Any
) -> None:
    """min <= default <= max for a player's choice (cycles or minutes); min defaults to `lowest`."""
    low, high = params.get(keys[0], lowest), params.get(keys[1], default)
    if not all(_whole(v) for v in (low, default, high)) or not 1 <= low <= default <= high:
        raise _fail(
            path,
            f"parameters.{keys[0]} <= the default ({default}) <= parameters.{keys[1]} "
            "must hold, all whole numbers of at least 1",
        )


def _validate_pacer(path: Path, params: dict[str, Any], duration: int) -> None:
    phases = params.get("phases")
    if not isinstance(phases, list) or not phases:
        raise _fail(path, "a breathing exercise needs parameters.phases")
    cycle = sum(_phase(path, f"parameters.phases[{n}]", p) for n, p in enumerate(phases))
    kinds = {p["phase"] for p in phases}
    if not {BreathPhase.INHALE, BreathPhase.EXHALE} <= kinds:
        raise _fail(path, "parameters.phases needs at least one inhale and one exhale")
    lead = params.get("lead_in")
    lead_seconds = _phase(path, "parameters.lead_in", lead) if lead is not None else 0.0
    if lead is not None and not all(lead.get(lang) for lang in LANGUAGES):
        raise _fail(path, "parameters.lead_in needs a text in both languages")
    minutes_keys = {"min_minutes", "max_minutes"} & params.keys()
    if "cycles" in params:
        if minutes_keys:
            raise _fail(
                path,
                "a pacer runs either a number of cycles or a number of minutes: "
                f"parameters.cycles cannot go with {sorted(minutes_keys)}",
            )
        _range(path, params, ("min_cycles", "max_cycles"), params["cycles"], 1)
        _check_length(path, lead_seconds + params["cycles"] * cycle, duration, "the pacer")
        longest = lead_seconds + params.get("max_cycles", params["cycles"]) * cycle
    else:
        _range(path, params, ("min_minutes", "max_minutes"), duration, duration)
        longest = params.get("max_minutes", duration) * 60
    if longest > MAX_PLAYER_SECONDS:
        raise _fail(path, f"the pacer may last at most {MAX_PLAYER_SECONDS // 60} minutes")
    if "adjustable_seconds" in params:
        bounds = params["adjustable_seconds"]
        step = params.get("tempo_step", 0.5)
        if (
            not isinstance(bounds, list)
            or len(bounds) != 2
            or not all(_number(b) for b in bounds)
            or not 0 < bounds[0] < bounds[1] <= MAX_PHASE_SECONDS
        ):
            raise _fail(path, "parameters.adjustable_seconds must be [low, high] with low < high")
        if not _number(step) or not 0 < step <= bounds[1] - bounds[0]:
            raise _fail(path, "parameters.tempo_step must be above 0 and fit in adjustable_seconds")
        for n, phase in enumerate(phases):
            if (
                phase["phase"] != BreathPhase.HOLD
                and not bounds[0] <= phase["seconds"] <= bounds[1]
            ):
                raise _fail(
                    path,
                    f"parameters.phases[{n}] ({phase['seconds']} s) lies outside "
                    f"adjustable_seconds {bounds}",
                )
    elif "tempo_step" in params:
        raise _fail(path, "parameters.tempo_step needs parameters.adjustable_seconds")


def _validate_cues(path: Path, params: dict[str, Any], total: int) -> None:
    cues = params.get("cues")
    if not isinstance(cues, list) or not cues:
        raise _fail(path, "a timer needs parameters.cues (at least one)")
    previous = -1
    for n, cue in enumerate(cues):
        where = f"parameters.cues[{n}]"
        _bilingual(path, where, cue)
        at = cue.get("at")
        if not _whole(at) or at < 0:
            raise _fail(path, f"{where} needs at: whole seconds from the start")
        if at <= previous:
            raise _fail(path, f"{where}: the cues must be in order of time, each at its own second")
        if at > total:
            raise _fail(path, f"{where} at {at} s comes after the end of the timer ({total} s)")
        previous = at
    if "end_cue" in params:
        _bilingual(path, "parameters.end_cue", params["end_cue"])


def _validate_senses(path: Path, params: dict[str, Any]) -> None:
    """Grounding: one prompt per sense, in the order of `senses`, naming its count."""
    senses = params.get("senses")
    if not isinstance(senses, list) or not senses:
        raise _fail(path, "a grounding exercise needs parameters.senses")
    prompts = [cue for cue in params["cues"] if "sense" in cue]
    if [cue["sense"] for cue in prompts] != [s.get("sense") for s in senses]:
        raise _fail(path, "parameters.cues must have one prompt per sense, in the order of senses")
    for sense, cue in zip(senses, prompts, strict=True):
        count = str(sense.get("count"))
        for lang in LANGUAGES:
            if count not in cue[lang]:
                raise _fail(
                    path,
                    f"the {lang} prompt for {sense['sense']!r} does not name its count {count}",
                )


def _validate_timer(path: Path, kind: str, params: dict[str, Any], duration: int) -> None:
    has_seconds, has_choices = "seconds" in params, "minute_choices" in params
    if has_seconds == has_choices:
        raise _fail(path, "a timer needs either parameters.seconds or parameters.minute_choices")
    if has_seconds:
        total = params["seconds"]
        if not _whole(total) or not 10 <= total <= MAX_PLAYER_SECONDS:
            raise _fail(
                path, f"parameters.seconds must be whole seconds, 10 to {MAX_PLAYER_SECONDS}"
            )
        _check_length(path, total, duration, "the timer")
    else:
        choices = params["minute_choices"]
        if (
            not isinstance(choices, list)
            or not choices
            or not all(_whole(c) and 1 <= c <= 60 for c in choices)
            or choices != sorted(set(choices))
            or duration not in choices
        ):
            raise _fail(
                path,
                "parameters.minute_choices must be rising whole minutes (1 to 60) that include "
                f"duration_minutes ({duration})",
            )
        total = choices[0] * 60
    _validate_cues(path, params, total)
    if kind == ExerciseKind.GROUNDING:
        _validate_senses(path, params)


def _validate_guide(path: Path, kind: str, params: dict[str, Any], duration: int) -> None:
    steps = params.get("guide")
    if not isinstance(steps, list) or len(steps) < 2:
        raise _fail(path, "a guided exercise needs parameters.guide with at least 2 timed steps")
    for n, step in enumerate(steps):
        where = f"parameters.guide[{n}]"
        _bilingual(path, where, step)
        seconds = step.get("seconds")
        if not _whole(seconds) or not 3 <= seconds <= 600:
            raise _fail(path, f"{where} needs seconds: a whole number from 3 to 600")
        if step.get("mark", "") not in ("", *MARKS):
            raise _fail(path, f"{where}: mark must be one of {', '.join(MARKS)}")
    _check_length(path, sum(s["seconds"] for s in steps), duration, "the guide")
    if kind != ExerciseKind.CONTRAST:
        return
    tense = params.get("clench_seconds", params.get("tense_seconds"))
    low, high = params.get("compare_min_seconds"), params.get("compare_max_seconds")
    if not all(_whole(v) and v > 0 for v in (tense, low, high)) or low > high:
        raise _fail(
            path,
            "a contrast exercise needs clench_seconds (or tense_seconds), compare_min_seconds "
            "and compare_max_seconds",
        )
    marks = [s.get("mark", "") for s in steps]
    if "tense" not in marks or "compare" not in marks:
        raise _fail(path, "a contrast guide needs at least one tense and one compare step")
    for n, step in enumerate(steps):
        if step.get("mark") == "tense" and step["seconds"] != tense:
            raise _fail(path, f"parameters.guide[{n}]: a tense step lasts {tense} s")
        if step.get("mark") == "compare" and not low <= step["seconds"] <= high:
            raise _fail(path, f"parameters.guide[{n}]: a compare step lasts {low}-{high} s")


def _validate_parameters(path: Path, kind: str, params: dict[str, Any], duration: int) -> None:
    """The player's data: what docs/clinical.md gives, in a shape the players can trust."""
    player = player_kind(kind)
    if player == "pacer":
        _validate_pacer(path, params, duration)
    elif player == "timer":
        _validate_timer(path, kind, params, duration)
    else:
        _validate_guide(path, kind, params, duration)


def parse_file(path: Path) -> dict[str, Any]:
    """Read one catalog file into the model's field values (raises on anything malformed)."""
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    slug = data.get("slug")
    if slug != path.stem:
        raise _fail(path, f"slug {slug!r} must equal the file name")
    kind = data.get("kind")
    if kind not in ExerciseKind.values:
        raise _fail(path, f"unknown kind {kind!r}")
    domains = list(data.get("domains", []))
    if not set(domains) <= set(Domain.values):
        raise _fail(path, f"unknown domain in {domains!r}")
    states = list(data.get("states", []))
    if not set(states) <= set(NervousState.values):
        raise _fail(path, f"unknown state in {states!r}")
    duration = data.get("duration_minutes")
    if not _whole(duration) or duration < 1:
        raise _fail(path, "duration_minutes must be a whole number of at least 1")
    parameters = dict(data.get("parameters", {}))
    _validate_parameters(path, kind, parameters, duration)

    name = _texts(path, data, "name", is_list=False)
    summary = _texts(path, data, "summary", is_list=False)
    steps = _texts(path, data, "steps", is_list=True)
    cautions = _texts(path, data, "cautions", is_list=True)
    return {
        "slug": slug,
        "kind": kind,
        "name_nl": name["nl"],
        "name_en": name["en"],
        "summary_nl": summary["nl"],
        "summary_en": summary["en"],
        "steps_nl": steps["nl"],
        "steps_en": steps["en"],
        "cautions_nl": cautions["nl"],
        "cautions_en": cautions["en"],
        "parameters": parameters,
        "duration_minutes": duration,
        "domains": domains,
        "states": states,
        "sort_order": int(data.get("sort_order", 0)),
        "builtin": True,
        "is_active": bool(data.get("active", True)),
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
