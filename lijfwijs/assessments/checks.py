"""`manage.py check` reports instrument files that could not be read."""

from typing import Any

from django.core.checks import Warning, register

from . import registry


@register()
def instrument_files(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    return [
        Warning(
            problem,
            hint="Fix or remove the file in LIJFWIJS_INSTRUMENTS_DIR.",
            id="assessments.W001",
        )
        for problem in registry.problems()
    ]
