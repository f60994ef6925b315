"""Template context every page needs: the site name, the layout's addresses, which section of the
navigation the page belongs to, and the same page in the other language."""

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
    "alerts": "practice:alerts",
    "agenda": "booking_agenda",
    "offer": "booking_offer",
    "invitations": "practice:invitations",
    "practice_settings": "practice:settings",
    "diary": "diary:list",
    "messages": "messaging:inbox",
    "practice_messages": "messaging:practice_inbox",
    "leads": "leads:list",
    "newsletter": "newsletter_manage",
    "campaigns": "campaigns_list",
    "events_manage": "events_manage",
    "events": "events_list",
    "newsletter_signup": "newsletter_signup",
    "articles": "articles_list",
    "account": "accounts:settings",
    "logout": "accounts:logout",
    "login": "accounts:login",
    "privacy": "privacy",
    "about": "about",
    "contact": "contact",
    "colofon": "colofon",
    "manifest": "web_manifest",
    "service_worker": "service_worker",
}
LAYOUT_STATIC = {
    "css": "core/site.css",
    "icon": "core/favicon.svg",
    "outbox_js": "core/outbox.js",
    "checkin_js": "core/checkin.js",
    "nav_js": "core/nav.js",
}
# The navigation's sections: a page belongs to the one whose address is the longest start of its
# path. The start page ("home") only counts for itself, or it would claim every page.
NAV_SECTIONS = (
    "pijntest",
    "exercises",
    "program",
    "learn",
    "practice",
    "alerts",
    "agenda",
    "offer",
    "invitations",
    "practice_settings",
    "diary",
    "messages",
    "practice_messages",
    "leads",
    "newsletter",
    "campaigns",
    "events_manage",
    "events",
    "articles",
    "account",
    "privacy",
    "about",
    "contact",
    "colofon",
)


@cache
def layout_links(language: str, script_prefix: str) -> dict[str, str]:
    """The layout's addresses in a language. They depend only on the URLconf, the language, the
    script prefix and the static files' manifest, all fixed while a process runs, so each
    process reverses them once instead of a dozen times a page. (Addresses, not HTML.)"""
    links = {key: reverse(name) for key, name in LAYOUT_URLS.items()}
    links.update({key: static(path) for key, path in LAYOUT_STATIC.items()})
    return links


@cache
def nav_prefixes(language: str, script_prefix: str) -> tuple[tuple[str, str], ...]:
    """(address, section) of the navigation's sections, longest address first."""
    links = layout_links(language, script_prefix)
    pairs = [(links[key], key) for key in NAV_SECTIONS]
    return tuple(sorted(pairs, key=lambda pair: len(pair[0]), reverse=True))


def nav_section(path: str, language: str, script_prefix: str) -> str:
    """The section of the navigation a page belongs to ("" for none): a string comparison or
    ten, no query and no reverse."""
    if path == layout_links(language, script_prefix)["home"]:
        return "home"
    for prefix, section in nav_prefixes(language, script_prefix):
        if path.startswith(prefix):
            return section
    return ""


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
    script_prefix = get_script_prefix()
    return {
        "SITE_NAME": settings.SITE_NAME,
        "LANGUAGE": current,
        "OTHER_LANGUAGE": other,
        "OTHER_LANGUAGE_URL": other_language_path(request.path, current),
        "LINKS": layout_links(language, script_prefix),
        "NAV": nav_section(request.path, language, script_prefix),
    }
