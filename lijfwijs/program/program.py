"""The 5-step program, pure: its content from steps/*.toml and the one rule for going on.

No Django here: plain data in, plain data out (architecture.md); a step's file is read into a
pydantic model, so a malformed one is refused naming the file and the field. The pages, the API and the
practitioner's controls all ask `advance_status`; nothing else decides whether a step may end.
"""

import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)

PROGRAM_DIR = Path(__file__).resolve().parent / "steps"
LANGUAGES = ("nl", "en")
LAST_STEP = 5
REQUIRED_DAYS = 5  # days with a logged practice while the step is the current one

UNLOCK = "unlock"  # a practitioner let the client go on early
HOLD = "hold"  # a practitioner asked the client to stay in this step for now


class ProgramError(ValueError):
    """A program file is malformed (the message names the file and the problem)."""


@dataclass(frozen=True)
class Lesson:
    key: str
    title: dict[str, str]
    body: dict[str, list[str]]  # paragraphs per language


@dataclass(frozen=True)
class Prompt:
    key: str
    text: dict[str, str]


@dataclass(frozen=True)
class Step:
    number: int
    key: str
    name: dict[str, str]
    goal: dict[str, str]
    lessons: tuple[Lesson, ...]
    exercises: tuple[str, ...]  # catalog slugs, in the order they are offered
    prompts: tuple[Prompt, ...]
    setback_plan: bool = False  # step 5: the client writes their own setback plan

    @property
    def prompt_keys(self) -> frozenset[str]:
        return frozenset(p.key for p in self.prompts)


Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


def _short_slug(key: str) -> str:
    if not (key and key.replace("-", "").isalnum() and len(key) <= 40):
        raise ValueError("lesson and prompt keys must be short slugs")
    return key


Key = Annotated[str, AfterValidator(_short_slug)]


class _Data(BaseModel):
    """Strict types (1 is not "1"); keys a model does not name are left alone."""

    model_config = ConfigDict(strict=True, extra="ignore", frozen=True)


class _Texts(_Data):
    nl: Text
    en: Text


class _Paragraphs(_Data):
    nl: Annotated[list[Text], Field(min_length=1)]
    en: Annotated[list[Text], Field(min_length=1)]


class _Lesson(_Data):
    key: Key
    title: _Texts
    body: _Paragraphs


class _Prompt(_Data):
    key: Key
    nl: Text
    en: Text


class StepFile(_Data):
    """One step's file (steps/*.toml)."""

    number: Annotated[int, Field(ge=1, le=LAST_STEP)]
    key: str = ""
    name: _Texts
    goal: _Texts
    lessons: Annotated[list[_Lesson], Field(min_length=2, max_length=4)]
    exercises: Annotated[list[Text], Field(min_length=1)]  # catalog slugs
    prompts: Annotated[list[_Prompt], Field(min_length=1)]
    setback_plan: bool = False

    @model_validator(mode="after")
    def _each_once(self) -> "StepFile":
        if len({p.key for p in self.prompts}) != len(self.prompts):
            raise ValueError("prompt keys must be unique")
        if len({lesson.key for lesson in self.lessons}) != len(self.lessons):
            raise ValueError("lesson keys must be unique")
        if len(set(self.exercises)) != len(self.exercises):
            raise ValueError("a step names each exercise once")
        return self


