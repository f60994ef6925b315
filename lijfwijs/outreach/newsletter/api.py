"""Newsletter's part of the REST API (mounted at /api/v1/newsletter/ in lijfwijs/api/api.py).

- `GET  /lists`    the lists of the installation's practice a person can choose from
- `POST /signups`  sign up with double opt-in, as the sign-up page does: the answer is the same
                   202 for every address (new, pending, subscribed, unsubscribed, undeliverable)

A signed-in caller's write needs the CSRF token (the session cookie acts for the person).
"""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from ninja.utils import check_csrf
from pydantic import Field

from lijfwijs.core.i18n import current_language
from lijfwijs.core.ratelimit import client_address, hit
from lijfwijs.core.schemas import ErrorOut, body_schema, read_body

from . import services
from .models import Subscriber
from .views import SIGNUPS_PER_ADDRESS

router = Router(tags=["newsletter"])


class ListOut(Schema):
    id: int
    name: str
    description: str
    kind: str


class SignUpIn(Schema):
    email: str = Field(max_length=254)
    name: str = Field("", max_length=120)
    lists: list[int] | None = Field(
        None,
        max_length=50,
        description="The lists chosen (ids from GET /lists); the general list when left out.",
    )


class SignUpOut(Schema):
    detail: str


@router.get("/lists", response=list[ListOut], summary="The lists a person can choose")
def lists(request: HttpRequest) -> Any:
    """The newsletter's lists of the installation's practice (none when it has no practice)."""
    practice = services.public_practice()
    if practice is None:
        return []
    services.default_lists(practice)
    return [
        {"id": nl.pk, "name": nl.name, "description": nl.description, "kind": nl.kind}
        for nl in services.lists_of(practice)
    ]


@router.post(
    "/signups",
    response={202: SignUpOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    summary="Sign up for the newsletter (double opt-in)",
    description=(
        "Sends a confirmation link to the address; it is subscribed only once the link is "
        "followed. The answer is the same for every address, known or not. Limited per client "
        "address (429)."
    ),
    openapi_extra=body_schema(SignUpIn),
)
def signup(request: HttpRequest) -> Any:
    if request.user.is_authenticated and check_csrf(request) is not None:
        raise HttpError(403, "CSRF check failed: send the X-CSRFToken header.")
    if request.content_type != "application/json":
        raise HttpError(415, "Send the body as application/json.")
    payload = read_body(request, SignUpIn)
    practice = services.public_practice()
    if practice is None:
        return Status(404, {"detail": "This site has no newsletter yet."})
    errors: dict[str, str] = {}
    email = payload.email.strip()
    try:
        validate_email(email)
    except DjangoValidationError:
        errors["email"] = _("Vul een geldig e-mailadres in, bijvoorbeeld naam@voorbeeld.nl.")
    list_ids = None
    if payload.lists is not None:
        known = set(services.lists_of(practice).values_list("pk", flat=True))
        list_ids = list(dict.fromkeys(payload.lists))
        if not list_ids or not set(list_ids) <= known:
            errors["lists"] = _("Kies minstens één onderwerp.")
    if errors:
        return Status(422, {"detail": "The sign-up is not valid.", "errors": errors})
    if not hit("newsletter-from", client_address(request), SIGNUPS_PER_ADDRESS, services.HOUR):
        return Status(429, {"detail": "Too many sign-ups from this address; try again later."})
    services.sign_up(
        practice,
        email,
        name=payload.name,
        language=current_language(),
        source=Subscriber.Source.API,
        list_ids=list_ids,
    )
    return Status(
        202,
        {
            "detail": _(
                "Kijk in je e-mail: bevestig daar je aanmelding. Pas daarna krijg je de nieuwsbrief."
            )
        },
    )
