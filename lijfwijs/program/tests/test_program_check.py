"""`manage.py check` refuses a program that names an exercise the catalog does not have."""

from django.core.management import call_command

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
