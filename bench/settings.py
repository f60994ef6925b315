"""Bench settings: the project's settings, with the reference page's URLconf and template folder."""

from pathlib import Path

from lijfwijs.settings import *  # noqa: F403 (the same settings, middleware included)
from lijfwijs.settings import TEMPLATES

ROOT_URLCONF = "bench.urls"
TEMPLATES = [
    {
        **TEMPLATES[0],
        "DIRS": [*TEMPLATES[0]["DIRS"], Path(__file__).resolve().parent / "templates"],
    },
    *TEMPLATES[1:],
]
