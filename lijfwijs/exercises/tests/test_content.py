"""The exercise catalog: loading is idempotent and the content follows docs/clinical.md."""

import re
import shutil

import pytest

from lijfwijs.exercises import content
from lijfwijs.exercises.models import Exercise, ExerciseKind

REQUIRED_SLUGS = {
    "4-7-8-ademhaling",
    "rustig-ademen",
    "box-ademhaling",
    "fysiologische-zucht",
    "schudden",
    "vuist-contrast",
    "progressieve-ontspanning",
    "bodyscan",
    "niets-doen",
    "gronden",
    "somatisch-volgen",
}

# Words the product never uses about itself (docs/clinical.md); "behandelaar" is allowed.
FORBIDDEN = re.compile(
    r"\b(diagnos\w*|genees\w*|genez\w*|cure[sd]?|curing|treat\w*|therapieresultaat\w*"
    r"|behandel(?!aar)\w*|predict\w*|voorspel\w*|detect\w*)",
    re.IGNORECASE,
)


@pytest.fixture
def catalog(db):
    content.load()


def _snapshot():
    return sorted(Exercise.objects.values_list(), key=lambda row: row[0])


def _texts(exercise, lang):
    cues = [cue[lang] for cue in exercise.parameters.get("cues", [])]
    return [
        getattr(exercise, f"name_{lang}"),
        getattr(exercise, f"summary_{lang}"),
        *getattr(exercise, f"steps_{lang}"),
        *getattr(exercise, f"cautions_{lang}"),
        *cues,
    ]


def _phases(slug):
    return Exercise.objects.get(slug=slug).parameters["phases"]


@pytest.mark.django_db
def test_loading_twice_changes_nothing():
    first = content.load()
    before = _snapshot()
    second = content.load()
    assert first == second == len(REQUIRED_SLUGS)
    assert Exercise.objects.count() == len(REQUIRED_SLUGS)
    assert _snapshot() == before


def test_every_required_exercise_is_present_and_active(catalog):
    active = set(Exercise.objects.active().filter(builtin=True).values_list("slug", flat=True))
    assert active == REQUIRED_SLUGS


@pytest.mark.django_db
def test_exercise_removed_from_catalog_is_deactivated_not_deleted(tmp_path):
    content.load()
    for path in content.CATALOG_DIR.glob("*.toml"):
        if path.stem != "gronden":
            shutil.copy(path, tmp_path / path.name)
    assert content.load(tmp_path) == len(REQUIRED_SLUGS) - 1
    grounding = Exercise.objects.get(slug="gronden")
    assert not grounding.is_active
    assert Exercise.objects.count() == len(REQUIRED_SLUGS)
    content.load()
    grounding.refresh_from_db()
    assert grounding.is_active


@pytest.mark.django_db
def test_loader_changes_only_what_the_file_changes():
    content.load()
    Exercise.objects.filter(slug="bodyscan").update(name_en="Edited by hand", sort_order=999)
    content.load()
    body_scan = Exercise.objects.get(slug="bodyscan")
    assert body_scan.name_en == "Body scan"
    assert body_scan.sort_order == 70


def test_478_is_4_7_8_with_4_cycles_at_most_8(catalog):
    exercise = Exercise.objects.get(slug="4-7-8-ademhaling")
    assert [(p["phase"], p["seconds"]) for p in exercise.parameters["phases"]] == [
        ("inhale", 4),
        ("hold", 7),
        ("exhale", 8),
    ]
    assert exercise.parameters["cycles"] == 4
    assert exercise.parameters["max_cycles"] == 8


def test_box_breathing_is_4_4_4_4(catalog):
    assert [(p["phase"], p["seconds"]) for p in _phases("box-ademhaling")] == [
        ("inhale", 4),
        ("hold", 4),
        ("exhale", 4),
        ("hold", 4),
    ]


def test_slow_breathing_is_5_5_in_and_out_without_holds(catalog):
    exercise = Exercise.objects.get(slug="rustig-ademen")
    assert [(p["phase"], p["seconds"]) for p in exercise.parameters["phases"]] == [
        ("inhale", 5.5),
        ("exhale", 5.5),
    ]
    assert exercise.parameters["adjustable_seconds"] == [5, 6]
    assert exercise.duration_minutes == 5
    assert exercise.parameters["max_minutes"] == 10


def test_physiological_sigh_has_two_inhales_and_an_exhale_twice_as_long(catalog):
    phases = _phases("fysiologische-zucht")
    inhales = [p["seconds"] for p in phases if p["phase"] == "inhale"]
    exhales = [p["seconds"] for p in phases if p["phase"] == "exhale"]
    assert len(inhales) == 2 and len(exhales) == 1
    assert not any(p["phase"] == "hold" for p in phases)
    assert exhales[0] == pytest.approx(2 * sum(inhales), rel=0.1)
    assert Exercise.objects.get(slug="fysiologische-zucht").duration_minutes == 5


def test_timers_and_contrast_follow_the_clinical_parameters(catalog):
    shaking = Exercise.objects.get(slug="schudden")
    assert shaking.parameters["seconds"] == 120
    assert shaking.kind == ExerciseKind.SHAKING
    fist = Exercise.objects.get(slug="vuist-contrast").parameters
    assert fist["clench_seconds"] == 10
    assert (fist["compare_min_seconds"], fist["compare_max_seconds"]) == (20, 30)
    nothing = Exercise.objects.get(slug="niets-doen")
    assert (nothing.duration_minutes, nothing.parameters["max_minutes"]) == (5, 10)


def test_every_exercise_has_both_languages_and_4_to_8_steps(catalog):
    for exercise in Exercise.objects.all():
        for lang in ("nl", "en"):
            assert all(text.strip() for text in _texts(exercise, lang)), exercise.slug
            assert 4 <= len(getattr(exercise, f"steps_{lang}")) <= 8, exercise.slug
            assert getattr(exercise, f"cautions_{lang}"), exercise.slug
        assert len(exercise.steps_nl) == len(exercise.steps_en), exercise.slug
        assert exercise.name_nl != exercise.name_en, exercise.slug
        assert exercise.domains and exercise.states, exercise.slug


def test_no_forbidden_words_in_exercises(catalog):
    for exercise in Exercise.objects.all():
        for lang in ("nl", "en"):
            for text in _texts(exercise, lang):
                assert not FORBIDDEN.search(text), (exercise.slug, text)


def test_forbidden_word_check_catches_what_it_should():
    assert FORBIDDEN.search("Wij stellen een diagnose")
    assert FORBIDDEN.search("This will cure you")
    assert FORBIDDEN.search("a treatment plan")
    assert FORBIDDEN.search("deze behandeling")
    assert not FORBIDDEN.search("vraag het je behandelaar")
    assert not FORBIDDEN.search("a secure and curious mind")
