"""Query parameters of the API checked against the OpenAPI schema: unknown names and values not of
the documented form are a 422, not ignored or read loosely (`?to=0` is not a date)."""

import re
from collections.abc import Callable
from functools import cache
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse

PREFIX = "/api/v1/"
# The forms a query value must have, by the parameter's schema type or format; the view then
# parses it as before. (pydantic alone would take "0" as a date and "1e3" as a number.) An
# integer is digits, with a fraction of zeros if any: 3.0 is an integer to JSON Schema (so a
# client generating from the schema may send it) and to pydantic, which reads it as 3. Up to 19
# digits, as many as the largest id has; each parameter's own bounds are the view's to check.
FORMS = {
    "date": re.compile(r"\d{4}-\d{2}-\d{2}"),
    "integer": re.compile(r"-?\d{1,19}(\.0+)?"),
}


@cache
def query_parameters() -> list[tuple[re.Pattern[str], str, dict[str, dict[str, Any]]]]:
    """(path pattern, method, {parameter name: schema}) for every operation of the API."""
    from .api import api

    found = []
    for path, operations in api.get_openapi_schema(path_prefix=PREFIX)["paths"].items():
        pattern = re.compile(re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(path)))
        for method, operation in operations.items():
            params = {
                p["name"]: p.get("schema", {})
                for p in operation.get("parameters", [])
                if p.get("in") == "query"
            }
            found.append((pattern, method.upper(), params))
    return found


def _form(schema: dict[str, Any]) -> re.Pattern[str] | None:
    for option in [schema, *schema.get("anyOf", [])]:
        form = FORMS.get(option.get("format", "")) or FORMS.get(option.get("type", ""))
        if form:
            return form
    return None


def problems(request: HttpRequest) -> dict[str, str]:
    """A message per query parameter that the operation does not take or that is malformed."""
    params = next(
        (
            params
            for pattern, method, params in query_parameters()
            if method == request.method and pattern.fullmatch(request.path_info)
        ),
        None,
    )
    if params is None:
        return {}  # no such operation: the API answers 404 or 405 itself
    errors = {}
    for name, values in request.GET.lists():
        if name not in params:
            errors[name] = "Unknown query parameter."
            continue
        form = _form(params[name])
        if len(values) > 1:
            errors[name] = "Send this parameter once."
        elif form is not None and not form.fullmatch(values[0]):
            errors[name] = "Not of the documented form."
    return errors


class StrictQueryMiddleware:
    """Refuses an API request whose query string holds what its operation does not document."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info.startswith(PREFIX) and request.GET:
            errors = problems(request)
            if errors:
                return JsonResponse(
                    {"detail": "The query string is not valid.", "errors": errors}, status=422
                )
        return self.get_response(request)
