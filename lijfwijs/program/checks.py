"""`manage.py check`: the program and the catalog can be read, the program names only catalog
exercises and never suggests practising while driving, and every exercise shows its cautions."""

import re
from collections.abc import Iterator
from typing import Any

from django.core.checks import Error, register
from django.core.exceptions import ImproperlyConfigured

from lijfwijs.exercises import content
from lijfwijs.exercises.models import GROUNDING, SLOW_BREATHING, required_safety

from . import program


def problems(
    steps: tuple[program.Step, ...] | None = None, catalog: list[dict[str, Any]] | None = None
) -> list[str]:
    """What is wrong with the program against the catalog files ([] when all is well)."""
    try:
        steps = program.read_program() if steps is None else steps
        catalog = content.read_catalog() if catalog is None else catalog
    except (program.ProgramError, ImproperlyConfigured, OSError, ValueError) as exc:
        return [str(exc)]
    active = {entry["slug"] for entry in catalog if entry["is_active"]}
    found = [
        f"step {step.number} ({step.key}) names the exercise {slug!r}, which the catalog "
        "does not have (or has set inactive)"
        for step in steps
        for slug in step.exercises
        if slug not in active
    ]
    found += [
        f"step {step.number} ({step.key}) {where} mentions driving without saying parked or "
        f"not while driving (breathing exercises are never done while driving): {text!r}"
        for step in steps
        for where, text in texts_of(step)
        if DRIVING.search(text) and not SAFE_DRIVING.search(text)
    ]
    return found + caution_problems(catalog)


# A car, a traffic jam, driving (Dutch and English), as words: not "automatisch" or "profile".
DRIVING = re.compile(
    r"\b(auto'?s?|file|files|(weg|af|door)?rijd(en|t)?|achter het stuur|snelweg|car|cars"
    r"|traffic|driv(e|es|ing)|behind the wheel|motorway)\b",
    re.IGNORECASE,
)
# What makes a mention of driving safe: parked, or never while driving.
SAFE_DRIVING = re.compile(
    r"\b(geparkeerd\w*|parked|(niet|nooit) tijdens het (auto)?rijden|(not|never) while driving)\b",
    re.IGNORECASE,
)


def texts_of(step: program.Step) -> Iterator[tuple[str, str]]:
    """Every text a person reads in a step, with where it is."""
    for lang in program.LANGUAGES:
        yield f"name.{lang}", step.name[lang]
        yield f"goal.{lang}", step.goal[lang]
        for lesson in step.lessons:
            yield f"lesson {lesson.key!r} title.{lang}", lesson.title[lang]
            for n, paragraph in enumerate(lesson.body[lang]):
                yield f"lesson {lesson.key!r} body.{lang}[{n}]", paragraph
        for prompt in step.prompts:
            yield f"prompt {prompt.key!r}.{lang}", prompt.text[lang]


def caution_problems(catalog: list[dict[str, Any]]) -> list[str]:
    """An exercise without the cautions of docs/clinical.md that apply to it, or a caution whose
    way out (slow breathing, grounding) the catalog does not have."""
    found = []
    for entry in catalog:
        phases = entry.get("parameters", {}).get("phases", [])
        missing = [
            key
            for key in required_safety(entry.get("kind", ""), phases)
            if key not in entry.get("safety", [])
        ]
        if missing:
            found.append(f"the exercise {entry['slug']!r} lacks its cautions {missing}")
    active = {entry["slug"] for entry in catalog if entry["is_active"]}
    if any(entry.get("safety") for entry in catalog):
        found += [
            f"the cautions offer the exercise {slug!r}, which the catalog does not have"
            for slug in (SLOW_BREATHING, GROUNDING)
            if slug not in active
        ]
    return found


@register()
def program_exercises(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    return [
        Error(
            problem,
            hint="Fix lijfwijs/program/steps/*.toml or the catalog in lijfwijs/exercises/catalog/.",
            id="program.E001",
        )
        for problem in problems()
    ]
