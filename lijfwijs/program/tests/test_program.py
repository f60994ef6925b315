"""The 5-step program, pure: its content files, the rule for going on, where to start and today's
suggestion (no Django; hypothesis for the rule's properties)."""

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lijfwijs.program import program
from lijfwijs.program.program import HOLD, LAST_STEP, REQUIRED_DAYS, UNLOCK, ProgramError

# --- the shipped content ---------------------------------------------------------------------------


def test_the_shipped_program_has_five_steps_in_both_languages():
    steps = program.read_program()
    assert [s.number for s in steps] == [1, 2, 3, 4, 5]
    assert [s.name["nl"] for s in steps] == [
        "Herkenning",
        "Regulatie",
        "Grenzen",
        "Verbinding",
        "Integratie",
    ]
    assert [s.name["en"] for s in steps] == [
        "Recognition",
        "Regulation",
        "Boundaries",
        "Connection",
        "Integration",
    ]
    for step in steps:
        assert 2 <= len(step.lessons) <= 4
        assert 2 <= len(step.prompts) <= 3
        assert step.exercises
        # a goal is one sentence
        for lang in ("nl", "en"):
            assert step.goal[lang].count(".") == 1 and step.goal[lang].endswith(".")
            for lesson in step.lessons:
                assert lesson.title[lang] and lesson.body[lang]
    assert [s.setback_plan for s in steps] == [False, False, False, False, True]
    assert program.setback_plan_step() == 5


def test_the_content_educates_and_never_claims_to_diagnose_or_treat():
    words = ("diagnos", "genees", "geneest", "behandelt je", "cure", "treats you", "therapy result")
    for step in program.read_program():
        texts = [step.goal["nl"], step.goal["en"]]
        for lesson in step.lessons:
            texts += lesson.body["nl"] + lesson.body["en"]
        for text in texts:
            assert not any(w in text.lower() for w in words), text


def test_step_5_sends_people_to_their_gp_when_pain_changes():
    lessons = " ".join(" ".join(lesson.body["nl"]) for lesson in program.step(5).lessons)
    assert "huisarts" in lessons


# --- parsing errors ------------------------------------------------------------------------------

GOOD = """
number = 1
key = "een"
exercises = ["bodyscan"]
[name]
nl = "Een"
en = "One"
[goal]
nl = "Doel."
en = "Goal."
[[lessons]]
key = "a"
[lessons.title]
nl = "A"
en = "A"
[lessons.body]
nl = ["Tekst."]
en = ["Text."]
[[lessons]]
key = "b"
[lessons.title]
nl = "B"
en = "B"
[lessons.body]
nl = ["Tekst."]
en = ["Text."]
[[prompts]]
key = "vraag"
nl = "Vraag?"
en = "Question?"
"""


def write(tmp_path: Path, text: str, name: str = "1-een.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_good_file_parses(tmp_path):
    step = program.parse_step(write(tmp_path, GOOD))
    assert step.number == 1 and step.key == "een" and step.exercises == ("bodyscan",)
    assert [lesson.key for lesson in step.lessons] == ["a", "b"]
    assert step.prompt_keys == frozenset({"vraag"})
    assert step.lessons[0].body == {"nl": ["Tekst."], "en": ["Text."]}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("number = 1", "number = 6"), "number: Input should be less than or equal to 5"),
        (("number = 1", 'number = "1"'), "number: Input should be a valid integer"),
        (('en = "One"', 'en = ""'), "name.en: String should have at least 1 character"),
        (('nl = "Doel."', 'de = "Ziel."'), "goal.nl: Field required"),
        (('nl = ["Tekst."]', 'nl = "Tekst."'), "lessons[0].body.nl"),
        (('nl = ["Tekst."]', "nl = []"), "lessons[0].body.nl"),
        (('key = "b"', 'key = "a"'), "lesson keys must be unique"),
        (('key = "vraag"', 'key = "een vraag?"'), "short slugs"),
        (('exercises = ["bodyscan"]', "exercises = []"), "exercises: List should have at least 1"),
        (
            ('exercises = ["bodyscan"]', 'exercises = ["bodyscan", "bodyscan"]'),
            "each exercise once",
        ),
        (
            ('exercises = ["bodyscan"]', "exercises = [3]"),
            "exercises[0]: Input should be a valid string",
        ),
    ],
)
def test_malformed_files_are_refused_with_the_file_and_the_problem(tmp_path, change, message):
    old, new = change
    assert old in GOOD
    with pytest.raises(ProgramError) as caught:
        program.parse_step(write(tmp_path, GOOD.replace(old, new, 1)))
    assert message in str(caught.value) and "1-een.toml" in str(caught.value)


