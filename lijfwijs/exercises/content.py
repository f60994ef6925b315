"""Load the built-in exercise catalog (catalog/*.toml) into the database, idempotently.

The files are the source of truth for built-in exercises: a second run changes nothing, and an
exercise whose file was removed is set inactive (never deleted: practice logs may point to it).
"""

import tomllib
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from .models import BreathPhase, Domain, Exercise, ExerciseKind, NervousState

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


def _validate_parameters(path: Path, kind: str, params: dict[str, Any]) -> None:
    if kind == ExerciseKind.BREATHING:
        phases = params.get("phases")
        if not phases:
            raise _fail(path, "a breathing exercise needs parameters.phases")
        for phase in phases:
            if phase.get("phase") not in BreathPhase.values:
                raise _fail(path, f"unknown breathing phase {phase.get('phase')!r}")
            if not (0 < float(phase.get("seconds", 0)) <= 60):
                raise _fail(path, "each phase needs seconds between 0 and 60")
    for cue in params.get("cues", []):
        if not all(cue.get(lang) for lang in LANGUAGES) or "at" not in cue:
            raise _fail(path, "each cue needs at, nl and en")


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
    parameters = dict(data.get("parameters", {}))
    _validate_parameters(path, kind, parameters)
    duration = data.get("duration_minutes")
    if not isinstance(duration, int) or duration < 1:
        raise _fail(path, "duration_minutes must be a whole number of at least 1")

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
            exercise.save(update_fields=changed)
    Exercise.objects.filter(builtin=True, is_active=True).exclude(
        slug__in=[e["slug"] for e in entries]
    ).update(is_active=False)
    return len(entries)
