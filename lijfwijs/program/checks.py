"""`manage.py check`: the program files can be read and name only exercises of the catalog."""

from typing import Any

from django.core.checks import Error, register
from django.core.exceptions import ImproperlyConfigured

from lijfwijs.exercises import content

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
    return [
        f"step {step.number} ({step.key}) names the exercise {slug!r}, which the catalog "
        "does not have (or has set inactive)"
        for step in steps
        for slug in step.exercises
        if slug not in active
    ]


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
