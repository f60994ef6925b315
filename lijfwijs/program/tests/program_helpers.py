"""People, practice and answers for the program tests, made through the real services."""

from datetime import timedelta

from django.utils import timezone

from lijfwijs.accounts.models import User
from lijfwijs.exercises import services as practice
from lijfwijs.exercises.models import Exercise
from lijfwijs.exercises.tests.log_factories import browser, person
from lijfwijs.program import program, services

# the practice log's people: a client without a password (the tests sign in with force_login)
client_user = person
signed_in = browser


def practise_days(
    user: User, days: int, slug: str = "bodyscan", before: int | None = 6, after: int | None = 4
) -> None:
    """One logged practice on each of the last `days` days (today included), in the person's
    current step."""
    exercise = Exercise.objects.get(slug=slug)
    now = timezone.now()
    for n in range(days):
        practice.log_session(
            user,
            exercise,
            seconds=300,
            completed=True,
            tension_before=before,
            tension_after=after,
            started_at=now - timedelta(days=n, minutes=10),
        )


def answer_all(user: User, step: int, text: str = "Mijn schouders gaan omhoog.") -> None:
    for prompt in program.step(step).prompts:
        services.save_reflection(user, step, prompt.key, f"{text} ({prompt.key})")


def ready_to_go_on(user: User, step: int = 1) -> None:
    """The rule met in `step`: five days of practice and every prompt answered."""
    assert services.ensure_progress(user).current_step == step
    practise_days(user, program.REQUIRED_DAYS)
    answer_all(user, step)
