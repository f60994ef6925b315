"""Template context every page needs: the site name and the same page in the other language."""

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import get_language


def other_language_path(path: str, current: str) -> str:
    """Pages have the same paths in both languages; English ones carry an /en prefix."""
    if current != "en":
        return "/en" + path
    if path == "/en" or path.startswith("/en/"):
        return path[3:] or "/"
    return path


def site(request: HttpRequest) -> dict[str, object]:
    current = (get_language() or settings.LANGUAGE_CODE)[:2]
    other = "nl" if current == "en" else "en"
    return {
        "SITE_NAME": settings.SITE_NAME,
        "LANGUAGE": current,
        "OTHER_LANGUAGE": other,
        "OTHER_LANGUAGE_URL": other_language_path(request.path, current),
    }