def test_a_step_needs_two_to_four_lessons_and_a_prompt(tmp_path):
    one_lesson = GOOD[: GOOD.index('[[lessons]]\nkey = "b"')] + GOOD[GOOD.index("[[prompts]]") :]
    with pytest.raises(ProgramError, match="lessons: List should have at least 2 items"):
        program.parse_step(write(tmp_path, one_lesson))
    no_prompt = GOOD[: GOOD.index("[[prompts]]")]
    with pytest.raises(ProgramError, match="prompts: Field required"):
        program.parse_step(write(tmp_path, no_prompt))
    two_prompts = GOOD + '[[prompts]]\nkey = "vraag"\nnl = "Nog?"\nen = "More?"\n'
    with pytest.raises(ProgramError, match="prompt keys must be unique"):
        program.parse_step(write(tmp_path, two_prompts))


def test_the_program_needs_exactly_steps_1_to_5(tmp_path):
    for n in range(1, 5):
        write(tmp_path, GOOD.replace("number = 1", f"number = {n}"), f"{n}.toml")
    with pytest.raises(ProgramError, match="exactly the steps 1-5"):
        program.read_program(tmp_path)
    write(tmp_path, GOOD.replace("number = 1", "number = 4"), "5.toml")
    with pytest.raises(ProgramError, match="exactly the steps 1-5"):
        program.read_program(tmp_path)
    write(tmp_path, GOOD.replace("number = 1", "number = 5"), "5.toml")
    assert [s.number for s in program.read_program(tmp_path)] == [1, 2, 3, 4, 5]


def test_broken_toml_is_an_error(tmp_path):
    import tomllib

    with pytest.raises(tomllib.TOMLDecodeError):
        program.parse_step(write(tmp_path, "number = "))


# --- the rule ------------------------------------------------------------------------------------

PROMPTS = ("a", "b")


def status(step=1, days=0, answered=(), override="", prompts=PROMPTS):
    return program.advance_status(step, days, answered, prompts, override)


def test_five_days_and_every_prompt_answered_open_the_next_step():
    assert status(days=5, answered=PROMPTS).may_advance
    assert status(days=4, answered=PROMPTS).missing == ("days",)
    assert status(days=5, answered=("a",)).missing == ("reflection",)
    assert status(days=0).missing == ("days", "reflection")
    assert status(days=9, answered=("a", "b", "stray")).may_advance


def test_what_the_status_reports():
    s = status(step=2, days=7, answered=("a", "stray"))
    assert s.days_done == REQUIRED_DAYS and s.practice_days == 7
    assert s.answered == frozenset({"a"}) and not s.reflection_done
    assert status(days=3).days_done == 3


def test_a_practitioners_unlock_opens_and_a_hold_closes():
    assert status(days=0, override=UNLOCK).may_advance
    held = status(days=9, answered=PROMPTS, override=HOLD)
    assert not held.may_advance and held.missing == ("held",)


def test_the_last_step_has_no_next_one_whatever_happens():
    for override in ("", UNLOCK, HOLD):
        last = status(step=LAST_STEP, days=30, answered=PROMPTS, override=override)
        assert last.missing == ("last",) and not last.may_advance