def _where(loc: tuple[Any, ...]) -> str:
    """("lessons", 0, "body", "nl") → "lessons[0].body.nl"."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else f".{part}" if text else str(part)
    return text


def _problem(error: ValidationError) -> str:
    first = error.errors(include_url=False)[0]
    message = str(first["ctx"]["error"]) if first["type"] == "value_error" else first["msg"]
    where = _where(tuple(first["loc"]))
    return f"{where}: {message}" if where else message


def _texts(texts: Any) -> dict[str, str]:
    return {lang: getattr(texts, lang) for lang in LANGUAGES}


def parse_step(path: Path) -> Step:
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    try:
        found = StepFile.model_validate(data)
    except ValidationError as error:
        raise ProgramError(f"{path.name}: {_problem(error)}") from None
    return Step(
        number=found.number,
        key=found.key,
        name=_texts(found.name),
        goal=_texts(found.goal),
        lessons=tuple(
            Lesson(key=lesson.key, title=_texts(lesson.title), body=_texts(lesson.body))
            for lesson in found.lessons
        ),
        exercises=tuple(found.exercises),
        prompts=tuple(Prompt(key=p.key, text=_texts(p)) for p in found.prompts),
        setback_plan=found.setback_plan,
    )


def read_program(directory: Path = PROGRAM_DIR) -> tuple[Step, ...]:
    steps = tuple(sorted((parse_step(p) for p in directory.glob("*.toml")), key=lambda s: s.number))
    if [s.number for s in steps] != list(range(1, LAST_STEP + 1)):
        raise ProgramError(f"the program needs exactly the steps 1-{LAST_STEP}")
    return steps


@cache
def steps() -> tuple[Step, ...]:
    """The shipped program, read once per process."""
    return read_program()


def step(number: int) -> Step:
    return steps()[number - 1]


DONE, OPEN, CURRENT, LOCKED = "done", "open", "current", "locked"


def step_state(number: int, start_step: int, current_step: int) -> str:
    """How a step stands for someone: DONE (gone through), OPEN (before where they started: free
    to read), CURRENT, or LOCKED (not reached yet)."""
    if number == current_step:
        return CURRENT
    if number > current_step:
        return LOCKED
    return DONE if number >= start_step else OPEN


def setback_plan_step(program: Sequence[Step] | None = None) -> int:
    """The step in which the client writes their setback plan (the last one if none says so)."""
    return next((s.number for s in program or steps() if s.setback_plan), LAST_STEP)


@dataclass(frozen=True)
class AdvanceStatus:
    """Whether the client may go on from `step`, and what is still missing if not."""

    step: int
    practice_days: int
    answered: frozenset[str]
    prompts: frozenset[str]
    override: str = ""
    required_days: int = REQUIRED_DAYS
    missing: tuple[str, ...] = field(default=())  # "days", "reflection", "held", "last"

    @property
    def may_advance(self) -> bool:
        return not self.missing

    @property
    def days_done(self) -> int:
        return min(self.practice_days, self.required_days)

    @property
    def reflection_done(self) -> bool:
        return self.prompts <= self.answered


def advance_status(
    current_step: int,
    practice_days: int,
    answered_prompts: Iterable[str],
    prompt_keys: Iterable[str],
    override: str = "",
) -> AdvanceStatus:
    """The rule: the next step opens after `REQUIRED_DAYS` days with a logged practice in the current
    step and every reflection prompt of the step answered. A practitioner's UNLOCK opens it now; a
    HOLD keeps it closed whatever the practice. The last step has no next one."""
    answered, prompts = frozenset(answered_prompts), frozenset(prompt_keys)
    missing: list[str] = []
    if current_step >= LAST_STEP:
        missing.append("last")
    elif override == HOLD:
        missing.append("held")
    elif override != UNLOCK:
        if practice_days < REQUIRED_DAYS:
            missing.append("days")
        if not prompts <= answered:
            missing.append("reflection")
    return AdvanceStatus(
        step=current_step,
        practice_days=practice_days,
        answered=answered & prompts,
        prompts=prompts,
        override=override,
        missing=tuple(missing),
    )


def start_step(recommended: int | None) -> int:
    """Where a new client starts: the Pijntest's suggestion when it is a valid step, else step 1."""
    return recommended if isinstance(recommended, int) and 1 <= recommended <= LAST_STEP else 1


def suggestion(
    step_exercises: Sequence[str],
    recommended: Sequence[str],
    day_ordinal: int,
    done_today: Iterable[str] = (),
) -> str | None:
    """Today's suggested exercise within a step.

    The Pijntest's recommended exercises that belong to the step come first; of those (or of all the
    step's exercises when none was recommended) one is picked by the day, so the suggestion changes
    from day to day, leaving out what was already done today while something else is left.
    """
    if not step_exercises:
        return None
    preferred = [slug for slug in recommended if slug in step_exercises]
    pool = preferred or list(step_exercises)
    done = set(done_today)
    fresh = [slug for slug in pool if slug not in done] or [
        slug for slug in step_exercises if slug not in done
    ]
    candidates = fresh or pool
    return candidates[day_ordinal % len(candidates)]
