"""The cautions of docs/clinical.md: required by the catalog, shown before the start and repeated
by the running player as "stop if", with the way out (slow breathing, grounding) as a link."""

import re
import shutil

import pytest
from django.core.exceptions import ImproperlyConfigured

from lijfwijs.exercises import content
from lijfwijs.exercises.models import Exercise, ExerciseKind, Safety, required_safety
from lijfwijs.exercises.tests.log_factories import browser as signed_in
from lijfwijs.exercises.tests.log_factories import person
from lijfwijs.exercises.tests.test_patterns import make

pytestmark = pytest.mark.django_db

HOLDS = {"4-7-8-ademhaling", "box-ademhaling"}
NO_HOLDS = {"rustig-ademen", "fysiologische-zucht"}
BODY = {"bodyscan", "somatisch-volgen"}
SLOW_PLAYER = "/oefeningen/rustig-ademen/oefenen/"
GROUNDING_PLAYER = "/oefeningen/gronden/oefenen/"

CHEST = "pijn op je borst"
DRIVING = "niet tijdens het autorijden en niet in het water"
PREGNANCY = "Ben je zwanger, of heb je COPD, een hartaandoening of epilepsie?"
PANIC = "open je ogen en voel je voeten op de grond"
EYES_OPEN = "Je ogen mogen open blijven. Jij kiest waar je je aandacht op richt"


@pytest.fixture
def catalog(db):
    content.load()


