"""App hooks: a function an app names in its AppConfig (`home_panel = "module.func"`), found by name.

Core imports no feature app; an app that takes part in the start page, the export, the erasure of
health data or the content loading says so in its AppConfig, and core asks for the hook by name.
"""

from collections.abc import Callable
from typing import Any

from django.apps import AppConfig, apps
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.module_loading import import_string

# The apps and their hooks are fixed while a process runs: each hook is looked up once (the report,
# the article and the start page ask for several on every request). Forgotten when a test changes
# INSTALLED_APPS.
_found: dict[str, tuple[tuple[AppConfig, Callable[..., Any]], ...]] = {}


@receiver(setting_changed)
def _apps_changed(*, setting: str, **kwargs: Any) -> None:
    if setting == "INSTALLED_APPS":
        _found.clear()


def named(hook: str) -> list[tuple[AppConfig, Callable[..., Any]]]:
    """Every app's function for `hook`, in the order of INSTALLED_APPS, with the app it is from."""
    found = _found.get(hook)
    if found is None:
        found = tuple(
            (config, import_string(path))
            for config in apps.get_app_configs()
            if (path := getattr(config, hook, None))
        )
        if apps.ready:
            _found[hook] = found
    return list(found)


def first(hook: str, *args: Any) -> Any:
    """The first app's answer to `hook` that is not None (None when no app has one)."""
    for function in functions(hook):
        answer = function(*args)
        if answer is not None:
            return answer
    return None


def functions(hook: str) -> list[Callable[..., Any]]:
    """Every app's function for `hook`, in the order of INSTALLED_APPS."""
    return [function for _config, function in named(hook)]


def panels(hook: str, *args: Any) -> list[dict[str, Any]]:
    """The panels apps add to a page through `hook` (the report's `report_panel`, the article's
    `article_panel`): each app's function returns a dict with the `template` to include and its
    context, or None for nothing. The page includes them in the order of INSTALLED_APPS:
    `{% for panel in panels %}{% include panel.template %}{% endfor %}`."""
    found = []
    for function in functions(hook):
        panel = function(*args)
        if panel is not None:
            found.append(panel)
    return found
