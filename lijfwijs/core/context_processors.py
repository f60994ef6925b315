"""Template context every page needs: the site name and the other language's URL."""

from django.conf import settings
from django.http import HttpRequest
from django.urls import translate_url
from django.utils.translation import get_language


def site(request: HttpRequest) -> dict[str, object]:
    current = get_language() or settings.LANGUAGE_CODE
    other = "en" if current == "nl" else "nl"
    return {
        "SITE_NAME": settings.SITE_NAME,
        "LANGUAGE": current,
        "OTHER_LANGUAGE": other,
        "OTHER_LANGUAGE_URL": translate_url(request.get_full_path(), other),
    }