def _get(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.content.decode()


def _section(html: str, marker: str) -> str:
    start = html.index(marker)
    return html[start : html.index("</div>", start)]


def _intro(html: str) -> str:
    return _section(html, '<div class="notice notice-warning" data-safety>')


def _stop_if(html: str) -> str:
    return _section(html, "data-stop-if>")


def test_every_breathing_exercise_declares_the_cautions_that_apply_to_it(catalog):
    breathing = Exercise.objects.active().filter(kind=ExerciseKind.BREATHING)
    assert {e.slug for e in breathing} == HOLDS | NO_HOLDS
    for exercise in breathing:
        assert set(required_safety(exercise.kind, exercise.phases)) <= set(exercise.safety)
        has_hold = Safety.BREATH_HOLDS in exercise.safety
        assert has_hold == (exercise.slug in HOLDS), exercise.slug
    for slug in BODY:
        assert Safety.TRAUMA in Exercise.objects.get(slug=slug).safety


@pytest.mark.parametrize(
    ("slug", "line", "missing"),
    [
        (
            "4-7-8-ademhaling",
            '"stop_signs", "not_driving", "breath_holds", "panic"',
            "breath_holds",
        ),
        ("rustig-ademen", '"stop_signs", "not_driving", "panic"', "panic"),
        ("bodyscan", '"trauma"', "trauma"),
    ],
)
def test_an_exercise_without_its_cautions_is_refused(tmp_path, slug, line, missing):
    source = content.CATALOG_DIR / f"{slug}.toml"
    shutil.copy(source, tmp_path / source.name)
    text = source.read_text(encoding="utf-8")
    assert f"safety = [{line}]" in text
    kept = [key for key in re.findall(r'"(\w+)"', line) if key != missing]
    changed = text.replace(
        f"safety = [{line}]", "safety = [" + ", ".join(f'"{k}"' for k in kept) + "]"
    )
    (tmp_path / source.name).write_text(changed, encoding="utf-8")
    with pytest.raises(ImproperlyConfigured, match=rf"{slug}.toml: .*safety lacks \['{missing}'\]"):
        content.read_catalog(tmp_path)


def test_an_unknown_caution_is_refused(tmp_path):
    source = content.CATALOG_DIR / "gronden.toml"
    text = source.read_text(encoding="utf-8").replace(
        'states = ["sympathetic", "dorsal"]\n',
        'states = ["sympathetic", "dorsal"]\nsafety = ["careful"]\n',
    )
    (tmp_path / source.name).write_text(text, encoding="utf-8")
    with pytest.raises(ImproperlyConfigured, match=r"gronden.toml: safety\[0\]"):
        content.read_catalog(tmp_path)


@pytest.mark.parametrize("slug", sorted(HOLDS | NO_HOLDS))
def test_a_breathing_exercise_shows_its_cautions_before_the_start_and_while_it_runs(
    client, catalog, slug
):
    detail = _get(client, f"/oefeningen/{slug}/")
    player = _get(client, f"/oefeningen/{slug}/oefenen/")
    intro = _intro(player)
    # before the start: on the page (above its start link) and in the player's intro
    assert detail.index("data-safety") < detail.index("start-exercise")
    start = detail.index("data-safety")
    cautions = detail[start : detail.index("</section>", start)]
    for page in (cautions, intro):
        assert CHEST in page and DRIVING in page and PANIC in page
        assert f'href="{GROUNDING_PLAYER}"' in page
        assert (PREGNANCY in page) == (slug in HOLDS)
        assert (f'href="{SLOW_PLAYER}"' in page) == (slug in HOLDS)
    assert player.index("data-safety") < player.index("data-start")
    # while it runs: "stop if", with the way out to grounding
    stop = _stop_if(player)
    assert "Stop als" in stop and CHEST in stop and PANIC in stop
    assert f'href="{GROUNDING_PLAYER}"' in stop
    assert ("het vasthouden benauwd voelt" in stop) == (slug in HOLDS)


@pytest.mark.parametrize("slug", ["schudden", "niets-doen", "gronden", "vuist-contrast"])
def test_other_exercises_have_no_stop_if_box(client, catalog, slug):
    assert "data-stop-if" not in _get(client, f"/oefeningen/{slug}/oefenen/")


@pytest.mark.parametrize(
    ("phases", "holds"),
    [
        (
            [
                {"phase": "inhale", "seconds": 4},
                {"phase": "hold", "seconds": 7},
                {"phase": "exhale", "seconds": 8},
            ],
            True,
        ),
        ([{"phase": "inhale", "seconds": 5}, {"phase": "exhale", "seconds": 5}], False),
    ],
)
def test_an_own_pattern_shows_the_cautions_of_its_rhythm(catalog, phases, holds):
    anna = person("anna-veilig@example.org")
    pattern = make(anna, phases=phases, cycles=4)
    player = _get(signed_in(anna), f"/oefeningen/mijn-ritmes/{pattern.pk}/oefenen/")
    intro = _intro(player)
    assert CHEST in intro and DRIVING in intro and PANIC in intro
    assert (PREGNANCY in intro) == holds
    assert (f'href="{SLOW_PLAYER}"' in intro) == holds
    assert CHEST in _stop_if(player)


@pytest.mark.parametrize("slug", sorted(BODY))
def test_body_focused_practice_is_trauma_sensitive_in_the_text_and_the_player(
    client, catalog, slug
):
    exercise = Exercise.objects.get(slug=slug)
    words = {
        "nl": ("ogen mogen", "kies", "gronden", "te veel"),
        "en": ("eyes open", "choose", "grounding", "too much"),
    }
    for lang, (eyes, choose, ground, too_much) in words.items():
        steps = " ".join(getattr(exercise, f"steps_{lang}")).lower()
        guide = " ".join(step[lang] for step in exercise.parameters["guide"]).lower()
        assert all(word in steps for word in (choose, ground, too_much)), (slug, lang)
        assert all(word in guide for word in ("open", too_much)), (slug, lang)
        assert eyes in steps or "eyes, or keep them open" in steps, (slug, lang)
    player = _get(client, f"/oefeningen/{slug}/oefenen/")
    intro = _intro(player)
    assert EYES_OPEN in intro and f'href="{GROUNDING_PLAYER}"' in intro
    stop = _stop_if(player)
    assert "het te veel wordt" in stop and f'href="{GROUNDING_PLAYER}"' in stop
    assert CHEST not in stop  # a breathing exercise's signs are not a body scan's
