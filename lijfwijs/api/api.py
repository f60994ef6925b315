"""The REST API (django-ninja), mounted at /api/v1/ with its OpenAPI schema and docs."""

from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_safe
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from lijfwijs.assessments.api import router as assessments_router
from lijfwijs.diary.api import router as diary_router
from lijfwijs.exercises.api import patterns_router
from lijfwijs.exercises.api import router as practice_router
from lijfwijs.program.api import router as program_router

ERROR_OUT = {"$ref": "#/components/schemas/ErrorOut"}
# What any operation may answer besides what it declares itself, and why:
EVERY_OPERATION = {
    # a query parameter the operation does not name, or one not of its documented form
    # (lijfwijs.api.middleware), a NUL in the query string (core.middleware)
    "422": "The request is not valid: `errors` names the parameter or field.",
}
WITH_A_BODY = {
    "400": "The body is not JSON.",
    "413": "The body is too large.",
    "415": "The body is not application/json.",
}


class LijfwijsAPI(NinjaAPI):
    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        """The schema, with every status an operation can answer documented (the ones the
        boundary checks give every operation are added here, not repeated in each router)."""
        schema = super().get_openapi_schema(*args, **kwargs)
        for operations in schema["paths"].values():
            for operation in operations.values():
                answers = {**EVERY_OPERATION, **(WITH_A_BODY if "requestBody" in operation else {})}
                for status, description in answers.items():
                    operation["responses"].setdefault(
                        status,
                        {
                            "description": description,
                            "content": {"application/json": {"schema": ERROR_OUT}},
                        },
                    )
        return schema


api = LijfwijsAPI(
    title="Lijfwijs API",
    version="1",
    description=(
        "Lijfwijs REST API. Errors are JSON: `detail`, and `errors` with a message per field or "
        "item id. A query parameter an operation does not document, or one not of its documented "
        "form (a date is YYYY-MM-DD), is refused with 422, as is text holding a NUL character or "
        "a lone surrogate."
    ),
    urls_namespace="api",
    docs_url="/docs",
    docs_decorator=require_safe,
)
api.add_router("/", assessments_router)
api.add_router("/", diary_router)
api.add_router("/", practice_router)
api.add_router("/", patterns_router)
api.add_router("/", program_router)
api.add_router("/practice", "lijfwijs.practice.api.router")  # the workspace
api.add_router("/booking", "lijfwijs.booking.api.router")  # free times, booking by token
api.add_router("/newsletter", "lijfwijs.outreach.newsletter.api.router")
api.add_router("/events", "lijfwijs.outreach.events.api.router")
api.add_router("/messages", "lijfwijs.outreach.messaging.api.router")


def _field(loc: list) -> str:
    parts = [str(p) for p in loc if p not in ("body", "payload", "query", "path")]
    return ".".join(parts) or "body"


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = {}
    for err in exc.errors:
        errors.setdefault(_field(list(err.get("loc", []))), str(err.get("msg", "invalid")))
    return api.create_response(
        request, {"detail": "The request is not valid.", "errors": errors}, status=422
    )


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": "Not found."}, status=404)


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(request, {"detail": "Not authenticated."}, status=401)


@api.exception_handler(RequestDataTooBig)
def on_too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return api.create_response(request, {"detail": "The request body is too large."}, status=413)
