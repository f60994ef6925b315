"""`manage.py check` refuses a program that names an exercise the catalog does not have."""

import re
from dataclasses import replace

import pytest
from django.core.management import call_command

from lijfwijs.exercises import content
from lijfwijs.program import checks, program


def test_the_shipped_program_names_only_catalog_exercises():
    assert checks.problems() == []
    assert checks.program_exercises() == []
    call_command("check", "--fail-level", "ERROR")  # raises SystemCheckError otherwise


def test_a_missing_or_inactive_exercise_is_named_per_step():
    steps = program.read_program()
    catalog = [{"slug": slug, "is_active": True} for s in steps for slug in s.exercises]
    assert checks.problems(steps, catalog) == []
    without = [c for c in catalog if c["slug"] != "bodyscan"]
    found = checks.problems(steps, without)
    assert len(found) == sum("bodyscan" in s.exercises for s in steps) > 0
    assert all("'bodyscan'" in p and "the catalog does not have" in p for p in found)
    inactive = [{**c, "is_active": c["slug"] != "gronden"} for c in catalog]
    assert [p for p in checks.problems(steps, inactive) if "'gronden'" in p]


def test_an_unreadable_program_is_reported(tmp_path, monkeypatch):
    (tmp_path / "1-herkenning.toml").write_text("number = ", encoding="utf-8")
    shipped = program.read_program
    monkeypatch.setattr(program, "read_program", lambda: shipped(tmp_path))
    errors = checks.program_exercises()
    assert len(errors) == 1 and errors[0].id == "program.E001"
    (tmp_path / "1-herkenning.toml").write_text("number = 1", encoding="utf-8")
    assert checks.problems()[0] == "1-herkenning.toml: name: Field required"


def _with_paragraph(step: program.Step, text: str) -> program.Step:
    lesson = step.lessons[0]
    body = {**lesson.body, "nl": [*lesson.body["nl"], text]}
    return replace(step, lessons=(replace(lesson, body=body), *step.lessons[1:]))


@pytest.mark.parametrize(
    "text",
    [
        "Koppel een oefening aan iets wat je toch al doet: als je in de auto stapt.",
        "Doe het op gewone momenten: in de file, op je werk.",
        "Link an exercise to something you already do: when you get into the car.",
        "Now it is about doing that at ordinary moments: in a traffic jam, at work.",
        "Adem rustig uit terwijl je naar je werk rijdt.",
        "Try 4-7-8 breathing while driving home.",
    ],
)
def test_a_program_text_suggesting_an_exercise_while_driving_fails_the_check(text, monkeypatch):
    steps = program.read_program()
    changed = (_with_paragraph(steps[0], text), *steps[1:])
    found = checks.problems(changed, content.read_catalog())
    assert len(found) == 1 and "mentions driving" in found[0] and "step 1" in found[0]
    monkeypatch.setattr(program, "read_program", lambda: changed)
    assert [e.id for e in checks.program_exercises()] == ["program.E001"]


@pytest.mark.parametrize(
    "text",
    [
        "Of in de geparkeerde auto voordat je wegrijdt (nooit tijdens het rijden).",
        "Or in the parked car before you set off.",
        "Breathing exercises are not for the road: never while driving.",
        "Dit gaat automatisch; je autonome zenuwstelsel regelt het.",
        "Keep a profile of what helps, carefully.",
    ],
)
def test_driving_with_its_safety_words_or_look_alike_words_pass(text):
    steps = program.read_program()
    found = checks.problems((_with_paragraph(steps[0], text), *steps[1:]), content.read_catalog())
    assert found == []


def test_the_shipped_steps_2_and_5_no_longer_suggest_the_car_or_a_traffic_jam():
    texts = " ".join(text for step in program.read_program() for _, text in checks.texts_of(step))
    assert "in de auto stapt" not in texts and "get into the car" not in texts
    assert "in de file" not in texts and "traffic jam" not in texts
    assert "geparkeerde auto voordat je wegrijdt" in texts and "parked car" in texts


def test_an_exercise_without_its_cautions_fails_the_check():
    catalog = content.read_catalog()
    assert checks.caution_problems(catalog) == []
    stripped = [
        {**entry, "safety": []} if entry["slug"] in ("box-ademhaling", "bodyscan") else entry
        for entry in catalog
    ]
    found = checks.caution_problems(stripped)
    assert sorted(found) == [
        "the exercise 'bodyscan' lacks its cautions ['trauma']",
        "the exercise 'box-ademhaling' lacks its cautions "
        "['stop_signs', 'not_driving', 'breath_holds', 'panic']",
    ]
    without_grounding = [e for e in catalog if e["slug"] != "gronden"]
    assert any("'gronden'" in p for p in checks.caution_problems(without_grounding))


ATTRIBUTING = re.compile(
    r"weefsel (al )?hersteld|tissue (has )?(already )?healed|wordt gemaakt door|mainly made"
    r"|brings? (you )?the most|het meeste rust|het meest helpen|help you most|\bzal\b|\bzullen\b"
    r"|\bgeneest\b|\bcures?\b|\bheals?\b|there will be|komen er dagen",
    re.IGNORECASE,
)


def test_program_steps_and_exercises_describe_and_never_predict():
    texts = [text for step in program.read_program() for _, text in checks.texts_of(step)]
    for entry in content.read_catalog():
        for lang in ("nl", "en"):
            texts += [entry[f"summary_{lang}"], *entry[f"steps_{lang}"], *entry[f"cautions_{lang}"]]
    found = [(m.group(0), text) for text in texts if (m := ATTRIBUTING.search(text))]
    assert found == []


def test_the_setback_lesson_names_when_to_contact_the_gp():
    step = program.read_program()[4]
    body = " ".join(" ".join(lesson.body["nl"]) for lesson in step.lessons)
    assert "plassen, ontlasting" in body and "koorts" in body and "meteen" in body
    body = " ".join(" ".join(lesson.body["en"]) for lesson in step.lessons)
    assert "passing urine" in body and "fever" in body and "at once" in body
