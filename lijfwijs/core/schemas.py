"""API schemas shared by every app's router, and the reading of a JSON body after a scope check."""

import json
from typing import Any, TypeVar

from django.http import HttpRequest
from ninja import Schema
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError
from pydantic import ValidationError as PydanticValidationError


class ErrorOut(Schema):
    """Every API error: a sentence, and a message per field or item id where there is one."""

    detail: str
    errors: dict[str, str] = {}


In = TypeVar("In", bound=Schema)


def read_body(request: HttpRequest, schema: type[In]) -> In:
    """The JSON body as `schema`, read by the view itself (after its scope's 404): 400 when it is
    not JSON, 422 with a message per field when it does not fit."""
    try:
        data = json.loads(request.body or b"null")
    except (ValueError, RecursionError):
        raise HttpError(400, "Cannot parse request body") from None
    if not isinstance(data, dict):
        errors = [{"loc": ("body",), "msg": "Send a JSON object.", "type": "dict_type"}]
        raise NinjaValidationError(errors)
    try:
        return schema.model_validate(data)
    except PydanticValidationError as exc:
        errors = [{**e, "loc": ("body", *e["loc"])} for e in exc.errors()]
        raise NinjaValidationError(errors) from None


def body_schema(schema: type[Schema]) -> dict[str, Any]:
    """The OpenAPI requestBody (`openapi_extra`) of a view that reads its body with `read_body`."""
    return {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": schema.model_json_schema()}},
        }
    }
