"""Middleware of the whole site."""

import json
from collections.abc import Callable
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_cache_control, patch_vary_headers
from django.utils.translation import gettext as _


class ApiLanguageMiddleware:
    """The API has no language prefix in its URLs: it answers in the Accept-Language of the request.
    (Pages use the URL: Dutch unprefixed, English under /en/.) Its answers may hold health data, so
    none is ever stored by a browser or proxy.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path_info.startswith("/api/"):
            return self.get_response(request)
        language = translation.get_language_from_request(request, check_path=False)
        with translation.override(language):
            request.LANGUAGE_CODE = language
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ("Accept-Language",))
        add_never_cache_headers(response)
        return response


class PrivateResponseMiddleware:
    """Responses to a signed-in person may carry health data: never stored by a browser or proxy."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and session.session_key and request.user.is_authenticated:
            add_never_cache_headers(response)
            patch_cache_control(response, private=True)
        return response


def unstorable(text: str) -> bool:
    """Text no database stores: a NUL character (PostgreSQL refuses it) or a lone surrogate
    (not encodable as UTF-8; JSON can carry one as "\\ud800")."""
    return "\x00" in text or any("\ud800" <= c <= "\udfff" for c in text)


def _first_unstorable(value: Any) -> str | None:
    """The top-level key of a JSON body under which unstorable text lies ("body" when the body
    itself or a top-level key is it), or None. Walked without recursion: bodies may nest deeply."""
    if isinstance(value, dict):
        roots: list[tuple[str, Any]] = []
        for key, item in value.items():
            if unstorable(key):
                return "body"
            roots.append((key, item))
    else:
        roots = [("body", value)]
    for root, item in roots:
        stack = [item]
        while stack:
            current = stack.pop()
            if isinstance(current, str):
                if unstorable(current):
                    return root
            elif isinstance(current, dict):
                for key, inner in current.items():
                    if unstorable(key):
                        return root
                    stack.append(inner)
            elif isinstance(current, list):
                stack.extend(current)
    return None


class UnstorableTextMiddleware:
    """One check at the boundary, before any view: a NUL character in the query string, or a NUL
    or lone surrogate anywhere in a JSON body, is refused (the API: 422 naming the field; a page:
    400 with a message) instead of failing in the database with a 500.

    Form data needs no check here: its bytes are decoded with replacement characters (no
    surrogate survives) and every Django form field refuses a NUL itself, next to the field,
    keeping what else was typed.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        for name, values in request.GET.lists():
            if unstorable(name) or any(unstorable(v) for v in values):
                message = _(
                    "Het adres bevat een teken dat geen tekst kan zijn (een nul-teken). "
                    "Controleer het adres en probeer het opnieuw."
                )
                if request.path_info.startswith("/api/"):
                    return refused_json("query" if unstorable(name) else name, message)
                return render(request, "core/bad_input.html", {"message": message}, status=400)
        if request.content_type == "application/json" and request.method not in ("GET", "HEAD"):
            try:
                body = json.loads(request.body)
            except (ValueError, RecursionError, RequestDataTooBig):
                body = None  # not JSON (or too large): the view answers that
            field = _first_unstorable(body)
            if field is not None:
                return refused_json(
                    field,
                    _(
                        "Hier staat een teken dat geen tekst kan zijn (een nul-teken of een losse "
                        "surrogaat). Haal het weg en probeer het opnieuw."
                    ),
                )
        return self.get_response(request)


def refused_json(field: str, message: str) -> JsonResponse:
    """The API's ErrorOut, naming the field (or "query"/"body") that holds the character."""
    return JsonResponse(
        {
            "detail": "The request holds a NUL character or a lone surrogate.",
            "errors": {field: message},
        },
        status=422,
    )
