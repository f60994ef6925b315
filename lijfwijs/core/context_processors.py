"""Template context every page needs: the site name, the layout's addresses and the same page in
the other language."""

from functools import cache

from django.conf import settings
from django.http import HttpRequest
from django.templatetags.static import static
from django.urls import get_script_prefix, reverse
from django.utils.translation import get_language

# The addresses the layout links to, by the name it uses for them.
LAYOUT_URLS = {
    "home": "home",
    "pijntest": "assessments:start",
    "exercises": "exercises:list",
    "program": "program:overview",
    "learn": "learn:list",
    "practice": "practice:home",
    "diary": "diary:list",
    "account": "accounts:settings",
    "logout": "accounts:logout",
    "login": "accounts:login",
    "manifest": "web_manifest",
    "service_worker": "service_worker",
}
LAYOUT_STATIC = {
    "css": "core/site.css",
    "icon": "core/favicon.svg",
    "outbox_js": "core/outbox.js",
    "checkin_js": "core/checkin.js",
}


@cache
def layout_links(language: str, script_prefix: str) -> dict[str, str]:
    """The layout's addresses in a language. They depend only on the URLconf, the language, the
    script prefix and the static files' manifest, all fixed while a process runs, so each
    process reverses them once instead of a dozen times a page. (Addresses, not HTML.)"""
    links = {key: reverse(name) for key, name in LAYOUT_URLS.items()}
    links.update({key: static(path) for key, path in LAYOUT_STATIC.items()})
    return links


def other_language_path(path: str, current: str) -> str:
    """Pages have the same paths in both languages; English ones carry an /en prefix."""
    if current != "en":
        return "/en" + path
    if path == "/en" or path.startswith("/en/"):
        return path[3:] or "/"
    return path


def site(request: HttpRequest) -> dict[str, object]:
    language = get_language() or settings.LANGUAGE_CODE
    current = language[:2]
    other = "nl" if current == "en" else "en"
    return {
        "SITE_NAME": settings.SITE_NAME,
        "LANGUAGE": current,
        "OTHER_LANGUAGE": other,
        "OTHER_LANGUAGE_URL": other_language_path(request.path, current),
        "LINKS": layout_links(language, get_script_prefix()),
    }
