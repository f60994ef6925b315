"""Program API: the caller's place in the 5-step program, and going on to the next step.

Signed in through the pages' session (accounts.api_auth); going on also needs the CSRF token
(X-CSRFToken header), a JSON body and the consent for health data. What is missing before the
next step opens is named by reason and explained in the language of the request
(Accept-Language), as on the step page.
"""

from typing import Any, Literal

from django.http import HttpRequest
from django.urls import reverse
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from pydantic import Field

from lijfwijs.accounts.api_auth import SignedIn
from lijfwijs.core.i18n import pick
from lijfwijs.core.schemas import ErrorOut
from lijfwijs.exercises.models import Exercise

from . import program, services
from .forms import missing_texts

router = Router(tags=["program"], auth=SignedIn(consent="Following the program"))

Reason = Literal["days", "reflection", "held", "last"]


class SuggestionOut(Schema):
    slug: str
    name: str
    url: str = Field(description="The exercise's player page.")


class ProgramOut(Schema):
    started: bool = Field(
        description="false: the caller has no place in the program (not a client, or no consent "
        "for health data); the step is where they would start."
    )
    step: int = Field(ge=1, le=program.LAST_STEP, description="The current step, 1-5.")
    name: str = Field(description="The step's name, in the language of the request.")
    goal: str
    url: str = Field(description="The step's page.")
    practice_days: int = Field(description="Days with a logged practice in this step.")
    required_days: int
    answered_prompts: int
    prompts: int
    reflection_done: bool
    override: Literal["", "unlock", "hold"] = Field(
        description="A practitioner opened the next step early (unlock) or holds this one."
    )
    may_advance: bool
    missing: dict[Reason, str] = Field(
        description="What keeps the next step closed, by reason, explained in the language of "
        "the request; empty when the caller may go on."
    )
    today: SuggestionOut | None = Field(description="Today's suggested exercise in the step.")


class AdvanceIn(Schema):
    from_step: int = Field(
        ge=1,
        le=program.LAST_STEP,
        description="The step the caller is in (as they saw it): a repeat moves them once.",
    )


def _out(user: Any, state: services.ProgramState | None) -> dict[str, Any]:
    if state is None:
        start = program.start_step(services.pijntest_recommendations(user).get("program_step"))
        step = program.step(start)
        status = program.advance_status(start, 0, (), step.prompt_keys)
        override, today = "", None
    else:
        step = program.step(state.current_step)
        status, override = state.status, state.override
        slug = services.today_suggestion(user, state)
        exercise = Exercise.objects.active().filter(slug=slug).first() if slug else None
        today = exercise and {
            "slug": exercise.slug,
            "name": exercise.name,
            "url": reverse("exercises:play", kwargs={"slug": exercise.slug}),
        }
    return {
        "started": state is not None,
        "step": step.number,
        "name": pick(step.name),
        "goal": pick(step.goal),
        "url": reverse("program:step", kwargs={"number": step.number}),
        "practice_days": status.practice_days,
        "required_days": status.required_days,
        "answered_prompts": len(status.answered),
        "prompts": len(status.prompts),
        "reflection_done": status.reflection_done,
        "override": override,
        "may_advance": status.may_advance,
        "missing": missing_texts(status),
        "today": today,
    }


@router.get(
    "/program",
    response={200: ProgramOut, 401: ErrorOut},
    summary="The caller's place in the 5-step program",
    description="A client with consent for health data is started on the first call, at the "
    "step their latest Pijntest suggests.",
)
def get_program(request: HttpRequest) -> dict[str, Any]:
    return _out(request.user, services.program_state(request.user))


@router.post(
    "/program/advance",
    response={
        200: ProgramOut,
        400: ErrorOut,
        401: ErrorOut,
        403: ErrorOut,
        409: ErrorOut,
        415: ErrorOut,
        422: ErrorOut,
    },
    summary="Go on to the next step",
    description="Allowed after 5 days with practice in the step and every reflection prompt "
    "answered, or when a practitioner opened the next step. Sent again after the step moved "
    "(a double click, a second device), it answers the new step and changes nothing. 409 when "
    "the next step is not open yet, with what is missing in `errors`.",
)
def advance(request: HttpRequest, payload: AdvanceIn) -> Any:
    user = request.user
    state = services.program_state(user)
    if state is None:
        raise HttpError(403, "The program is for clients.")
    if services.advance(user, payload.from_step):
        return _out(user, services.program_state(user))
    state = services.program_state(user)
    if state is not None and state.current_step > payload.from_step:
        return _out(user, state)
    if state is None or state.current_step < payload.from_step:
        return Status(409, {"detail": f"Step {payload.from_step} is not open yet.", "errors": {}})
    return Status(
        409,
        {"detail": "The next step is not open yet.", "errors": missing_texts(state.status)},
    )
