"""API schemas shared by every app's router."""

from ninja import Schema


class ErrorOut(Schema):
    """Every API error: a sentence, and a message per field or item id where there is one."""

    detail: str
    errors: dict[str, str] = {}