overrides = st.sampled_from(["", UNLOCK, HOLD])
answered_sets = st.sets(st.sampled_from(["a", "b", "c", "x"]))


@given(
    step=st.integers(1, LAST_STEP),
    days=st.integers(0, 60),
    more=st.integers(0, 60),
    answered=answered_sets,
    override=overrides,
)
def test_more_practice_days_never_close_a_step(step, days, more, answered, override):
    if status(step, days, answered, override).may_advance:
        assert status(step, days + more, answered, override).may_advance


@given(
    step=st.integers(1, LAST_STEP),
    days=st.integers(0, 60),
    answered=answered_sets,
    extra=answered_sets,
    override=overrides,
)
def test_more_answers_never_close_a_step(step, days, answered, extra, override):
    if status(step, days, answered, override).may_advance:
        assert status(step, days, answered | extra, override).may_advance


@given(step=st.integers(1, LAST_STEP), days=st.integers(0, 60), answered=answered_sets)
def test_overrides_order_the_outcomes(step, days, answered):
    plain = status(step, days, answered).may_advance
    unlocked = status(step, days, answered, UNLOCK).may_advance
    held = status(step, days, answered, HOLD).may_advance
    assert not held
    assert unlocked >= plain
    assert unlocked == (step < LAST_STEP)


@given(
    step=st.integers(1, LAST_STEP),
    days=st.integers(0, 60),
    answered=answered_sets,
    override=overrides,
)
def test_may_advance_exactly_when_nothing_is_missing(step, days, answered, override):
    s = status(step, days, answered, override)
    assert s.may_advance == (not s.missing)
    assert set(s.missing) <= {"days", "reflection", "held", "last"}
    if override == "" and step < LAST_STEP:
        assert ("days" in s.missing) == (days < REQUIRED_DAYS)
        assert ("reflection" in s.missing) == (not set(PROMPTS) <= answered)


# --- where to start, how a step stands -------------------------------------------------------------


@pytest.mark.parametrize(
    ("recommended", "start"),
    [(None, 1), (1, 1), (3, 3), (5, 5), (0, 1), (6, 1), ("2", 1), (2.0, 1), (True, 1)],
)
def test_the_start_step_is_the_suggestion_when_it_is_a_step(recommended, start):
    assert program.start_step(recommended) == start


def test_how_a_step_stands():
    assert [program.step_state(n, 1, 3) for n in range(1, 6)] == [
        "done",
        "done",
        "current",
        "locked",
        "locked",
    ]
    assert [program.step_state(n, 3, 3) for n in range(1, 6)] == [
        "open",
        "open",
        "current",
        "locked",
        "locked",
    ]


# --- today's suggestion ----------------------------------------------------------------------------

slugs = st.lists(st.sampled_from(["a", "b", "c", "d", "e", "f"]), unique=True)


@given(
    step_exercises=slugs.filter(bool),
    recommended=slugs,
    day=st.integers(0, 800_000),
    done=slugs,
)
def test_the_suggestion_is_always_an_exercise_of_the_step(step_exercises, recommended, day, done):
    picked = program.suggestion(step_exercises, recommended, day, done)
    assert picked in step_exercises
    fresh = [s for s in step_exercises if s not in done]
    if fresh:
        assert picked not in done  # something not done today while there is one


@given(step_exercises=slugs.filter(bool), recommended=slugs, day=st.integers(0, 800_000))
def test_the_pijntests_exercises_in_the_step_come_first(step_exercises, recommended, day):
    preferred = [s for s in recommended if s in step_exercises]
    picked = program.suggestion(step_exercises, recommended, day)
    if preferred:
        assert picked in preferred


def test_the_suggestion_changes_from_day_to_day_and_needs_exercises():
    assert program.suggestion([], ["a"], 1) is None
    picks = {program.suggestion(["a", "b", "c"], [], day) for day in range(3)}
    assert picks == {"a", "b", "c"}
    assert program.suggestion(["a", "b"], [], 0, done_today=["a", "b"]) in ("a", "b")
